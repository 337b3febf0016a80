"""The claims the model represents, each with its mechanism, its switch, its ablation test and the
effect that measures it (read by ``experiments/claims.py``; the table is in docs/ODD.md).

A claim's effect is a contrast between a ``treated`` and a ``control`` world on the same seeds, or,
when neither is given, a level. ``off`` holds the overrides that switch the mechanism off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MA = "Ma 2024 (002)"


@dataclass(frozen=True)
class Claim:
    """One claim of the sources, as the model represents it."""

    key: str
    claim: str
    source: str
    mechanism: str  # file: function
    off: dict
    effect: str  # what the metric measures, in words
    metric: Callable  # model after the run -> float
    test: str  # the ablation test, tests/<file>::<name>
    base: dict = field(default_factory=dict)  # overrides of both worlds
    # "vanishes": the effect shows on and disappears off; "changes": the mechanism's point is to
    # change an effect that exists without it (the on-minus-off difference must be clear)
    expect: str = "vanishes"
    seeds: int | None = None  # more than the table's default where a power analysis asks for it
    treated: dict = field(default_factory=dict)
    control: dict = field(default_factory=dict)

    @property
    def switch_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.off.items())


# -- metrics (module-level functions, so the parallel workers can import them) -------------------


def china_R(m) -> float:
    return m.state("china").R


def china_F(m) -> float:
    return m.state("china").F


def china_E_over_R(m) -> float:
    s = m.state("china")
    return s.E / s.R if s.R > 0 else 0.0


def _locs(m, state: str) -> list:
    return [loc for loc in m.localities if loc.state.name == state]


def china_local_liberalisation(m) -> float:
    """Mean rise of the facilitation of China's localities other than pilot zones (whose
    leeway is a mechanism of its own) above their anchors."""
    locs = [loc for loc in _locs(m, "china") if not loc.pilot_zone]
    return float(np.mean([loc.F - loc.anchor_F for loc in locs]))


def eu_local_gain(m) -> float:
    """EU members' mean productivity gain from their own facilitation (m_l - 1)."""
    return float(np.mean([loc.productivity - 1.0 for loc in _locs(m, "eu")]))


def pilot_invention_lead(m) -> float:
    """Inventions per Chinese pilot zone minus inventions per other Chinese locality."""
    locs = _locs(m, "china")
    pilots = [loc.inventions for loc in locs if loc.pilot_zone]
    others = [loc.inventions for loc in locs if not loc.pilot_zone]
    return float(np.mean(pilots) - np.mean(others)) if pilots and others else 0.0


CLAIMS: list[Claim] = [
    Claim(
        key="regulatory_pressure",
        claim="Restrictive rules answer the EU's regulatory pressure",
        source=MA + ", 'pressure' (Table 2)",
        mechanism="sim/agents/state.py: State.pressure_response",
        off={"policy.rp_response": 0.0},
        effect="China's R at the end, strict EU enforcement minus baseline",
        metric=china_R,
        test="tests/test_mechanisms.py::test_regulatory_pressure_raises_restrictiveness",
        treated={"scenario": "eu_strict_enforcement"},
    ),
    Claim(
        key="technological_pressure",
        claim="Facilitative rules answer the US's technological pressure",
        source=MA + ", 'pressure' (Table 2)",
        mechanism="sim/agents/state.py: State.pressure_response",
        off={"policy.tp_response": 0.0},
        effect="China's F at the end, tight export controls minus baseline",
        metric=china_F,
        test="tests/test_mechanisms.py::test_technological_and_incident_pressure_move_the_target_stance",
        treated={"scenario": "export_controls_tight"},
    ),
    Claim(
        key="competitive_liberalisation",
        claim="Local governments compete by liberalising",
        source=MA + ", 'competitive liberalisation'",
        mechanism="sim/agents/local_government.py: LocalGovernment.update",
        off={"local.competition": 0.0},
        effect="rise of the local F of China's localities other than pilot zones above their "
        "anchors at the end (mean)",
        metric=china_local_liberalisation,
        test="tests/test_local.py::test_without_competition_local_facilitation_stays_at_its_anchor",
    ),
    Claim(
        key="single_track_damping",
        claim="The EU's restrictive framework keeps members' facilitation from firms",
        source=MA + ", 'assessment' (EU and US)",
        mechanism="sim/agents/central_regulator.py: CentralRegulator.damping",
        off={"policy.single_track_damping": 0.0},
        effect="EU members' productivity gain, EU R 0.9 minus EU R 0.6",
        metric=eu_local_gain,
        test="tests/test_local.py::test_single_track_damps_members_facilitation",
        treated={"states.eu.R": 0.9},
    ),
    Claim(
        key="tolerance",
        claim="'Tolerant and prudent': the centre keeps enforcement below its rules",
        source=MA + ", Art. 3 of the 2023 generative AI measures",
        mechanism="sim/agents/central_regulator.py: CentralRegulator.constrain",
        off={"central.tolerance": 0.0},
        effect="China's E/R at the end, single track minus dual track, under strong incident "
        "enforcement (policy.ip_enforcement 1)",
        metric=china_E_over_R,
        test="tests/test_local.py::test_dual_track_centre_keeps_enforcement_below_its_rules"
        "_and_a_restrictive_floor",
        base={"policy.ip_enforcement": 1.0},
        treated={"scenario": "china_single_track"},
    ),
    Claim(
        key="pilot_zones",
        claim="Pilot zones (NIDS) are where new measures are tested",
        source=MA + ", NIDS (MST 2020)",
        mechanism="sim/agents/local_government.py: LocalGovernment.update (invention)",
        off={"central.pilot_invention": 1.0},
        effect="inventions per Chinese pilot zone minus per other locality, by the end",
        metric=pilot_invention_lead,
        test="tests/test_claims.py::test_pilot_zones_invent_more_only_with_their_multiplier",
    ),
]


def china_log_capability(m) -> float:
    return float(np.log(max(m.state("china").capability, 1e-12)))


def china_bet_share(m) -> float:
    """Share of China's localities holding the sector bet (the local LLM)."""
    locs = _locs(m, "china")
    return float(np.mean([loc.llm_bet for loc in locs]))


def codification_F(m) -> float:
    """Rise of China's national facilitation anchor from codified instruments."""
    centre = m.state("china").centre
    return float(sum(centre.codify_steps.values()))


def binding_moves(m) -> float:
    """States whose regime is binding now, minus at the start."""
    start = sum(st.mode == "binding" for st in m.cfg.states.values())
    return float(sum(s.mode == "binding" for s in m.states) - start)


def waico_members(m) -> float:
    from sim.institution_metrics import waico_members as members

    return float(members(m))


# Everything the dual track adds to a single track (7.12.7), switched off at once.
DUAL_TRACK_OFF = {
    "local.competition": 0.0,
    "policy.single_track_damping": 0.0,
    "central.tolerance": 0.0,
    "central.codify_reviews": 40,
    "central.pilot_invention": 1.0,
    "central.pilot_leeway": 0.0,
    "policy.signal": False,
    "officials.carry": False,
}

CLAIMS += [
    Claim(
        key="dual_track_capability",
        claim="Dual-track regulation raises capability compared with single track",
        source=MA + ", 'assessment of dual-track regulation'",
        mechanism="sim/agents/central_regulator.py: CentralRegulator.step_localities",
        off=DUAL_TRACK_OFF,
        effect="China's log capability at the end, dual track minus single track (E1)",
        metric=china_log_capability,
        test="tests/test_claims.py::test_the_dual_track_advantage_vanishes_without_its_mechanisms",
        control={"scenario": "china_single_track"},
    ),
    Claim(
        key="restrictive_signal",
        claim="The centre keeps restrictive rules as a signal of responsible AI",
        source=MA + ", 'the restrictive elements ... signal Chinese commitment'",
        mechanism="sim/restrictive_signal.py: net_marginal_value",
        off={"policy.signal": False},
        effect="China's R at the end, dual track minus single track (E1)",
        metric=china_R,
        test="tests/test_signal.py::test_a_centre_that_weighs_a_strong_signal_moves_its_R",
        control={"scenario": "china_single_track"},
    ),
    Claim(
        key="herding",
        claim="Localities herd into similar sectors, which the centre compares more easily",
        source=MA + ", 'weaknesses'; Maskin, Qian & Xu 2000",
        mechanism="sim/agents/officials.py: Tournament.joins_bet",
        off={"officials.noise_gap": 0.0},
        effect="share of China's localities in the LLM bet at the end, promotion share 0.8 "
        "minus 0.2 (officials above rather than below the cut)",
        metric=china_bet_share,
        test="tests/test_tournament.py::test_with_equal_noise_across_sectors_joining_does_not"
        "_depend_on_the_peers",
        treated={"central.promotion_share": 0.8},
    ),
    Claim(
        key="waste",
        claim="Fierce local competition wastes resources that could serve firms",
        source=MA + ", 'weaknesses' (the Henan LLM case)",
        mechanism="sim/fiscal.py: portfolio_gain",
        off={"local.fiscal": False},
        effect="China's log capability at the end, local competition 4 minus 1 (E2)",
        metric=china_log_capability,
        test="tests/test_fiscal.py::test_a_misfit_bet_costs_capability_only_under_the_fiscal"
        "_constraint",
        treated={"local.competition": 4.0},
        expect="changes",
        # 10 seeds gave a change of -0.087 with a paired sd of about 0.13: power 0.8 at alpha
        # 0.05 needs ((1.96 + 0.84) * 0.13 / 0.087)^2 ~ 18 seeds
        seeds=20,
    ),
    Claim(
        key="codification",
        claim="The centre codifies what bears fruit locally into national facilitation",
        source=MA + ", Figure 1",
        mechanism="sim/agents/central_regulator.py: CentralRegulator._codify_step",
        # no review can codify in the horizon, and no promoted official carries one up
        off={"central.codify_reviews": 40, "officials.carry": False},
        effect="rise of China's national F anchor from codified instruments by the end",
        metric=codification_F,
        test="tests/test_fiscal.py::test_codification_raises_F_by_the_instruments_measured_value",
    ),
    Claim(
        key="regime_transitions",
        claim="Under pressure, Asian states move from voluntary towards binding law",
        source="001 (the US-Asia tug of war); Korea's AI Basic Act, Japan's AI Promotion Act",
        mechanism="sim/agents/regime.py: RegimeDynamics.step",
        off={"regime.endogenous": False},
        effect="binding regimes at the end minus at the start (all states)",
        metric=binding_moves,
        test="tests/test_regime.py::test_sustained_incident_pressure_moves_voluntary_states"
        "_towards_binding",
    ),
    Claim(
        key="hq_credibility",
        claim="A credible headquarters (Hong Kong, a third state) draws more members",
        source="003 (Hong Kong co-hosting WAICO); 000",
        mechanism="sim/agents/waico.py: host_credibility",
        off={"waico.credibility_cap": 0.0},
        effect="WAICO members at the end, Singapore minus Shanghai headquarters (E4)",
        metric=waico_members,
        test="tests/test_hq.py::test_with_every_feature_equal_the_hq_effect_on_the_distrust_term"
        "_vanishes",
        treated={"scenario": "waico_singapore"},
        control={"scenario": "waico_shanghai"},
    ),
]

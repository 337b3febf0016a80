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

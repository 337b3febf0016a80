"""WAICO, the international instruments and trust: each mechanism moves its outcome in the
documented direction on seeded runs, against a counterfactual that differs in one thing only.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from sim.agents.waico import WAICO, waico_of
from sim.model import RegulatoryCompetition
from sim.tools.compose import compose_config
from sim.tools.validate import ConfigError

SMALL = {"firms.n_initial": 600}
SEEDS = (0, 1, 2, 3, 4)


def build(seed: int = 1, scenario: str = "waico_shanghai", **overrides) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=seed, scenario=scenario, **{**SMALL, **overrides})


@functools.cache
def config(scenario: str, steps: int, extra: tuple = ()):
    """A composed config, shared by the seeds of a comparison (composing is the slow part)."""
    return compose_config(scenario, {**SMALL, "steps": steps, **dict(extra)})


@functools.cache
def run(seed: int, scenario: str, steps: int, extra: tuple = ()) -> RegulatoryCompetition:
    """A seeded run, cached across tests."""
    return RegulatoryCompetition(seed=seed, config=config(scenario, steps, extra)).run()


def waico(model: RegulatoryCompetition) -> WAICO:
    w = waico_of(model)
    assert w is not None
    return w


def members(model: RegulatoryCompetition, names: list[str] | None = None) -> set[str]:
    out = {model.states[i].name for i in waico(model).members}
    return out if names is None else out & set(names)


# -- the joining utility -------------------------------------------------------------------------


def test_a_more_credible_headquarters_raises_a_distrustful_states_joining_probability():
    prob = {}
    for hq in ("shanghai", "cohost", "hong_kong", "singapore"):
        m = build(**{"waico.hq": hq, "steps": 1})
        prob[hq] = waico(m).join_probability(m.state("japan"))
    assert m.trust[m.state("japan").index, m.state("china").index] < 0.3  # distrustful
    assert prob["shanghai"] < prob["cohost"] < prob["hong_kong"] < prob["singapore"], prob
    # The same headquarters made more credible, nothing else changed (the typed credibility).
    m = build(**{"waico.credibility_from": "typed", "waico.credibility.shanghai": 0.5, "steps": 1})
    assert waico(m).join_probability(m.state("japan")) > 1.5 * prob["shanghai"]


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_distrustful_states_join_more_often_under_a_credible_headquarters():
    distrustful = ["eu", "uk", "canada", "japan", "south_korea", "india", "australia"]
    counts = {
        hq: sum(len(members(run(s, f"waico_{hq}", 24), distrustful)) for s in SEEDS)
        for hq in ("shanghai", "singapore")
    }
    assert counts["singapore"] > counts["shanghai"] + 2, counts


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_us_counter_pressure_scales_with_alignment_and_lowers_aligned_membership():
    base, strong = build(steps=1), build(steps=1, **{"waico.us_pressure": 3.0})
    for name in ("japan", "africa"):
        drop = waico(base).utility(base.state(name)) - waico(strong).utility(strong.state(name))
        assert drop == pytest.approx(2.0 * base.state(name).alignment_us)
    aligned = [s.name for s in base.states if s.alignment_us >= 0.5 and s.name != "us"]
    assert len(aligned) >= 5
    # A credible host gives US-aligned states a reason to join that counter-pressure can remove.
    counts = {
        pressure: sum(
            len(members(run(s, "waico_singapore", 24, (("waico.us_pressure", pressure),)), aligned))
            for s in SEEDS
        )
        for pressure in (0.0, 3.0)
    }
    assert counts[3.0] < counts[0.0] - 2, counts


def test_the_us_never_joins_unless_allowed():
    m = build(steps=1, **{"waico.utility_base": 8.0})
    assert waico(m).join_probability(m.state("us")) == 0.0
    assert waico(m).join_probability(m.state("taiwan")) == 0.0  # excluded by default
    m = build(steps=1, **{"waico.utility_base": 8.0, "waico.us_may_join": True})
    assert waico(m).join_probability(m.state("us")) > 0.1


# -- timing, harmonisation, access, leaving ------------------------------------------------------


def test_nothing_about_waico_happens_before_its_proposal():
    late = build(steps=7, **{"waico.proposed": "2026Q1"}).run()  # quarter 4: step 5
    base = build(scenario="baseline", steps=7).run()
    a, b = late.model_frame(), base.model_frame()
    pd.testing.assert_frame_equal(a.loc[:4], b.loc[:4], check_exact=True)
    sa, sb = late.states_frame(), base.states_frame()
    pd.testing.assert_frame_equal(sa[sa.step <= 4], sb[sb.step <= 4], check_exact=True)
    assert (a.waico_members.loc[:4] == 0).all() and a.waico_members.loc[5] >= 1
    assert waico(late).log[0] == (4, "china", "join")
    # the modules found WAICO six quarters after its proposal (configs/waico/: 2025Q3 -> 2027Q1)
    assert waico(late).founding_quarter == 4 + 6 and waico(late).status == "proposed"


@pytest.mark.slow  # ten runs of 32 quarters: the fast suite stays under 2 minutes
def test_members_converge_towards_the_standard_faster_than_non_members():
    gaps_members, gaps_others = [], []
    for s in SEEDS:
        with_w, without = run(s, "waico_shanghai", 32), run(s, "baseline", 32)
        w = waico(with_w)
        founded_members = {name for q, name, what in w.log if q <= w.founding_quarter} - {"china"}
        for st in with_w.states:
            if st.name == "china":
                continue
            gap = w.distance(st) - w.distance(without.state(st.name))
            (gaps_members if st.name in founded_members else gaps_others).append(gap)
    assert len(gaps_members) >= 5
    assert np.mean(gaps_members) < -0.03, gaps_members
    assert abs(np.mean(gaps_others)) < 0.5 * abs(np.mean(gaps_members))
    frame = run(0, "waico_shanghai", 32).model_frame()
    assert frame.waico_harmonisation.iloc[-1] > frame.waico_harmonisation.iloc[8]


def test_founded_membership_opens_markets_to_chinese_firms_and_leaving_undoes_it():
    m = build(steps=16, **{"waico.utility_base": 5.0}).run()
    w, c = waico(m), m.state("china").index
    assert w.founded and len(w.members) >= 4
    for i in w.members - {c}:
        assert m.market_access[i, c] == pytest.approx(w.p.market_access)
    outside = [s.index for s in m.states if s.index not in w.members]
    assert np.all(m.market_access[outside, c] == 1.0)
    africa = m.state("africa")
    assert africa.waico_member
    support = w.p.support_F * w.p.hq_capacity[w.hq]
    # Make membership clearly worthless: every non-founding member leaves at its next decision.
    w.p.utility_base = -10.0
    for _ in range(40):
        before = africa.anchor["F"]
        m.step()
        if not africa.waico_member:
            break
    assert africa.anchor["F"] == pytest.approx(before - support)  # capacity support withdrawn
    for _ in range(40):
        m.step()
    assert w.members == {c}
    assert np.all(m.market_access[:, c] == 1.0)
    assert {n for _, n, what in w.log if what == "leave"} >= {"africa"}


def test_trust_among_members_grows_beyond_the_baseline():
    with_w = run(0, "waico_shanghai", 32)
    without = run(0, "baseline", 32)
    w, c = waico(with_w), with_w.state("china").index
    long_members = [i for i in w.members if i != c and with_w.states[i].name not in ("china",)]
    assert long_members
    for i in long_members:
        assert with_w.trust[i, c] > without.trust[i, c]


# -- trust ---------------------------------------------------------------------------------------


def test_trust_stays_a_bounded_matrix_and_does_not_drift_without_cause():
    m = run(3, "baseline", 32, (("policy.events", False),))  # the record's controls are causes
    T = m.trust
    assert np.all((T >= 0) & (T <= 1)) and np.all(np.diag(T) == 1.0)
    assert np.abs(T - m.trust_dynamics.initial).max() < 0.1
    frame = m.model_frame()
    assert frame.mean_trust.between(0, 1).all()
    assert abs(frame.mean_trust.iloc[-1] - frame.mean_trust.iloc[0]) < 0.01


def test_export_controls_and_bans_lower_the_targets_trust_in_the_issuer_then_it_recovers():
    tight = build(scenario="export_controls_tight", steps=16)
    base = build(scenario="baseline", steps=16)
    c, u = tight.state("china").index, tight.state("us").index
    path = []
    for _ in range(16):
        tight.step()
        base.step()
        path.append(tight.trust[c, u] - base.trust[c, u])
    # Beyond the record (which both share): 2027Q1 (quarter 8) control, 2027Q2 ban, 2027Q3
    # control. Trust falls at each, then relaxes.
    assert path[7] == pytest.approx(0.0, abs=1e-3)
    assert path[8] < -0.01 and path[9] < path[8] and path[10] < path[9]
    assert path[15] > path[10]
    assert abs(tight.trust[u, c] - base.trust[u, c]) < 0.01  # the issuer's trust barely moves


def test_incidents_abroad_lower_the_markets_trust_in_the_firms_home_state():
    calm, risky = build(scenario="baseline", steps=8), build(scenario="baseline", steps=8)
    calm.run(2)
    risky.run(2)
    risky.firm_params.incident_rate *= 5  # from quarter 2 on, in one world only
    calm.run(6)
    risky.run(6)
    e, u = calm.state("eu").index, calm.state("us").index
    assert risky.trust[e, u] < calm.trust[e, u] - 0.02
    assert risky.trust[u, e] < calm.trust[u, e]


# -- the other instruments -----------------------------------------------------------------------

ACCORDS = ("coe_convention", "oecd_principles", "unesco_recommendation", "bletchley", "seoul")


def test_accords_resist_a_signatorys_backsliding_below_their_floor():
    # Sticky rules (policy.r_stickiness) also resist backsliding; switched off to isolate accords.
    free = (("policy.r_stickiness", 0.0),)
    off = free + tuple((f"accords.{a}.R_pull", 0.0) for a in ACCORDS)
    with_norms = [run(s, "us_deregulation", 16, free).state("us").R for s in SEEDS[:3]]
    without = [run(s, "us_deregulation", 16, off).state("us").R for s in SEEDS[:3]]
    assert np.mean(with_norms) > np.mean(without) + 0.005


def test_an_accord_adopted_during_the_run_builds_trust_among_its_signatories_from_then():
    pact = {
        "label": "hypothetical Asian AI pact",
        "adopted": "2026Q1",
        "signatories": ["china", "japan", "south_korea"],
        "trust_gain": 0.05,
    }
    m = build(scenario="baseline", steps=8, **{"accords.asia_pact": pact})
    base = build(scenario="baseline", steps=8)
    j, c = m.state("japan").index, m.state("china").index
    for step in range(8):
        m.step()
        base.step()
        if step < 4:  # quarters 0-3: before adoption
            assert m.trust[j, c] == pytest.approx(base.trust[j, c], abs=1e-9)
    assert m.trust[j, c] > base.trust[j, c] + 0.05


# -- config, outputs, determinism ------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, key, text",
    [
        ({"waico.hq": "beijing"}, "waico.hq", "shanghai"),
        ({"waico.founding": ["china", "narnia"]}, "waico.founding", "narnia"),
        ({"waico.global_south": ["afrika"]}, "waico.global_south", "africa"),
        ({"accords.bletchley.signatories": ["us", "atlantis"]}, "accords.bletchley", "atlantis"),
        ({"waico.china_trade.mars": 0.1}, "waico.china_trade.mars", "mars"),
        ({"waico.china_trade.japan": 1.5}, "waico.china_trade", "[0, 1]"),
        ({"waico.proposed": "2025-07"}, "waico.proposed", "YYYYQn"),
        ({"waico.proposed": "2024Q1"}, "waico.proposed", "before the start"),
        ({"waico.decision_rate": 2.0}, "waico.decision_rate", "[0, 1]"),
    ],
)
def test_bad_config_gives_one_line_errors(overrides, key, text):
    with pytest.raises(ConfigError) as info:
        RegulatoryCompetition(scenario="waico_shanghai", **overrides)
    message = str(info.value)
    assert "\n" not in message and message.startswith(key) and text in message, message


def test_waico_columns_exist_when_it_is_disabled():
    m = run(1, "baseline", 8)
    frame, states = m.model_frame(), m.states_frame()
    assert (frame.waico_members == 0).all() and (frame.waico_gdp_share == 0).all()
    assert frame.waico_harmonisation.isna().all() and frame.mean_trust.notna().all()
    assert not states.waico_member.any()
    assert waico_of(m) is None and np.all(m.market_access == 1.0)


def test_gdp_share_counts_the_members():
    m = run(2, "waico_hk_cohost", 24)
    gdp = {s.name: s.gdp for s in m.states}
    share = sum(gdp[n] for n in members(m)) / sum(gdp.values())
    assert m.model_frame().waico_gdp_share.iloc[-1] == pytest.approx(share)
    last = m.states_frame().query("step == 24")
    assert set(last[last.waico_member].state) == members(m)


def test_same_seed_same_waico_output_and_different_seed_different():
    a, b = build(seed=5, steps=16).run(), build(seed=5, steps=16).run()
    pd.testing.assert_frame_equal(a.model_frame(), b.model_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.states_frame(), b.states_frame(), check_exact=True)
    assert waico(a).log == waico(b).log and np.array_equal(a.trust, b.trust)
    logs = {tuple(waico(build(seed=s, steps=16).run()).log) for s in (6, 7, 8)}
    assert len(logs) > 1

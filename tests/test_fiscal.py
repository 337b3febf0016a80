"""The local fiscal constraint, codification by value and adoption by value (issue 13, items 1
and 4; docs/ODD.md 7.12.4-7.12.5). Each test switches its mechanism off and shows the effect go.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.instruments import Instrument
from sim.model import RegulatoryCompetition

SMALL = {"firms.n_initial": 1500}
# Nothing moves the localities but what a test does to them.
QUIET = {
    **SMALL,
    "policy.events": False,
    "policy.respond": False,
    "local.competition": 0,
    "local.invention_rate": 0,
}
# Wuhan with instruments that fit it, and a locality poor enough for the LLM bet to be a misfit.
FIT = ["talent_plan_funding", "joint_platforms"]
WUHAN = {"localities.wuhan.advantage": 0.3, "localities.wuhan.instruments": FIT}
BET = {**WUHAN, "localities.wuhan.instruments": [*FIT, "local_llm"]}


def build(seed: int = 1, **overrides) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=seed, **{**QUIET, **overrides})


def wuhan(model: RegulatoryCompetition):
    return next(loc for loc in model.localities if loc.name == "wuhan")


def growth(seed: int, bet: bool, fiscal: bool, steps: int = 12) -> float:
    """Capability growth of Wuhan's firms over ``steps`` quarters, when Wuhan joins the LLM bet
    in the first quarter (``bet``) or not. The start is read as an equilibrium (a productivity
    level there is absorbed by the firms' inferred efficiency), so the bet comes after it."""
    model = build(seed, **{**WUHAN, "localities.wuhan.firm_share": 30, "local.fiscal": fiscal})
    loc = wuhan(model)
    if bet:
        loc.instruments.append("local_llm")
    start = float(model.firms.k[model.firms.alive & (model.firms.loc == loc.index)].sum())
    model.run(steps)
    return loc.capability / start - 1.0


@pytest.mark.parametrize("fiscal", [True, False])
def test_a_misfit_bet_costs_capability_only_under_the_fiscal_constraint(fiscal):
    """With the constraint, the bet takes money from instruments that fit (their gain falls more
    than the bet's misfit adds); without it, the bet only adds its own small gain."""
    flag = {"local.fiscal": fiscal}
    without, with_bet = build(**WUHAN, **flag), build(**BET, **flag)
    assert wuhan(with_bet).llm_bet
    m0, m1 = wuhan(without).productivity, wuhan(with_bet).productivity
    g0 = np.mean([growth(s, False, fiscal) for s in (1, 2)])
    g1 = np.mean([growth(s, True, fiscal) for s in (1, 2)])
    if fiscal:
        assert m1 < m0 - 1e-3
        assert g1 < g0 - 1e-3, (g0, g1)
        assert wuhan(with_bet).waste > wuhan(without).waste
    else:
        assert m1 > m0
        assert g1 > g0, (g0, g1)


@pytest.mark.parametrize("fiscal", [True, False])
def test_spending_above_the_start_crowds_out_public_investment(fiscal):
    """Local spending beyond the settled start is money the state's firms no longer receive:
    a herd into the bet lowers China's investment with the constraint and not without."""
    model = build(**{"local.fiscal": fiscal})
    china = model.state("china").index
    before = model.jurisdictions().investment[china]
    for loc in model.state("china").centre.localities:
        if not loc.instruments:
            loc.instruments.append("local_llm")
        loc.spend(1.0)
    after = model.jurisdictions().investment[china]
    if fiscal:
        assert after < before * 0.99
        assert model.crowded_out()[china] > 0
    else:
        assert after == before


def test_a_dominated_or_crowding_instrument_is_dropped_but_a_committed_bet_is_not():
    model = build(**{"localities.wuhan.instruments": [*FIT, "green_passage", "competitions"]})
    held = wuhan(model).instruments  # two talent instruments: the weaker is dropped at the start
    assert "competitions" not in held and "green_passage" in held
    loc = wuhan(build(**BET))
    loc.prune()
    assert "local_llm" in loc.instruments  # a bet runs its term
    loc.prune(keep_committed=False)
    assert "local_llm" not in loc.instruments  # the misfit crowded out what fits


def test_the_start_is_a_fiscal_equilibrium():
    """At rest nothing is dropped and nothing is crowded out: the world file's portfolios are
    kept (after dominated duplicates) and spending stays at its settled level."""
    model = build(**{"central.pilot_leeway": 0})  # pilot zones' leeway raises their F
    before = {loc.name: list(loc.instruments) for loc in model.localities}
    model.run(8)
    assert {loc.name: loc.instruments for loc in model.localities} == before
    assert all(abs(loc.crowded_out) < 1e-9 for loc in model.localities)


def _step(model: RegulatoryCompetition, productivity: float) -> float:
    centre = model.state("china").centre
    inst = Instrument("probe", "probe", "ip", productivity, 0.5, 0.2)
    return centre._codify_step(inst, centre.localities[:5])


def test_codification_raises_F_by_the_instruments_measured_value():
    model = build()
    assert _step(model, 0.0) == 0.0  # a worthless instrument moves nothing
    assert _step(model, 0.04) == pytest.approx(2 * _step(model, 0.02))
    assert _step(model, 0.02) == pytest.approx(model.central.codify_value_F * 0.02)
    fixed = build(**{"central.codify_by_value": False})
    assert _step(fixed, 0.0) == _step(fixed, 0.04) == fixed.central.codify_F


def _spread(by_value: bool) -> tuple[float, float]:
    """Share of China's good-fit (advantage >= 0.5) and poor-fit localities holding a codified
    instrument three years after it became national policy."""
    model = build(**{"local.adoption_by_value": by_value})
    model.state("china").centre.codified.append("researcher_ip_rights")
    model.run(12)
    locs = model.state("china").centre.localities
    held = {loc.name: "researcher_ip_rights" in loc.instruments for loc in locs}
    good = [held[loc.name] for loc in locs if loc.advantage >= 0.5]
    poor = [held[loc.name] for loc in locs if loc.advantage < 0.5]
    return float(np.mean(good)), float(np.mean(poor))


@pytest.mark.parametrize("by_value", [True, False])
def test_adoption_spread_follows_fit_and_budget_only_by_value(by_value):
    good, poor = _spread(by_value)
    if by_value:
        assert good - poor > 0.3, (good, poor)
    else:
        assert abs(good - poor) < 0.15, (good, poor)
        assert poor > 0.8  # the constant rate alone spreads it everywhere

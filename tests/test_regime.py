"""Asia's regime spectrum (docs/ODD.md 7.15): what a mode does, and how states move between modes.

Each test checks one effect against the same world with the mechanism's switch off.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.markets import compliance_costs
from sim.model import RegulatoryCompetition

SMALL = {"firms.n_initial": 1000}
OFF = {"regime.acts": False}


def build(seed: int = 1, **overrides) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=seed, **{**SMALL, **overrides})


def _bill(model: RegulatoryCompetition, state: str, mode: str) -> float:
    """Firms' total compliance this quarter with ``state``'s regime set to ``mode``."""
    model.state(state).mode = mode
    cost, _ = compliance_costs(model.firms, model.jurisdictions())
    return float(cost[model.firms.alive].sum())


@pytest.mark.parametrize("acts", [True, False])
def test_a_voluntary_market_costs_firms_less_compliance_than_the_same_market_binding(acts):
    model = build(**({} if acts else OFF))
    singapore = model.state("singapore")
    singapore.E = 0.9  # above the voluntary enforcement cap
    voluntary = _bill(model, "singapore", "voluntary")
    binding = _bill(model, "singapore", "binding")
    if acts:
        assert voluntary < binding
        # the same rules bind less: the compliance share and the enforcement cap
        p = model.regime
        singapore.mode = "voluntary"
        assert singapore.stringency == pytest.approx(
            singapore.R * p.enforce_cap_voluntary * p.comply_voluntary
        )
    else:
        assert voluntary == binding


def _modes(model: RegulatoryCompetition) -> dict[str, str]:
    return {s.name: s.mode for s in model.states}


@pytest.mark.parametrize("endogenous", [True, False])
def test_sustained_incident_pressure_moves_voluntary_states_towards_binding(endogenous):
    model = build(steps=12, **{"regime.endogenous": endogenous})
    before = _modes(model)
    model.policy.incident_scale *= 0.1  # after settling: every incident weighs ten times more
    model.run()
    after = _modes(model)
    moved = [n for n in before if before[n] == "voluntary" and after[n] != "voluntary"]
    if endogenous:
        assert len(moved) >= 3, after
        assert model.model_frame().binding_regimes.iloc[-1] > 2
    else:
        assert after == before


def test_no_mode_moves_while_the_pressures_stay_settled():
    """A world without events or growth keeps its pressures near their settled level: the
    accumulated demand stays far below a law."""
    model = build(steps=16, **{"policy.events": False, "economy.growth": False}).run()
    assert _modes(model) == {n: m.mode for n, m in model.cfg.states.items()}
    assert model.states_frame().law_pressure.max() < 0.5


def _step_of_R(mode: str, **overrides) -> float:
    model = build(**overrides)
    japan = model.state("japan")
    japan.mode = mode
    japan.anchor["R"] += 0.2  # the same target for both modes
    r0 = japan.R
    japan.update_stance({"R": 0.0, "F": 0.0, "E": 0.0})
    return japan.R - r0


def test_binding_R_moves_slower_than_voluntary_R():
    binding, voluntary = _step_of_R("binding"), _step_of_R("voluntary")
    assert 0 < binding < voluntary
    assert _step_of_R("binding", **OFF) == pytest.approx(_step_of_R("voluntary", **OFF))


def test_the_mode_is_an_output_over_time():
    model = build(steps=2).run()
    frame = model.states_frame()
    assert {"mode", "law_pressure"} <= set(frame.columns)
    assert set(frame["mode"]) <= {"binding", "hybrid", "voluntary"}
    count = model.model_frame().binding_regimes
    binding = frame[frame.step == 2]["mode"].eq("binding").sum()
    assert count.iloc[-1] == binding and np.isfinite(frame.law_pressure).all()

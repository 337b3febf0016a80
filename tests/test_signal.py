"""The restrictive signal as a choice (issue 13, item 3; docs/ODD.md 7.2, 7.12.1, 7.13.6).

R moves towards its target more slowly downwards than upwards (``policy.r_stickiness``) instead of
the old hard floor (``central.restrictive_floor``); R*E earns trust and market access with states
that value safety (``policy.signal``), and a dual-track centre weighs that benefit against its
firms' costs. Each test switches one mechanism off and checks that its effect disappears.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import RegulatoryCompetition
from sim.restrictive_signal import net_marginal_value

SMALL = {"firms.n_initial": 1000}


def build(seed: int = 1, **overrides) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=seed, **{**SMALL, **overrides})


def china_R(model: RegulatoryCompetition) -> np.ndarray:
    return model.states_frame().query("state == 'china'").R.to_numpy()


# -- sticky adjustment instead of the floor ------------------------------------------------------


def _without_incident_pressure(**overrides) -> np.ndarray:
    """China's R when incidents stop weighing after the start: a falling restrictive pressure."""
    model = build(3, steps=16, **overrides)
    model.policy.incident_scale = 1e12  # IP falls from ~0.54 to 0
    return china_R(model.run())


def test_without_the_floor_R_falls_below_its_start_under_a_falling_pressure():
    held = _without_incident_pressure(**{"central.restrictive_floor": True})
    free = _without_incident_pressure()
    assert held.min() >= held[0] - 1e-9, "the old floor holds R at its start"
    assert free[-1] < free[0] - 0.03, free[-1]


@pytest.mark.parametrize("state", ["china", "eu"])
def test_R_falls_more_slowly_than_it_rises(state):
    """One quarter after the anchor moves by -0.1 or +0.1 (same seed, same draws; no event or
    peer moves the target): the fall is (1 - r_stickiness) times the rise, and as large as it
    with no stickiness."""
    quiet = {"policy.events": False, "policy.learning_rate": 0}
    for stickiness in (0.5, 0.0):
        moves = {}
        for shift in (-0.1, 0.0, 0.1):
            model = build(2, **quiet, **{"policy.r_stickiness": stickiness})
            model.state(state).anchor["R"] += shift
            model.step()
            moves[shift] = model.state(state).R
        fall, rise = moves[0.0] - moves[-0.1], moves[0.1] - moves[0.0]
        assert rise > 0.01
        assert fall / rise == pytest.approx(1.0 - stickiness, abs=0.05), (fall, rise)


def test_R_speed_is_set_in_one_place():
    state = build().state("china")
    pol = state.model.policy
    assert state.r_speed(True) == pol.speed
    assert state.r_speed(False) == pytest.approx(pol.speed * (1.0 - pol.r_stickiness))


# -- the benefit of R*E: trust and market access --------------------------------------------------


def test_the_signal_is_zero_at_the_start():
    """The world stays at rest: no access credit, and the centre's target is its start."""
    model = build()
    assert np.array_equal(model._access(), model.market_access)
    centre = model.state("china").centre
    assert net_marginal_value(model, centre.state) == centre.net0


def _trust_in_china(signal: bool, bump: float) -> np.ndarray:
    """Trust of every state in China after a year in which China's R stood ``bump`` higher."""
    model = build(**{"policy.respond": False, "policy.signal": signal, "steps": 4})
    model.state("china").R += bump
    model.run()
    return model.trust[:, model.state("china").index]


def test_trust_in_a_state_rises_with_its_stringency_only_with_the_signal():
    names = build().state_names
    eu, us = names.index("eu"), names.index("us")
    on = _trust_in_china(True, 0.2) - _trust_in_china(True, 0.0)
    off = _trust_in_china(False, 0.2) - _trust_in_china(False, 0.0)
    assert on[eu] > 0.002, on[eu]
    assert on[eu] > 3 * on[us], "states that value safety credit it most"
    assert abs(off[eu]) < on[eu] / 10, off[eu]


def test_market_access_rises_with_stringency_only_with_the_signal():
    access = {}
    for signal in (True, False):
        for bump in (0.1, 0.2):
            model = build(**{"policy.signal": signal})
            china = model.state("china")
            china.R += bump
            eu = model.state("eu").index
            access[signal, bump] = model._access()[eu, china.index]
    assert 1.0 < access[True, 0.1] < access[True, 0.2]
    assert access[False, 0.1] == access[False, 0.2] == 1.0


# -- the centre's choice ---------------------------------------------------------------------------


def _end_R(seed: int, **overrides) -> float:
    return china_R(build(seed, steps=24, **{"policy.signal_access": 100, **overrides}).run())[-1]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_centre_that_weighs_a_strong_signal_moves_its_R(seed):
    """With a strong access credit the dual-track centre's R follows the signal's net value (up
    or down: it can go either way, as the access its firms have in strict markets moves); with
    the signal off the credit's magnitude changes nothing."""
    on = _end_R(seed)
    off = _end_R(seed, **{"policy.signal": False})
    assert abs(on - off) > 0.003, (on, off)
    assert off == _end_R(seed, **{"policy.signal": False, "policy.signal_access": 1})

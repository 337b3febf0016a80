"""The promotion tournament among local officials (docs/ODD.md 7.12.2-7.12.5, 7.12.10).

Unit tests drive ``Tournament`` on a stand-in centre, so the odds and the herding rule are checked
on many draws or a grid of standings; the model tests check turnover and the carried instrument
against a counterfactual that differs in one switch.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from test_local import STAR as LOCAL_STAR

from sim.agents.officials import Official, Tournament, base_logit, marginal_odds
from sim.config.officials import OfficialsParams
from sim.instruments import Instrument
from sim.model import RegulatoryCompetition
from sim.tools.validate import ConfigError

SMALL = {"firms.n_initial": 1500}
BET = Instrument("bet", "a sector bet", "sector_bet", 0.06, 0.8, 3.0)
TALENT = Instrument("talent", "a talent plan", "talent", 0.02, 0.1, 1.0)


def _locality(name: str, standing: float, instruments: list[str], advantage: float = 0.5):
    return SimpleNamespace(
        name=name,
        standing=standing,
        instruments=list(instruments),
        advantage=advantage,
        F=0.5,
        official=Official(),
        promotions=0,
        turnovers=0,
        rank_pressure=0.0,
    )


def _tournament(localities, share: float = 0.2, **params) -> Tournament:
    model = SimpleNamespace(
        local=SimpleNamespace(bet="bet", boost=1.0),
        instrument_registry={"bet": BET, "talent": TALENT},
    )
    centre = SimpleNamespace(localities=localities, codified=[], model=model, growth_scale=1.0)
    return Tournament(centre, replace(OfficialsParams(), **params), share)


# -- promotion odds ------------------------------------------------------------------------------


@pytest.mark.parametrize("strength", [0.0, 1.0])
def test_promotion_odds_rise_with_relative_performance_unless_the_strength_is_zero(strength):
    leader, laggard = _locality("a", 1.5, ["talent"]), _locality("b", -1.5, ["talent"])
    t = _tournament([leader, laggard], strength=strength, term=10**6)
    rng = np.random.default_rng(0)
    for quarter in range(3000):
        t.review(rng, quarter, competition=1.0)
    gap = (leader.promotions - laggard.promotions) / 3000
    if strength:
        assert gap > 0.3, gap
    else:
        assert abs(gap) < 0.03, gap
        assert leader.promotions / 3000 == pytest.approx(0.2, abs=0.03)  # the base rate


def test_the_marginal_value_of_performance_peaks_near_the_cut_and_fades_away_from_it():
    a, b, sd = base_logit(0.2), 1.0, 0.5
    cut = -a / b
    at_cut = marginal_odds(a, b, cut, sd)
    assert at_cut > 2 * marginal_odds(a, b, cut - 3, sd)  # a hopeless laggard gives up
    assert at_cut > 2 * marginal_odds(a, b, cut + 3, sd)  # a safe leader coasts
    assert marginal_odds(a, 0.0, cut, sd) == 0.0  # no performance link, no incentive


def test_effort_follows_the_officials_stance_and_the_old_rule_behind_the_switch():
    loc = _locality("a", 0.0, [])
    loc.marginal_odds, loc.rank_pressure = 0.1, 0.5
    t = _tournament([loc])
    loc.official = Official(stance=2.0)
    assert t.effort(loc, 1.0) == pytest.approx(2 * 4 * 0.1)
    assert _tournament([loc], incentive_effort=False).effort(loc, 1.5) == pytest.approx(0.75)


# -- herding from the centre's comparison noise ---------------------------------------------------


def _peers(share_in_bet: float, n: int = 20) -> dict[str, list[str]]:
    k = round(share_in_bet * n)
    return {f"p{i}": ["talent", "bet"] if i < k else ["talent"] for i in range(n)}


def _joins(gap: float, standing: float, share_in_bet: float, advantage: float = 0.3) -> bool:
    loc = _locality("me", standing, ["talent"], advantage=advantage)
    snapshot = {**_peers(share_in_bet), "me": ["talent"]}
    t = _tournament([loc], noise_gap=gap)
    t.centre.growth_scale = 20.0  # a bet whose return is visible against the noise
    return t.joins_bet(loc, snapshot, competition=1.0)


def test_with_equal_noise_across_sectors_joining_does_not_depend_on_the_peers():
    for advantage in (0.1, 0.9):
        for z in np.linspace(-3, 3, 25):
            assert _joins(0.0, z, 0.1, advantage) == _joins(0.0, z, 0.9, advantage), z


def test_with_a_noise_gap_joining_depends_on_the_peers_and_can_go_either_way():
    standings = np.linspace(-3, 3, 25)
    # a misfit bet (advantage 0.1) returns less than the instruments it crowds out
    crowded = [_joins(2.0, z, 0.9, 0.1) for z in standings]
    empty = [_joins(2.0, z, 0.1, 0.1) for z in standings]
    assert not any(_joins(0.0, z, 0.9, 0.1) for z in standings)  # on its return alone: never
    # a leader gains from a precise comparison and joins a crowded misfit bet, not an empty one
    assert crowded[-1] and not empty[-1]
    # a laggard gains from a noisy comparison and stays out
    assert not crowded[0]
    # a well-fitted bet (advantage 0.9) pays on its own, but a laggard forgoes it in a crowd
    assert _joins(0.0, -3, 0.9, 0.9) and not _joins(2.0, -3, 0.9, 0.9)


# -- turnover and the route to codification --------------------------------------------------------


def _china(model):
    return model.state("china").centre.localities


def test_turnover_brings_successors_with_their_own_stance():
    before = RegulatoryCompetition(seed=4, **SMALL, **{"officials.term": 4})
    stances = [loc.official_stance for loc in _china(before)]
    after = before.run(8)
    assert all(loc.turnovers >= 1 for loc in _china(after))
    assert all(loc.official_stance != s for loc, s in zip(_china(after), stances, strict=True))
    off = RegulatoryCompetition(seed=4, **SMALL, **{"officials.tournament": False}).run(8)
    assert all(loc.turnovers == 0 and loc.official.stance == 1.0 for loc in _china(off))


# every review promotes most officials, so the adopters' officials carry the star up
STAR = {**LOCAL_STAR, "central.promotion_share": 0.9}


def test_a_carried_instrument_is_codified_earlier_than_without_the_route():
    codified = {}
    for carry in (True, False):
        model = RegulatoryCompetition(
            seed=2, steps=24, **SMALL, **STAR, **{"officials.carry": carry}
        )
        model.run()
        codified[carry] = model.instrument_registry["star"].codified_at
    assert codified[True] is not None
    assert codified[False] is None or codified[True] < codified[False], codified


@pytest.mark.parametrize(
    ("overrides", "start"),
    [
        ({"officials.noise_gap": -1}, "officials.noise_gap = -1.0 is out of range"),
        ({"officials.tournamnet": True}, "officials.tournamnet: unknown key"),
    ],
)
def test_bad_officials_config_gets_one_line_naming_the_key(overrides, start):
    with pytest.raises(ConfigError) as err:
        RegulatoryCompetition(**overrides)
    message = str(err.value)
    assert "\n" not in message and message.startswith(start), message

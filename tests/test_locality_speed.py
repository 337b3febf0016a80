"""The localities' fast paths give the reference's numbers bit for bit, and a world of 300
localities (``local.per_state``) builds, runs and keeps its portfolios bounded (issue 14).
Speed itself is measured by benchmarks/localities_bench.py, not here."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest

from sim.agents import local_kernels, locality_block
from sim.agents.central_regulator import Ranking
from sim.agents.kernels import row_sum
from sim.agents.officials import Snapshot, bet_share
from sim.config.local import INSTRUMENT_KINDS, LocalParams
from sim.fiscal import array_sum, net_value, term, term_gain, term_net
from sim.instruments import Instrument
from sim.model import RegulatoryCompetition

SMALL = {"firms.n_initial": 300}


def random_instrument(rnd: random.Random, i: int) -> Instrument:
    weight = rnd.choice([0.0, 0.2, 0.3, 0.5, 1.0, 1.5, 3.0, rnd.uniform(0, 3)])
    kind = rnd.choice(INSTRUMENT_KINDS)
    return Instrument(f"i{i}", "", kind, rnd.uniform(0, 0.1), rnd.uniform(0.05, 0.95), weight)


@pytest.mark.parametrize("seed", range(5))
def test_net_values_from_terms_equal_the_reference_on_random_portfolios(seed):
    """Portfolios of up to 12 instruments: past 8 NumPy sums the weights pairwise, and the
    terms must follow it."""
    rnd, lp = random.Random(seed), LocalParams()
    for _ in range(400):
        held = [random_instrument(rnd, i) for i in range(rnd.randint(0, 12))]
        advantage, hurdle = rnd.uniform(0, 1), rnd.choice([0.0, rnd.uniform(0, 2), math.inf])
        spending, scale = rnd.choice([0.0, rnd.uniform(0, 0.5)]), rnd.uniform(0, 2)
        terms = [term(inst, advantage, lp.half_cost) for inst in held]
        fast = term_net(terms, spending, scale, hurdle)
        slow = net_value(held, advantage, spending, scale, lp, hurdle)
        assert fast == slow or (math.isnan(fast) and math.isnan(slow)), (fast, slow)


def test_array_sum_adds_in_numpy_2_4s_order():
    """The order of kernels.row_sum (NumPy 2.4's pairwise sum), whatever NumPy is installed; on
    NumPy 2.4 itself, np.sum's bits, including past 128 terms where NumPy splits in halves."""
    rnd = np.random.default_rng(0)
    same_numpy = np.lib.NumpyVersion(np.__version__) < "2.5.0"
    for n in [*range(20), 127, 128, 129, 300]:
        for _ in range(50):
            xs = list(rnd.uniform(0, 3, n))
            if n <= 128:
                assert array_sum(xs) == row_sum(np.array(xs), n)
            if same_numpy:
                assert array_sum(xs) == np.array(xs, dtype=float).sum()
    assert array_sum([1e16, 1.0, -1e16, 1.0, 1.0, 1.0, 1.0, 1.0]) == 4.0  # not left to right: 5


def reference_prune(loc) -> list[str]:
    """The drop-one rule of LocalGovernment.prune written with sim.fiscal.net_value."""
    registry, lp, held = loc.model.instrument_registry, loc.model.local, list(loc.instruments)

    def net(names):
        insts = [registry[n] for n in names]
        spending, scale = loc.F * loc.budget0 / 4.0, lp.boost * loc.damping
        return net_value(insts, loc.advantage, spending, scale, lp, loc.hurdle)

    while len(held) > 1:
        base, best = net(held), None
        for name in held:
            if registry[name].kind == "sector_bet":
                continue
            value = net([n for n in held if n != name])
            if value > base + 1e-12 and (best is None or value > best[0]):
                best = (value, name)
        if best is None:
            break
        held.remove(best[1])
    return held


def test_pruning_on_terms_drops_what_the_reference_drops():
    model = RegulatoryCompetition(seed=3, **SMALL)
    names = list(model.instrument_registry)
    rnd, dropped = random.Random(3), 0
    for loc in model.localities:
        loc.instruments = rnd.sample(names, rnd.randint(2, 8))
        loc.F = rnd.uniform(0.2, 1.0)
        expected = reference_prune(loc)
        before = loc.dropped
        loc.prune()
        assert loc.instruments == expected, loc.name
        dropped += loc.dropped - before
    assert dropped > 0  # the comparison saw drops, not only kept portfolios


def test_a_replaced_registry_entry_is_not_read_from_a_stale_term():
    model = RegulatoryCompetition(seed=1, **SMALL)
    loc = next(loc for loc in model.localities if loc.name == "wuhan")
    name = loc.instruments[0]
    before = loc.net(loc.instruments)
    old = model.instrument_registry[name]
    better = Instrument(name, "", old.kind, 10 * old.productivity, 0.05, old.weight)
    model.instrument_registry[name] = better
    loc._nets = {}  # a new quarter (update clears it)
    assert loc.net(loc.instruments) > before


def test_the_ranking_counts_and_lists_the_localities_above_as_a_pass_over_peers_does():
    rnd = np.random.default_rng(5)
    growth = np.round(rnd.normal(0, 1, 40), 1)  # ties
    growth[[3, 17]] = np.nan
    names = [f"l{i}" for i in range(len(growth))]
    ranking = Ranking(names, growth)
    for i, g in enumerate(growth):
        expected = [n for n, og in zip(names, growth, strict=True) if og > g]
        above = ranking.above(i)
        assert len(above) == len(expected)
        assert [above[i] for i in range(len(above))] == expected


def test_the_share_of_peers_in_the_bet_is_counted_once_per_snapshot():
    class Loc:
        def __init__(self, name):
            self.name = name

    plain = {f"l{i}": (["bet"] if i % 3 else ["x"]) for i in range(10)}
    snapshot = Snapshot(plain)
    for name in [*plain, "outsider"]:
        loc = Loc(name)
        peers = [names for n, names in plain.items() if n != name]
        expected = sum("bet" in names for names in peers) / max(len(peers), 1)
        assert bet_share(loc, snapshot, "bet") == expected
        assert bet_share(loc, plain, "bet") == expected


# -- more localities: local.per_state ----------------------------------------------------------


def test_per_state_cuts_each_states_localities_finer_without_changing_its_totals():
    base = RegulatoryCompetition(seed=2, **SMALL)
    fine = RegulatoryCompetition(seed=2, **SMALL, **{"local.per_state": 100})
    assert len(fine.localities) == 300
    assert all(len(c.localities) == 100 for c in fine.centres)
    assert [loc.name for loc in fine.localities[: len(base.localities)]] == [
        loc.name for loc in base.localities
    ]
    for attr in ("budget0", "firm_share"):
        for c0, c1 in zip(base.centres, fine.centres, strict=True):
            total0 = sum(getattr(loc, attr) for loc in c0.localities)
            total1 = sum(getattr(loc, attr) for loc in c1.localities)
            assert total1 == pytest.approx(total0, rel=1e-9)
    # the copies' draws have their own seed: the listed localities' officials are the same
    stances = lambda m: [loc.official.stance for loc in m.localities[: len(base.localities)]]  # noqa: E731
    assert stances(fine) == stances(base)


def test_per_state_is_reproducible_and_zero_leaves_the_world_file():
    a = RegulatoryCompetition(seed=4, **SMALL, **{"local.per_state": 60})
    b = RegulatoryCompetition(seed=4, **SMALL, **{"local.per_state": 60})
    c = RegulatoryCompetition(seed=5, **SMALL, **{"local.per_state": 60})
    view = lambda m: [(loc.name, loc.advantage, loc.budget0) for loc in m.localities]  # noqa: E731
    assert view(a) == view(b) and view(a) != view(c)
    zero = RegulatoryCompetition(seed=4, **SMALL, **{"local.per_state": 0})
    assert len(zero.localities) == 46


def test_300_localities_run_and_keep_their_portfolios_bounded():
    model = RegulatoryCompetition(seed=1, steps=120, **SMALL, **{"local.per_state": 100})
    counts = []
    for q in range(120):
        model.step()
        if q in (39, 119):
            counts.append([loc.n_instruments for loc in model.localities])
    assert len(model.localities_frame()) == 300 * 121
    early, late = (np.array(c) for c in counts)
    assert late.max() <= len(INSTRUMENT_KINDS) + 2, late.max()
    assert late.mean() <= 2 * max(early.mean(), 1.0), (early.mean(), late.mean())


def test_a_sector_bet_of_no_weight_runs():
    """Found by tests/test_allowed_values.py: a bet of weight 0 among no weighted instruments
    divided by zero when an official weighed joining it."""
    model = RegulatoryCompetition(seed=1, steps=4, **{"firms.n_initial": 1})
    zero = RegulatoryCompetition(
        seed=1, steps=4, **{"firms.n_initial": 1, "instruments.local_llm.weight": 0.0}
    )
    assert model.run().steps == zero.run().steps == 4


# -- the centre's passes over all localities (sim/agents/locality_block.py) ----------------------


def _portfolio_world(seed: int) -> RegulatoryCompetition:
    """A world of 60 localities a state given random portfolios (of the catalogue and of random
    instruments) and facilitation: portfolios of up to 9 instruments with duplicated kinds,
    sector bets and weights of every size."""
    model = RegulatoryCompetition(seed=seed, **SMALL, **{"local.per_state": 60})
    rnd = random.Random(seed)
    for i in range(30):  # weights other than 1: shares that do not divide evenly
        inst = random_instrument(rnd, i)
        model.instrument_registry[inst.name] = inst
    names = list(model.instrument_registry)
    for loc in model.localities:
        loc.instruments = rnd.sample(names, rnd.randint(0, 9))
        loc.F = rnd.uniform(0.0, 1.0) ** 4  # small spending too: gains far from saturation
    return model


@pytest.mark.parametrize("keep_committed", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_pruning_drops_what_each_locality_drops(seed, keep_committed):
    fast, slow = _portfolio_world(seed), _portfolio_world(seed)
    for centre in fast.centres:
        locality_block.prune(centre.localities, keep_committed)
    for loc in slow.localities:
        loc.prune(keep_committed)
    view = lambda m: [(loc.instruments, loc.dropped) for loc in m.localities]  # noqa: E731
    assert view(fast) == view(slow)
    assert sum(loc.dropped for loc in fast.localities) > 10  # the comparison saw drops


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_spending_gives_each_localitys_productivity(seed):
    fast, slow = _portfolio_world(seed), _portfolio_world(seed)
    for centre in fast.centres:
        locality_block.spend(centre.localities, 0.9, 1.3)
    for loc in slow.localities:
        loc.spend(0.9, 1.3)
    view = lambda m: [(loc.productivity, loc.waste, loc.spending) for loc in m.localities]  # noqa: E731
    assert view(fast) == view(slow)
    # the gains themselves, before 1 + gain rounds their last bits away
    locs = [loc for loc in fast.localities if loc.instruments]
    block, money = locality_block.Block(locs), np.array([loc.spending for loc in locs])
    gains = local_kernels.gains(*block.arrays, block.starts, money)
    expected = [term_gain(loc.portfolio().terms, loc.spending) for loc in locs]
    assert gains.tolist() == expected
    assert len(set(gains.tolist())) > 100  # many different gains were compared


def _tables(**overrides) -> list:
    model = RegulatoryCompetition(seed=7, steps=24, **SMALL, **overrides).run()
    return [model.model_frame(), model.localities_frame(), model.instruments_frame()]


@pytest.mark.parametrize("overrides", [{}, {"local.per_state": 100}, {"local.fiscal": False}])
def test_runs_with_and_without_the_compiled_passes_give_the_same_tables(overrides, monkeypatch):
    fast = _tables(**overrides)
    monkeypatch.setattr(local_kernels, "USE_KERNELS", False)
    slow = _tables(**overrides)
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)

"""The firms' compiled kernels give the bits of their NumPy reference, and a large world stays
within the bounds its memory estimate assumes (sim/agents/kernels.py, sim/tools/memory.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.agents import blas, kernels
from sim.agents.entry import median
from sim.agents.firms import Firm, FirmPopulation
from sim.agents.location import choice_cdf
from sim.agents.markets import (
    choose_markets,
    compliance_costs,
    market_revenue,
    revenue_weighted,
    served_weight,
)
from sim.model import RegulatoryCompetition
from sim.tools.compose import compose_config
from sim.tools.memory import peak_slots


@pytest.fixture
def reference():
    """Run the body with the NumPy reference instead of the kernels."""

    def toggle(on: bool) -> None:
        kernels.USE_KERNELS = on

    yield toggle
    kernels.USE_KERNELS = True


def _world(seed: int, n: int = 400, S: int = 15):
    """A random population and jurisdictions with wide ranges, ties, zeros and bans."""
    rng = np.random.default_rng(seed)
    p = SimpleNamespace(
        home_bias=3.0,
        share_exponent=1.0,
        compliance_fixed=0.002,
        compliance_variable=0.03,
        margin=0.3,
        market_payback=4.0,
        market_entry_cost=0.01,
        frontier_k=3,
    )
    alive = rng.random(n) < 0.9
    k = np.where(alive, rng.lognormal(0.0, 3.0, n), 0.0)
    k[rng.random(n) < 0.05] = 1.0  # ties
    pop = SimpleNamespace(
        p=p,
        S=S,
        money=1.7,
        alive=alive,
        k=k,
        home=rng.integers(0, S, n).astype(np.int16),
        divisible=rng.random(n) < 0.3,
        serve=(rng.random((n, S)) < 0.2) & alive[:, None],
        revenue_fj=np.zeros((n, S)),
        revenue=np.zeros(n),
    )
    pop.serve[np.arange(n), pop.home] = alive
    ban = np.where(rng.random((S, S)) < 0.1, rng.choice([0.5, 1.0], (S, S)), 0.0)
    sigma = np.round(rng.random(S), 1)  # ties among standards
    j = SimpleNamespace(
        ban=ban,
        market_access=np.where(rng.random((S, S)) < 0.1, 1.5, 1.0),
        market=rng.lognormal(3.0, 2.0, S),
        stringency=sigma,
    )
    return pop, j, rng


def _same(a, b) -> bool:
    """Bit for bit (the sign of a zero too), NaN where NaN (its payload aside)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind != "f":
        return bool((a == b).all())
    nan = np.isnan(a)
    return bool((nan == np.isnan(b)).all()) and a[~nan].tobytes() == b[~nan].tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_market_kernels_give_the_bits_of_the_numpy_reference(seed, reference):
    out = {}
    for on in (True, False):
        reference(on)
        pop, j, rng = _world(seed)
        ktheta = np.where(pop.alive, pop.k, 0.0) ** pop.p.share_exponent
        luck = rng.lognormal(-0.02, 0.2, len(ktheta))
        pop.revenue_fj, revenue = market_revenue(pop, ktheta, j, luck)
        cost, sigma_max = compliance_costs(pop, j)
        weighted = revenue_weighted(pop.revenue_fj, j.stringency)
        paid = choose_markets(pop, j, rng, review_prob=0.5)
        out[on] = (pop.revenue_fj, revenue, cost, sigma_max, weighted, paid, pop.serve)
    for kernel, numpy_form in zip(out[True], out[False], strict=True):
        assert _same(kernel, numpy_form)
    assert out[True][5].sum() > 0  # some firms entered a market: the choice was exercised


def test_kernels_follow_numpy_on_non_finite_weights(reference):
    out = {}
    for on in (True, False):
        reference(on)
        pop, j, _ = _world(7, n=50)
        ktheta = pop.k.copy()
        ktheta[[3, 4]] = [np.inf, np.nan]
        pop.revenue_fj, revenue = market_revenue(pop, ktheta, j)
        out[on] = (pop.revenue_fj, revenue)
    assert np.isnan(out[True][1]).any()
    for kernel, numpy_form in zip(out[True], out[False], strict=True):
        assert _same(kernel, numpy_form)


def test_pairwise_row_sum_is_numpys():
    rng = np.random.default_rng(0)
    for n in range(1, 60):
        x = rng.lognormal(0.0, 6.0, (20, n)) * rng.choice([-1.0, 1.0], (20, n))
        expected = x.sum(axis=1)
        got = np.array([kernels.row_sum(row, n) for row in x])
        assert _same(got, expected), n


def test_frontier_stocks_and_flows_kernels_match_the_reference(reference):
    cfg = compose_config("baseline", {"firms.n_initial": 600, "steps": 4})
    m = RegulatoryCompetition(config=cfg, seed=3).run()
    pop, rng = m.firms, np.random.default_rng(1)
    for top_k in (0, 1, 3, 40):
        pop.p.frontier_k = top_k
        pop.k[:] = np.round(rng.lognormal(0.0, 1.0, len(pop.k)), 1)  # many ties
        fm, inc = rng.poisson(2.0, len(pop.k)), rng.poisson(0.5, len(pop.k))
        pop.compliance[:] = rng.lognormal(0.0, 4.0, len(pop.k))
        out = {}
        for on in (True, False):
            reference(on)
            out[on] = {**pop.stocks(), **pop.flows(fm, inc)}
        assert out[True].keys() == out[False].keys()
        for key in out[True]:
            assert _same(out[True][key], out[False][key]), (top_k, key)


def test_a_world_run_with_kernels_equals_one_run_with_numpy(reference):
    frames = {}
    for on in (True, False):
        reference(on)
        cfg = compose_config("baseline", {"firms.n_initial": 500, "steps": 6})
        m = RegulatoryCompetition(config=cfg, seed=11).run()
        frames[on] = (m.model_frame(), m.states_frame(), m.firms.k.copy())
    for kernel, numpy_form in zip(frames[True][:2], frames[False][:2], strict=True):
        assert kernel.equals(numpy_form)
    assert _same(frames[True][2], frames[False][2])


def test_firm_agents_are_made_on_request_and_track_entry_and_exit():
    cfg = compose_config("baseline", {"firms.n_initial": 300, "firms.entry_rate": 0.05})
    m = RegulatoryCompetition(config=cfg, seed=5)
    assert all(a is None for a in m.firms.agents)  # no agent until someone asks
    m.run(3)
    first = m.firm_agents
    assert len(first) == m.firms.n and len(m.agents_by_type[Firm]) == m.firms.n
    m.run(6)
    slots = sorted(f.slot for f in m.agents_by_type[Firm])
    assert slots == list(np.flatnonzero(m.firms.alive))
    assert sum(a is not None for a in m.firms.agents) == m.firms.n


def test_a_large_world_stays_within_the_slots_its_memory_estimate_assumes():
    cfg = compose_config("baseline", {"firms.n_initial": 20_000, "steps": 40})
    m = RegulatoryCompetition(config=cfg, seed=2).run()
    assert len(m.firms.alive) <= peak_slots(cfg)
    assert 0.5 * 20_000 < m.firms.n < 1.5 * 20_000


def test_populations_grow_their_arrays_without_losing_firms():
    pop = FirmPopulation.__new__(FirmPopulation)
    pop.alive, pop.k = np.ones(4, bool), np.arange(4.0)
    pop.serve = np.ones((4, 2), bool)
    pop.agents = [None] * 4
    pop._grow(3)
    assert len(pop.alive) == 7 and pop.k[:4].tolist() == [0, 1, 2, 3] and pop.serve[:4].all()
    assert not pop.alive[4:].any() and len(pop.agents) == 7


def test_choice_cdf_gives_the_draws_of_rng_choice():
    rng = np.random.default_rng(4)
    for size in (0, 1, 7, 300):
        for n in (1, 2, 5, 46):
            p = rng.lognormal(0.0, 2.0, n) * (rng.random(n) < 0.7)
            p = p / p.sum() if p.sum() > 0 else np.full(n, 1.0 / n)
            seed = int(rng.integers(1 << 30))
            ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
            got = choice_cdf(p).searchsorted(ours.random(size), side="right")
            assert got.tolist() == numpys.choice(n, size=size, p=p).tolist()
            assert ours.random() == numpys.random()  # the streams stay in step
    with pytest.raises(ValueError):  # what rng.choice refuses is still refused
        choice_cdf(np.array([0.5, np.nan]))


def test_median_is_numpys_median():
    rng = np.random.default_rng(8)
    for n in range(1, 40):
        values = np.round(rng.lognormal(0.0, 3.0, n), int(rng.integers(0, 4)))  # ties
        assert _same(median(values), float(np.median(values)))
    values[3] = np.nan
    assert np.isnan(median(values)) and np.isnan(np.median(values))


def test_by_market_on_one_blas_thread_gives_the_bits_of_the_threaded_product():
    rng = np.random.default_rng(2)
    revenue_fj = rng.lognormal(0.0, 2.0, (40_000, 15)) * (rng.random((40_000, 15)) < 0.3)
    share = rng.lognormal(0.0, 2.0, 40_000)
    threaded = share @ revenue_fj  # above OpenBLAS's threading threshold
    control = blas._thread_control()
    before = control[0]() if control else None
    with blas.one_thread():
        assert _same(share @ revenue_fj, threaded)
        assert control is None or control[0]() == 1
    assert control is None or control[0]() == before  # the user's thread count is restored


@pytest.mark.parametrize("on", [True, False])
def test_a_shared_served_weight_gives_the_bits_of_each_call_its_own(on, reference):
    reference(on)
    out = {}
    for shared in (True, False):
        pop, j, rng = _world(5)
        ktheta = np.where(pop.alive, pop.k, 0.0) ** pop.p.share_exponent
        total = served_weight(pop, ktheta, j) if shared else None
        pop.revenue_fj, revenue = market_revenue(pop, ktheta, j, total=total)
        paid = choose_markets(pop, j, rng, review_prob=0.5, ktheta=ktheta, total=total)
        out[shared] = (pop.revenue_fj.copy(), revenue.copy(), paid, pop.serve)
    for a, b in zip(out[True], out[False], strict=True):
        assert _same(a, b)
    assert out[True][2].sum() > 0  # some firms entered a market

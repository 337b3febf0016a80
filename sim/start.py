"""The initial world: firms drawn for the calibrated shares, markets settled, and every firm put
on its balanced-growth path, so that the world of 2025Q1 is the model's own steady state
(docs/ODD.md 5.1). Called once, by ``RegulatoryCompetition.__init__``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.entry import entry_reference
from sim.agents.firms import Jurisdictions
from sim.agents.markets import choose_markets, compliance_costs, market_revenue, served_weight

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method)."""
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def populate(model: RegulatoryCompetition, rng: np.random.Generator) -> None:
    """Initial firms: counts by firm_weight, log-normal capability around each state's scale,
    markets chosen with full information, capital at its steady state."""
    p = model.firm_params
    weights = np.array([float(st.firm_weight) for st in model.plain.states.values()])
    counts = largest_remainder(weights, p.n_initial)
    home = np.repeat(np.arange(model.S), counts)
    k = model.scale[home] * rng.lognormal(0.0, p.capability_sigma, len(home))
    pop = model.firms
    market = np.array([s.ai_market0 for s in model.states])  # read once, not from the config
    pop.reference = entry_reference(weights, p.n_initial, market, model.world_scale)
    pop.add(model, home, k, np.full(len(home), p.entry_capital), model.open_share)
    j = model.jurisdictions()
    net = settle_markets(model, rng, j)
    if model.plain.economy.stationary_start:
        # A firm that cannot cover its costs on the growth path would have exited before
        # the start: it is not part of a world at rest.
        growth = model.money_rate[pop.home]
        gone = np.flatnonzero(pop.alive & (net < p.min_capital * (p.rd_share + growth)))
        if len(gone) and len(gone) < pop.n:
            pop.remove(gone)
            net = settle_markets(model, rng, j)
    # Capital on its balanced-growth path: K(1 + g) = K(1 - rd_share) + net (the old start
    # floored it at a seed round, which put the smallest firms off their path).
    growth = model.money_rate[pop.home]
    # never negative: a world whose every firm is non-viable keeps them, and they exit
    steady = np.maximum(net / np.maximum(p.rd_share + growth, 1e-9), 0.0)
    if not model.plain.economy.stationary_start:
        steady = np.maximum(steady, p.entry_capital)
    pop.capital = np.where(pop.alive, steady, 0.0)
    if model.plain.economy.stationary_start:
        infer_efficiency(model, j)
    zero = np.zeros(len(pop.alive), np.int64)
    none, nowhere = np.zeros(model.S, np.int64), np.zeros(model.layout.L, np.int64)
    model._record(
        {
            **pop.flows(zero, zero),
            **pop.stocks(),
            **{"entries": none, "exits": none, "moved_in": nowhere, "moved_out": nowhere},
        }
    )


def settle_markets(
    model: RegulatoryCompetition, rng: np.random.Generator, j: Jurisdictions
) -> np.ndarray:
    """Let market choices settle with full information (at most 20 rounds; the draws of the
    first three are always made), then return each firm's net income this quarter and set
    the growth rate of the money reaching each state's firms (``money_rate``)."""
    pop, p = model.firms, model.firm_params
    ktheta = np.where(pop.alive, pop.k, 0.0) ** p.share_exponent
    # Reviewing every firm at once can cycle; a quarter's share of reviews converges to a
    # steady churn of a few marginal firms (about 0.3% a round), where it stops.
    quiet = 0
    for _ in range(40):
        before = pop.serve.copy()
        total = served_weight(pop, ktheta, j)  # one pass for both: markets and weights are fixed
        pop.revenue_fj, _ = market_revenue(pop, ktheta, j, total=total)
        choose_markets(pop, j, rng, review_prob=p.market_review, ktheta=ktheta, total=total)
        # firms whose markets changed: the few changed cells' rows (a row-wise any is slower)
        changed = np.unique(np.flatnonzero(before != pop.serve) // model.S).size
        quiet = quiet + 1 if changed <= 0.005 * pop.n else 0
        if quiet >= 3:
            break
    pop.revenue_fj, pop.revenue = market_revenue(pop, ktheta, j)
    pop.compliance, _ = compliance_costs(pop, j)
    inflow = pop.inflow(ktheta, j)
    a, h = pop.alive, pop.home
    earned = np.bincount(h[a], (p.margin * pop.revenue)[a], model.S)
    invested = np.bincount(h[a], inflow[a], model.S)
    model.money_rate = model.economy.money_rate(earned / np.maximum(earned + invested, 1e-12))
    return p.margin * pop.revenue + inflow - p.fixed_cost - pop.compliance


def infer_efficiency(model: RegulatoryCompetition, j: Jurisdictions) -> None:
    """Give every initial firm the efficiency that puts it on the balanced-growth path,
    gain = (g_k + obsolescence) * k, so the initial world is the model's own steady state
    (docs/ODD.md 5.1). Its log splits into a state term (the mean over the state's firms)
    and the firm's own; entrants draw their own term with the state's spread."""
    pop, p = model.firms, model.firm_params
    a = pop.alive
    pop.rd = p.rd_share * pop.capital
    gain = np.where(a, pop.capability_gain(j), 0.0)
    g_k = model.economy.capability_rate(model.money_rate, p.rd_elasticity)
    ok = a & (gain > 0)
    z = np.ones(len(a))
    z[ok] = (g_k[pop.home[ok]] + p.obsolescence) * pop.k[ok] / gain[ok]
    logz, home = np.log(z[ok]), pop.home[ok]
    n = np.maximum(np.bincount(home, minlength=model.S), 1)
    mean = np.bincount(home, logz, model.S) / n
    var = np.bincount(home, (logz - mean[home]) ** 2, model.S) / n
    pop.z = np.where(a, z, 0.0)
    pop.state_efficiency = np.exp(mean)
    pop.efficiency_sigma = np.sqrt(var)
    for s in model.states:
        s.productivity = float(pop.state_efficiency[s.index])

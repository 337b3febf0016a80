"""How firms earn in, comply with, and choose the markets they serve (vectorised).

Kept apart from ``firms.py`` because it is the one place where states' rules reach firms across
borders: market shares with home bias and bans, compliance costs with the Brussels effect, and
the entry/exit decision per market.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import kernels

if TYPE_CHECKING:
    from sim.agents.firms import FirmPopulation, Jurisdictions


def _factor(pop: FirmPopulation, j: Jurisdictions) -> np.ndarray:
    """factor[h, m]: how much a firm from h weighs in market m (home bias, share not banned,
    access opened by agreements)."""
    factor = (1.0 - j.ban.T) * j.market_access.T
    factor[np.diag_indices(pop.S)] *= pop.p.home_bias
    return factor


def _weights(pop: FirmPopulation, ktheta: np.ndarray, j: Jurisdictions) -> np.ndarray:
    """Weight of every firm in every market if it served it: k^theta, home bias, bans."""
    return ktheta[:, None] * _factor(pop, j)[pop.home]


def served_weight(pop: FirmPopulation, ktheta: np.ndarray, j: Jurisdictions) -> np.ndarray:
    """Each market's total weight of the firms serving it: the denominator of market shares,
    which :func:`market_revenue` and :func:`choose_markets` take as ``total`` from a caller that
    calls both on the same weights and markets (the settling of markets at the start)."""
    if kernels.enabled(pop.S):
        return kernels.served_weight(ktheta, _factor(pop, j), pop.home, pop.serve)
    return (_weights(pop, ktheta, j) * pop.serve).sum(axis=0)


def market_revenue(
    pop: FirmPopulation,
    ktheta: np.ndarray,
    j: Jurisdictions,
    luck: np.ndarray | None = None,
    total: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Quarterly revenue of each firm in each market it serves (USD bn): share times market,
    times the firm's luck if given. Returns it and its sum over markets. ``total``: the
    markets' :func:`served_weight` now, where the caller has it."""
    if kernels.enabled(pop.S):
        # Written over the population's own buffers: nothing keeps last quarter's revenue.
        revenue_fj, revenue = pop.revenue_fj, pop.revenue
        luck = np.ones(len(ktheta)) if luck is None else luck  # x * 1.0 is x: same bits
        factor = _factor(pop, j)
        if total is None:
            total = kernels.served_weight(ktheta, factor, pop.home, pop.serve)
        kernels.market_revenue(
            ktheta, factor, pop.home, pop.serve, j.market / 4.0, luck, total, revenue_fj, revenue
        )
        return revenue_fj, revenue
    w = _weights(pop, ktheta, j) * pop.serve
    denom = w.sum(axis=0) if total is None else total
    revenue_fj = w / np.maximum(denom, 1e-12) * (j.market / 4.0)
    if luck is not None:
        revenue_fj *= luck[:, None]
    return revenue_fj, revenue_fj.sum(axis=1)


def _cost_per_unit(pop: FirmPopulation, revenue_fj: np.ndarray) -> np.ndarray:
    """Compliance cost per market at stringency 1 (USD bn / quarter)."""
    return pop.p.compliance_fixed * pop.money + pop.p.compliance_variable * revenue_fj


def compliance_costs(pop: FirmPopulation, j: Jurisdictions) -> tuple[np.ndarray, np.ndarray]:
    """Each firm's compliance bill and the strictest stringency among its markets.

    A divisible firm meets each market's own standard; a non-divisible one applies the strictest
    standard of all its markets everywhere (the Brussels effect, Bradford 2020).
    """
    sigma = j.stringency
    if kernels.enabled(pop.S):
        n = len(pop.serve)
        cost, sigma_max = np.empty(n), np.empty(n)
        fixed = pop.p.compliance_fixed * pop.money
        kernels.compliance_costs(
            pop.serve, pop.divisible, sigma, pop.revenue_fj, fixed,
            pop.p.compliance_variable, cost, sigma_max,
        )  # fmt: skip
        return cost, sigma_max
    sigma_max = np.zeros(len(pop.serve))
    for m in range(pop.S):  # S is small; avoids an N x S temporary
        np.maximum(sigma_max, pop.serve[:, m] * sigma[m], out=sigma_max)
    applied = np.where(pop.divisible[:, None], sigma[None, :], sigma_max[:, None])
    cost = (applied * _cost_per_unit(pop, pop.revenue_fj) * pop.serve).sum(axis=1)
    return cost, sigma_max


def revenue_weighted(revenue_fj: np.ndarray, per_market: np.ndarray) -> np.ndarray:
    """Each firm's sum over markets of its revenue there times ``per_market``."""
    if kernels.enabled(revenue_fj.shape[1]):
        return kernels.revenue_weighted(revenue_fj, per_market)
    return (revenue_fj * per_market[None, :]).sum(axis=1)


def choose_markets(
    pop: FirmPopulation,
    j: Jurisdictions,
    rng: np.random.Generator,
    review_prob: float,
    ktheta: np.ndarray | None = None,
    total: np.ndarray | None = None,
) -> np.ndarray:
    """Firms under review enter markets worth more than their cost and leave those worth less.

    The value of market m to firm f is margin x its revenue there minus compliance there, minus,
    for a non-divisible firm, the extra cost that a stricter m imposes on all its other markets.
    ``ktheta`` (the firms' k^theta, 0 for empty slots) and ``total`` (the markets'
    :func:`served_weight`): their current values, where the caller has them.
    Returns the one-off entry costs paid (USD bn per firm).
    """
    p = pop.p
    review = np.flatnonzero(pop.alive & (rng.random(len(pop.alive)) < review_prob))
    entry_cost = np.zeros(len(pop.alive))
    if len(review) == 0:
        return entry_cost
    if ktheta is None:
        ktheta = np.where(pop.alive, pop.k, 0.0) ** p.share_exponent
    if kernels.enabled(pop.S):
        money = pop.money
        costs = np.array(
            [
                p.compliance_fixed * money,
                p.compliance_variable,
                p.margin,
                p.market_payback,
                p.market_entry_cost * money,
            ]
        )
        open_ok = np.ascontiguousarray(j.ban.T < 1.0)
        factor = _factor(pop, j)
        if total is None:
            total = kernels.served_weight(ktheta, factor, pop.home, pop.serve)
        entry_cost[review] = kernels.choose_markets(
            review, ktheta, factor, pop.home, pop.serve, pop.divisible,
            j.stringency, j.market / 4.0, pop.revenue_fj, open_ok, costs, total,
        )  # fmt: skip
        return entry_cost
    serve = pop.serve[review]
    home = pop.home[review]
    rev_now = pop.revenue_fj[review]

    # Revenue if served: own weight against the market's current total weight.
    w_all = _weights(pop, ktheta, j)
    total = (w_all * pop.serve).sum(axis=0) if total is None else total
    w = w_all[review]
    others = total[None, :] - w * serve
    rev_if = w / np.maximum(others + w, 1e-12) * (j.market / 4.0)

    sigma = j.stringency
    unit = _cost_per_unit(pop, rev_if)
    served_sigma = np.where(serve, sigma[None, :], -np.inf)
    order = np.sort(served_sigma, axis=1)
    top1, top2 = order[:, -1], np.maximum(order[:, -2], 0.0) if pop.S > 1 else 0.0
    is_top = serve & (served_sigma == top1[:, None])
    without = np.where(is_top, top2[:, None], top1[:, None])
    with_m = np.maximum(without, sigma[None, :])
    other_units = (_cost_per_unit(pop, rev_now) * serve).sum(axis=1)[:, None] - unit * serve
    nondiv = ~pop.divisible[review][:, None]
    own = np.where(nondiv, with_m, sigma[None, :]) * unit
    spill = np.where(nondiv, (with_m - without) * other_units, 0.0)
    value = p.margin * rev_if - own - spill

    # Enter only if the payback period's value covers the entry cost; leave when value is < 0.
    entry = p.market_entry_cost * pop.money
    enter = ~serve & (p.market_payback * value > entry)
    stay = serve & (value >= 0.0)
    new = enter | stay
    new &= (j.ban.T < 1.0)[home]
    new[np.arange(len(review)), home] = True
    pop.serve[review] = new
    entry_cost[review] = (new & ~serve).sum(axis=1) * entry
    return entry_cost

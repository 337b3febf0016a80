"""Compiled kernels for the firms' passes over firms x markets (numba).

Each kernel fuses one mechanism of ``markets.py`` / ``firms.py`` into one or two passes over the
population, without the N x S temporaries of the NumPy form. The NumPy form stays the reference
(``markets.py``); the kernels repeat its floating-point operations in the same order, so both give
the same bits: sums over markets follow NumPy's pairwise summation (:func:`row_sum`), sums over
firms run in slot order like ``sum(axis=0)`` and ``np.bincount``. No exp, log or pow is computed
here (numba's may differ from NumPy's in the last bit): those stay in NumPy.

``USE_KERNELS`` switches them off (tests compare both forms); a world of one market always uses
NumPy, whose sum over a single column is pairwise rather than sequential.
"""

from __future__ import annotations

import numpy as np
from numba import njit

USE_KERNELS = True


def enabled(n_markets: int) -> bool:
    """Whether the compiled kernels serve a world of ``n_markets`` markets."""
    return USE_KERNELS and n_markets > 1


@njit(cache=True, inline="always")
def row_sum(x, n):
    """NumPy's pairwise sum of ``x[:n]`` (numpy/_core/src/umath/loops_utils.h), for n <= 128."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += x[i]
        return res
    r0, r1, r2, r3 = x[0], x[1], x[2], x[3]
    r4, r5, r6, r7 = x[4], x[5], x[6], x[7]
    i = 8
    while i < n - n % 8:
        r0 += x[i]
        r1 += x[i + 1]
        r2 += x[i + 2]
        r3 += x[i + 3]
        r4 += x[i + 4]
        r5 += x[i + 5]
        r6 += x[i + 6]
        r7 += x[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[i]
        i += 1
    return res


@njit(cache=True)
def market_revenue(ktheta, factor, home, serve, quarter_market, luck, revenue_fj, revenue):
    """Revenue of every firm in every market it serves: its weight's share of the market, times
    its luck (``markets.market_revenue``). Fills ``revenue_fj`` and its row sums ``revenue``."""
    n, s = serve.shape
    denom = np.zeros(s)
    for i in range(n):
        h, kt = home[i], ktheta[i]
        for m in range(s):
            denom[m] += (kt * factor[h, m]) * serve[i, m]
    for m in range(s):
        denom[m] = max(denom[m], 1e-12)
    for i in range(n):
        h, kt, lk = home[i], ktheta[i], luck[i]
        row = revenue_fj[i]
        for m in range(s):
            row[m] = ((kt * factor[h, m]) * serve[i, m] / denom[m] * quarter_market[m]) * lk
        revenue[i] = row_sum(row, s)


@njit(cache=True)
def compliance_costs(serve, divisible, sigma, revenue_fj, fixed, variable, cost, sigma_max):
    """Compliance bill and strictest served standard of every firm (``markets.compliance_costs``:
    a non-divisible firm applies its strictest market's standard everywhere)."""
    n, s = serve.shape
    terms = np.empty(s)
    for i in range(n):
        top = 0.0
        for m in range(s):
            v = serve[i, m] * sigma[m]
            if not top >= v:  # np.maximum: the later value unless the running one is >=
                top = v
        sigma_max[i] = top
        for m in range(s):
            applied = sigma[m] if divisible[i] else top
            terms[m] = applied * (fixed + variable * revenue_fj[i, m]) * serve[i, m]
        cost[i] = row_sum(terms, s)


@njit(cache=True)
def revenue_weighted(revenue_fj, per_market):
    """Each firm's revenue-weighted sum of a per-market quantity (``markets.revenue_weighted``)."""
    n, s = revenue_fj.shape
    out = np.empty(n)
    terms = np.empty(s)
    for i in range(n):
        for m in range(s):
            terms[m] = revenue_fj[i, m] * per_market[m]
        out[i] = row_sum(terms, s)
    return out


@njit(cache=True)
def _served_total(ktheta, factor, home, serve):
    n, s = serve.shape
    total = np.zeros(s)
    for i in range(n):
        h, kt = home[i], ktheta[i]
        for m in range(s):
            total[m] += (kt * factor[h, m]) * serve[i, m]
    return total


@njit(cache=True)
def choose_markets(
    review, ktheta, factor, home, serve, divisible, sigma, quarter_market, revenue_fj, open_ok, c
):
    """Market entry and exit of the firms under review (``markets.choose_markets``); ``c``
    holds fixed cost, variable cost, margin, payback and entry cost. Updates ``serve`` in
    place and returns the entry cost each reviewed firm pays."""
    fixed, variable, margin, payback, entry = c[0], c[1], c[2], c[3], c[4]
    s = serve.shape[1]
    total = _served_total(ktheta, factor, home, serve)
    paid = np.zeros(len(review))
    rev_if, unit, terms = np.empty(s), np.empty(s), np.empty(s)
    for r in range(len(review)):
        i = review[r]
        h, kt = home[i], ktheta[i]
        t1, t2 = -np.inf, -np.inf  # the two strictest served standards (a tie counts twice)
        for m in range(s):
            w = kt * factor[h, m]
            rev_if[m] = w / max((total[m] - w * serve[i, m]) + w, 1e-12) * quarter_market[m]
            unit[m] = fixed + variable * rev_if[m]
            terms[m] = (fixed + variable * revenue_fj[i, m]) * serve[i, m]
            if serve[i, m]:
                if sigma[m] > t1:
                    t1, t2 = sigma[m], t1
                elif sigma[m] > t2:
                    t2 = sigma[m]
        t2 = max(t2, 0.0) if s > 1 else 0.0
        served_units = row_sum(terms, s)
        nondiv = not divisible[i]
        entered = 0
        for m in range(s):
            was = serve[i, m]
            without = t2 if (was and sigma[m] == t1) else t1
            with_m = without if without >= sigma[m] else sigma[m]
            own = (with_m if nondiv else sigma[m]) * unit[m]
            spill = (with_m - without) * (served_units - unit[m] * was) if nondiv else 0.0
            value = margin * rev_if[m] - own - spill
            new = ((not was) and payback * value > entry) or (was and value >= 0.0)
            new = (new and open_ok[h, m]) or m == h
            if new and not was:
                entered += 1
            serve[i, m] = new
        paid[r] = entered * entry
    return paid


@njit(cache=True)
def revenue_exposure(alive, home, revenue_fj, n_states):
    """Revenue of each home state's living firms in each market, summed in slot order like
    ``np.bincount`` (``FirmPopulation.flows``)."""
    s = revenue_fj.shape[1]
    out = np.zeros((n_states, s))
    for i in range(len(alive)):
        if alive[i]:
            h = home[i]
            for m in range(s):
                out[h, m] += revenue_fj[i, m]
    return out

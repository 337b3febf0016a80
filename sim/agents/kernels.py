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

import math

import numpy as np

USE_KERNELS = True


def enabled(n_markets: int) -> bool:
    """Whether the compiled kernels serve a world of ``n_markets`` markets."""
    return USE_KERNELS and n_markets > 1


class _Deferred:
    """A kernel compiled on its first call, so that importing the model does not import numba
    (about 0.3 s; a process that only reads results never pays it)."""

    def __init__(self, fn, options: dict) -> None:
        self.fn, self.options = fn, options

    def __call__(self, *args):
        _compile_all()
        return globals()[self.fn.__name__](*args)


def njit(**options):
    """``numba.njit(cache=True, **options)``, deferred to the first call of any kernel."""
    return lambda fn: _Deferred(fn, options)


def _compile_all() -> None:
    """Replace every deferred kernel of this module by its numba dispatcher (which loads the
    machine code from numba's cache, or compiles it, per argument types on first call). All at
    once, since kernels call one another through this module's globals."""
    import numba

    names = [name for name, obj in globals().items() if isinstance(obj, _Deferred)]
    for name in names:
        deferred = globals()[name]
        globals()[name] = numba.njit(**deferred.options)(deferred.fn)


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


@njit(cache=True, inline="always")
def np_maximum(a, b):
    """``np.maximum`` of two floats: NaN wins, and a tie keeps ``a``."""
    return a if (a >= b or a != a) else b


@njit(cache=True, inline="always")
def is_plus_zero_times(x):
    """Whether ``x * 0.0`` is +0.0: ``x`` finite and not negative (nor -0.0)."""
    return x > 0.0 or (x == 0.0 and math.copysign(1.0, x) > 0.0)


@njit(cache=True)
def served_weight(ktheta, factor, home, serve):
    """Each market's total weight of the firms serving it, summed in slot order like
    ``sum(axis=0)``. An unserved term (a finite weight times 0) adds a zero, which can change
    only the sign of a zero total; every caller floors the total at 1e-12, so it is skipped."""
    n, s = serve.shape
    total = np.zeros(s)
    for i in range(n):
        h, kt = home[i], ktheta[i]
        for m in range(s):
            w = kt * factor[h, m]
            if serve[i, m]:
                total[m] += w
            elif not math.isfinite(w):
                total[m] += w * 0.0
    return total


@njit(cache=True)
def market_revenue(ktheta, factor, home, serve, quarter_market, luck, total, revenue_fj, revenue):
    """Revenue of every firm in every market it serves: its weight's share of the market
    (``total``: :func:`served_weight`), times its luck (``markets.market_revenue``). Fills
    ``revenue_fj`` and its row sums ``revenue``."""
    n, s = serve.shape
    denom = np.empty(s)
    zero = np.empty(s)  # what an unserved market's zero weight becomes: (0 / denom) * market
    for m in range(s):
        denom[m] = np_maximum(total[m], 1e-12)
        zero[m] = 0.0 / denom[m] * quarter_market[m]
    for i in range(n):
        h, kt, lk = home[i], ktheta[i], luck[i]
        row = revenue_fj[i]
        for m in range(s):
            w = kt * factor[h, m]
            if serve[i, m]:
                row[m] = (w / denom[m] * quarter_market[m]) * lk
            elif is_plus_zero_times(w):  # most markets: skip the division
                row[m] = zero[m] * lk
            else:
                row[m] = (w * 0.0 / denom[m] * quarter_market[m]) * lk
        revenue[i] = row_sum(row, s)


@njit(cache=True)
def compliance_costs(serve, divisible, sigma, revenue_fj, fixed, variable, cost, sigma_max):
    """Compliance bill and strictest served standard of every firm (``markets.compliance_costs``:
    a non-divisible firm applies its strictest market's standard everywhere)."""
    n, s = serve.shape
    terms = np.empty(s)
    unserved = sigma * 0.0  # serve * sigma where serve is False
    for i in range(n):
        top = 0.0
        for m in range(s):
            top = np_maximum(top, sigma[m] if serve[i, m] else unserved[m])
        sigma_max[i] = top
        div = divisible[i]
        for m in range(s):
            applied = sigma[m] if div else top
            unit = fixed + variable * revenue_fj[i, m]
            terms[m] = applied * unit if serve[i, m] else applied * unit * 0.0
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
def choose_markets(
    review, ktheta, factor, home, serve, divisible, sigma, quarter_market, revenue_fj, open_ok, c,
    total,
):  # fmt: skip
    """Market entry and exit of the firms under review (``markets.choose_markets``); ``c``
    holds fixed cost, variable cost, margin, payback and entry cost, ``total`` each market's
    served weight (:func:`served_weight`). Updates ``serve`` in place and returns the entry
    cost each reviewed firm pays."""
    fixed, variable, margin, payback, entry = c[0], c[1], c[2], c[3], c[4]
    s = serve.shape[1]
    paid = np.zeros(len(review))
    rev_if, unit, terms = np.empty(s), np.empty(s), np.empty(s)
    for r in range(len(review)):
        i = review[r]
        h, kt = home[i], ktheta[i]
        t1, t2 = -np.inf, -np.inf  # the two strictest served standards (a tie counts twice)
        for m in range(s):
            w = kt * factor[h, m]
            others = total[m] - w * serve[i, m]
            rev_if[m] = w / np_maximum(others + w, 1e-12) * quarter_market[m]
            unit[m] = fixed + variable * rev_if[m]
            terms[m] = (fixed + variable * revenue_fj[i, m]) * serve[i, m]
            if serve[i, m]:
                if sigma[m] > t1:
                    t1, t2 = sigma[m], t1
                elif sigma[m] > t2:
                    t2 = sigma[m]
        t2 = np_maximum(t2, 0.0)  # s > 1 (enabled)
        served_units = row_sum(terms, s)
        nondiv = not divisible[i]
        entered = 0
        for m in range(s):
            was = serve[i, m]
            without = t2 if (was and sigma[m] == t1) else t1
            with_m = np_maximum(without, sigma[m])
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
def flows(alive, home, releases, open_weights, incidents, compliance, revenue_fj, n_states):
    """Per-state sums over living firms of releases, open releases, incidents, compliance and
    revenue in each market, in slot order like ``np.bincount`` (``FirmPopulation.flows``)."""
    s = revenue_fj.shape[1]
    fm, fm_open = np.zeros(n_states), np.zeros(n_states)
    inc, cost = np.zeros(n_states), np.zeros(n_states)
    exposure = np.zeros((n_states, s))
    for i in range(len(alive)):
        if alive[i]:
            h = home[i]
            fm[h] += releases[i]
            fm_open[h] += releases[i] * open_weights[i]
            inc[h] += incidents[i]
            cost[h] += compliance[i]
            for m in range(s):
                exposure[h, m] += revenue_fj[i, m]
    return fm, fm_open, inc, cost, exposure


@njit(cache=True)
def frontier(alive, home, k, n_states, top_k):
    """Mean capability of each state's ``top_k`` best living firms, summed best first like
    ``FirmPopulation.frontier`` (which sorts; this keeps a running top ``top_k`` per state)."""
    best = np.full((n_states, max(top_k, 1)), -np.inf)
    count = np.zeros(n_states, np.int64)
    for i in range(len(alive)):
        if not alive[i] or top_k < 1:
            continue
        h, v = home[i], k[i]
        if count[h] == top_k and not v > best[h, top_k - 1]:
            continue
        r = min(count[h], top_k - 1)  # insert v, dropping the smallest if full
        while r > 0 and best[h, r - 1] < v:
            best[h, r] = best[h, r - 1]
            r -= 1
        best[h, r] = v
        count[h] = min(count[h] + 1, top_k)
    out = np.zeros(n_states)
    for h in range(n_states):
        total = 0.0
        for r in range(count[h]):
            total += best[h, r]
        out[h] = total / max(count[h], 1)
    return out


@njit(cache=True)
def stocks(alive, home, loc, k, safety, n_states, n_localities):
    """Living firms, their capability and safety effort by home state, and firms and capability
    by locality (``loc`` >= 0), summed in slot order like ``np.bincount``."""
    firms, capability, effort = np.zeros(n_states, np.int64), np.zeros(n_states), np.zeros(n_states)
    local_firms, local_capability = np.zeros(n_localities, np.int64), np.zeros(n_localities)
    for i in range(len(alive)):
        if alive[i]:
            h = home[i]
            firms[h] += 1
            capability[h] += k[i]
            effort[h] += safety[i]
            if loc[i] >= 0:
                local_firms[loc[i]] += 1
                local_capability[loc[i]] += k[i]
    return firms, capability, effort, local_firms, local_capability

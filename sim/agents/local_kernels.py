"""Compiled kernels for the fiscal choices of all of a centre's localities at once (numba):
pruning (``LocalGovernment.prune``), the net values adoption weighs (``_adopt_codified``) and
the gain of spending (``LocalGovernment.spend``). A call per centre and quarter replaces a
Python evaluation of ``sim.fiscal.term_net`` per portfolio variant and locality (a kernel per
locality costs more in calls than it saves).

The portfolios are given as flat arrays over the localities' instruments, locality ``j``'s at
``starts[j]:starts[j + 1]`` (``sim.agents.locality_block``): weights, gains at full
implementation pi x fit, kind codes and half-costs. Each kernel repeats the operations of
``sim.fiscal.term_gain`` in the same order: the weights added in NumPy 2.4's order
(``kernels.row_sum``, as ``fiscal.array_sum``), each kind's best gain kept in the order the kinds
first appear and those summed left to right (as Python 3.11's ``sum``). ``math.exp`` is the C
library's in both, so the bits are the same (tests/test_locality_speed.py compares both forms on
random portfolios and whole runs).

``USE_KERNELS`` switches them off (the localities then run their Python methods, the reference);
fewer than ``MIN_LOCALITIES`` localities, or a portfolio of more than 128 instruments
(``row_sum``'s range, never reached in practice), take the Python form too.
"""

from __future__ import annotations

import math

import numpy as np

from sim.agents import kernels
from sim.config.local import INSTRUMENT_KINDS

USE_KERNELS = True
MAX_TERMS = 128  # kernels.row_sum adds at most 128 numbers in NumPy's order
MIN_LOCALITIES = 12  # fewer take the Python form (measured: 7 localities ran slower compiled)

KIND_CODES = {kind: i for i, kind in enumerate(INSTRUMENT_KINDS)}
BET_CODE = KIND_CODES["sector_bet"]


def kind_code(kind: str) -> int:
    """A kind's integer code (kinds outside the catalogue get the next free one)."""
    return KIND_CODES.setdefault(kind, len(KIND_CODES))


def enabled(localities: int, largest: int) -> bool:
    """Whether the kernels serve ``localities`` localities whose largest portfolio has
    ``largest`` instruments: a few localities cost less in their own Python methods than in
    laying out their portfolios for a call."""
    return USE_KERNELS and localities >= MIN_LOCALITIES and largest <= MAX_TERMS


class _Deferred:
    """A kernel compiled on its first call, so importing the model does not import numba."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def __call__(self, *args):
        _compile_all()
        return globals()[self.fn.__name__](*args)


def _compile_all() -> None:
    """Replace every deferred kernel of this module by its numba dispatcher (all at once: they
    call one another through this module's globals), after ``kernels``' own."""
    import numba

    kernels._compile_all()
    for name, obj in list(globals().items()):
        if isinstance(obj, _Deferred):
            globals()[name] = numba.njit(cache=True)(obj.fn)


@_Deferred
def _gain(w, v, k, h, n, spending, best, seen):
    """``fiscal.term_gain`` of the first ``n`` terms; ``best`` and ``seen`` are scratch."""
    if n == 0 or spending <= 0:
        return 0.0
    total = kernels.row_sum(w, n)
    m = 0  # kinds seen so far, in the order they first appear (a dict's order)
    for i in range(n):
        s = spending * w[i] / total if total > 0 else 0.0
        realised = 1.0 - math.exp(-s / h[i]) if h[i] > 0 else 1.0
        value = v[i] * realised
        j = 0
        while j < m and seen[j] != k[i]:
            j += 1
        if j == m:
            seen[m], best[m] = k[i], 0.0
            m += 1
        old = best[j]
        best[j] = value if value > old else old
    gain = 0.0
    for j in range(m):
        gain += best[j]
    return gain


@_Deferred
def _net(w, v, k, h, n, spending, scale, hurdle, best, seen):
    """``fiscal.term_net`` of the first ``n`` terms."""
    if n == 0:
        return 0.0
    return scale * _gain(w, v, k, h, n, spending, best, seen) - hurdle * spending


@_Deferred
def prune(w, v, k, h, starts, spending, scale, hurdle, skip_kind, dropped):
    """``LocalGovernment.prune`` of every locality: while it holds two instruments or more,
    drop the one without which the net value is largest, if that beats the net value of the
    whole by more than 1e-12 (a tie keeps the first; kind ``skip_kind`` is never dropped, -1
    drops any). Writes the positions dropped, in order, into ``dropped`` (-1 after the last,
    the locality's slice of it) and returns the number of drops."""
    largest = 0
    for j in range(len(starts) - 1):
        largest = max(largest, starts[j + 1] - starts[j])
    sw, sv, sh = np.empty(largest), np.empty(largest), np.empty(largest)
    sk, seen, best = np.empty(largest, np.int64), np.empty(largest, np.int64), np.empty(largest)
    alive = np.ones(len(w), np.bool_)
    total = 0
    for j in range(len(starts) - 1):
        a, b = starts[j], starts[j + 1]
        dropped[a:b] = -1
        left = b - a
        if left < 2:
            continue
        s, sc, hu = spending[j], scale[j], hurdle[j]
        base = _net(w[a:b], v[a:b], k[a:b], h[a:b], left, s, sc, hu, best, seen)
        out = a
        while left > 1:
            pick, value_best = -1, 0.0
            for i in range(a, b):
                if not alive[i] or k[i] == skip_kind:
                    continue
                m = 0
                for q in range(a, b):
                    if alive[q] and q != i:
                        sw[m], sv[m], sk[m], sh[m] = w[q], v[q], k[q], h[q]
                        m += 1
                value = _net(sw, sv, sk, sh, m, s, sc, hu, best, seen)
                if value > base + 1e-12 and (pick < 0 or value > value_best):
                    pick, value_best = i, value
            if pick < 0:
                break
            base = value_best
            alive[pick] = False
            dropped[out] = pick - a
            out += 1
            left -= 1
            total += 1
    return total


@_Deferred
def gains(w, v, k, h, starts, spending):
    """``fiscal.term_gain`` of every locality's portfolio at its ``spending``."""
    n = len(starts) - 1
    largest = 0
    for j in range(n):
        largest = max(largest, starts[j + 1] - starts[j])
    seen, best = np.empty(largest, np.int64), np.empty(largest)
    out = np.empty(n)
    for j in range(n):
        a, b = starts[j], starts[j + 1]
        out[j] = _gain(w[a:b], v[a:b], k[a:b], h[a:b], b - a, spending[j], best, seen)
    return out


@_Deferred
def adoption_nets(w, v, k, h, starts, cw, cv, ck, ch, cstarts, spending, scale, hurdle):
    """Net value U of every locality's portfolio, and of it with each of its candidates
    (locality ``j``'s at ``cstarts[j]:cstarts[j + 1]``) added at its end."""
    n = len(starts) - 1
    largest = 1
    for j in range(n):
        largest = max(largest, starts[j + 1] - starts[j] + 1)
    sw, sv, sh = np.empty(largest), np.empty(largest), np.empty(largest)
    sk, seen, best = np.empty(largest, np.int64), np.empty(largest, np.int64), np.empty(largest)
    base, with_each = np.empty(n), np.empty(len(cw))
    for j in range(n):
        a, m = starts[j], starts[j + 1] - starts[j]
        sw[:m], sv[:m], sk[:m], sh[:m] = w[a : a + m], v[a : a + m], k[a : a + m], h[a : a + m]
        s, sc, hu = spending[j], scale[j], hurdle[j]
        base[j] = _net(sw, sv, sk, sh, m, s, sc, hu, best, seen)
        for c in range(cstarts[j], cstarts[j + 1]):
            sw[m], sv[m], sk[m], sh[m] = cw[c], cv[c], ck[c], ch[c]
            with_each[c] = _net(sw, sv, sk, sh, m + 1, s, sc, hu, best, seen)
    return base, with_each

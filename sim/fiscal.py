"""The local fiscal constraint: instruments share a locality's spending with diminishing returns,
and money spent on them has an alternative use that serves firms (docs/ODD.md 7.12.4).

A locality spends ``S = F x B / 4`` a quarter while it holds any instrument (nothing otherwise).
Instrument ``i`` gets the share ``w_i / sum w`` of it and returns

    g_i = pi_i * fit_i * (1 - exp(-s_i / h_i)),   h_i = w_i * local.half_cost / 4

where ``s_i`` is in start money (spending divided by the state's market index, so that growth
alone moves nothing). Same-kind instruments substitute: firms gain the best ``g_i`` of each kind.
A locality's *net value* of a portfolio ``P`` is

    U(P) = boost * D * gain(P) - hurdle * S(P)

where ``hurdle`` is the value of a unit of money in its alternative use (investment in the
locality's firms). Instruments are dropped and codified instruments adopted when that raises U.
"""

from __future__ import annotations

import math
from typing import NamedTuple


def portfolio_gain(held: list, advantage: float, spending: float, half_cost: float) -> float:
    """Gain of local firms' capability production from the instruments ``held`` when the
    locality spends ``spending`` (start money, USD bn/quarter) on them: the best realised gain of
    each kind, summed over kinds. The reference: the model computes it by ``term_gain``."""
    if not held or spending <= 0:
        return 0.0
    weights = [i.weight for i in held]
    total = array_sum(weights)
    best: dict[str, float] = {}
    for inst, w in zip(held, weights, strict=True):
        s = spending * w / total if total > 0 else 0.0
        h = w * half_cost / 4.0
        realised = 1.0 - math.exp(-s / h) if h > 0 else 1.0
        value = inst.productivity * inst.fit(advantage) * realised
        best[inst.kind] = max(best.get(inst.kind, 0.0), value)
    return plain_sum(best.values())


def net_value(held: list, advantage: float, spending: float, scale: float, lp, hurdle: float):
    """U(P): the productivity gain of the portfolio (scaled by ``boost * D``, passed as
    ``scale``) less the value of the money it takes in its alternative use."""
    if not held:
        return 0.0
    return scale * portfolio_gain(held, advantage, spending, lp.half_cost) - hurdle * spending


# -- the hot path: the same numbers from precomputed terms ---------------------------------------
#
# A locality evaluates many portfolios a quarter (each drop-one variant when it prunes), so it
# keeps one ``Term`` per instrument, fixed while the instrument and the locality's advantage are,
# and evaluates portfolios through ``term_gain``. Every operation is the reference's, in the same
# order, so the bits are the same (tests/test_locality_speed.py checks it on random portfolios).
# A NumPy evaluation over portfolios would reorder the sums (np.sum is pairwise from 8 terms on)
# and the per-kind maxima, so this stays a scalar loop.


class Term(NamedTuple):
    """What a portfolio's gain needs of one instrument at one locality."""

    weight: float
    value: float  # pi x fit: the gain at full implementation
    kind: str
    half: float  # h = w x half_cost / 4
    fit: float


def term(inst, advantage: float, half_cost: float) -> Term:
    """The ``Term`` of instrument ``inst`` at a locality with ``advantage``."""
    fit = inst.fit(advantage)
    w = inst.weight
    return Term(w, inst.productivity * fit, inst.kind, w * half_cost / 4.0, fit)


def plain_sum(xs) -> float:
    """The sum of ``xs`` from left to right, as Python 3.11's ``sum`` and the compiled kernels add:
    Python 3.12's ``sum`` compensates floats' rounding, which would change the last bits."""
    total = 0.0
    for x in xs:
        total += x
    return total


def array_sum(xs: list[float]) -> float:
    """The sum of ``xs`` in a fixed order, NumPy 2.4's (numpy/_core/src/umath/loops_utils.h, as
    ``kernels.row_sum``): fewer than 8 numbers in order, more in 8 running sums, so the bits do not
    depend on the NumPy installed (2.5 adds even 6 numbers in another order)."""
    n = len(xs)
    if n < 8:
        return plain_sum(xs)
    if n > 128:  # NumPy's blocks: halves, cut at a multiple of 8
        half = n // 2 - (n // 2) % 8
        return array_sum(xs[:half]) + array_sum(xs[half:])
    r = list(xs[:8])
    i, stop = 8, n - n % 8
    while i < stop:
        for j in range(8):
            r[j] += xs[i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for x in xs[i:]:
        res += x
    return res


def term_gain(terms: list[Term], spending: float) -> float:
    """``portfolio_gain`` of the instruments whose terms are ``terms``."""
    if not terms or spending <= 0:
        return 0.0
    total = array_sum([t[0] for t in terms])  # t.weight: indexing is faster on this path
    best: dict[str, float] = {}
    exp = math.exp
    for w, value, kind, h, _ in terms:
        s = spending * w / total if total > 0 else 0.0
        realised = 1.0 - exp(-s / h) if h > 0 else 1.0
        value = value * realised
        old = best.get(kind, 0.0)
        best[kind] = value if value > old else old  # max(old, value), without the call
    return plain_sum(best.values())


def term_net(terms: list[Term], spending: float, scale: float, hurdle: float) -> float:
    """``net_value`` of the instruments whose terms are ``terms``."""
    if not terms:
        return 0.0
    return scale * term_gain(terms, spending) - hurdle * spending


def alternative_value(share: float, rd_elasticity: float, local_rd: float) -> float:
    """Value of a unit of money (USD bn/quarter) invested in local firms instead: capability
    production grows with R&D to the power beta, so a unit more raises it by beta / R&D;
    ``share`` is the part of the locality's AI money that would otherwise reach firms."""
    return share * rd_elasticity / local_rd if local_rd > 0 else math.inf

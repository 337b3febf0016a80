"""The fiscal passes over all of a centre's localities at once (issue 14: speed).

Pruning and the gain of spending draw no random numbers and read nothing but the locality's own
portfolio and envelope, so they can run over every locality after the quarter's draws instead of
inside each locality's update, with the same result: the portfolios are laid out as flat arrays
(a :class:`Block`) and ``sim.agents.local_kernels`` evaluates them in one call per centre. With
``local_kernels.USE_KERNELS`` off each locality runs its own Python method (the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from sim.agents import local_kernels
from sim.agents.portfolio import columns
from sim.fiscal import term_gain


class Block:
    """The portfolios of some localities as flat arrays: locality ``j``'s instruments are at
    ``starts[j]:starts[j + 1]`` (weights, gains pi x fit, kind codes, half-costs)."""

    def __init__(self, locs: Sequence) -> None:
        self.portfolios = [loc.portfolio() for loc in locs]
        _, self.starts, self.arrays = flat([pf.columns for pf in self.portfolios])


def largest(locs: Sequence) -> int:
    """The most instruments any of ``locs`` holds."""
    return max(len(loc.instruments) for loc in locs)


def flat(groups: list[tuple[list, ...]]) -> tuple[int, np.ndarray, tuple[np.ndarray, ...]]:
    """Columns of fiscal terms (``portfolio.columns``) as flat arrays: the longest group, where
    each group starts (and the end), and the weights, gains, kind codes and half-costs."""
    sizes = [len(group[0]) for group in groups]
    starts = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=starts[1:])
    arrays = tuple(
        np.fromiter(chain.from_iterable(group[c] for group in groups), dtype, starts[-1])
        for c, dtype in enumerate((np.float64, np.float64, np.int64, np.float64))
    )
    return max(sizes, default=0), starts, arrays


def weigh_adoptions(locs: Sequence, codified: list[str]) -> None:
    """The net values each locality's adoption of codified instruments weighs this quarter
    (``LocalGovernment._adopt_codified``), for its portfolio before the quarter's draws: one
    pass for all; a locality whose portfolio the draws change weighs its own."""
    locs = [loc for loc in locs if loc.portfolio().adders(codified, loc._terms)]
    if not locs:
        return
    if not local_kernels.enabled(len(locs), largest(locs) + 1):
        return  # each weighs its own
    block = Block(locs)
    adders = [
        pf.adders(codified, loc._terms) for loc, pf in zip(locs, block.portfolios, strict=True)
    ]
    _, cstarts, candidates = flat([columns([t for _, _, t in group]) for group in adders])
    envelopes = [loc._envelope() for loc in locs]
    base, with_each = local_kernels.adoption_nets(
        *block.arrays,
        block.starts,
        *candidates,
        cstarts,
        np.array([e[0] for e in envelopes]),
        np.array([e[1] for e in envelopes]),
        np.array([loc.hurdle for loc in locs]),
    )
    base, with_each = base.tolist(), with_each.tolist()
    for j, (loc, group) in enumerate(zip(locs, adders, strict=True)):
        values = with_each[cstarts[j] : cstarts[j + 1]]
        loc.weighed(
            group, base[j], {name: x for (_, name, _), x in zip(group, values, strict=True)}
        )


def prune(locs: Sequence, keep_committed: bool = True) -> None:
    """``LocalGovernment.prune`` of each of ``locs``."""
    locs = [loc for loc in locs if len(loc.instruments) > 1]
    if not locs:
        return
    if not local_kernels.enabled(len(locs), largest(locs)):
        for loc in locs:
            loc.prune(keep_committed)
        return
    block = Block(locs)
    envelopes = [loc._envelope() for loc in locs]
    dropped = np.empty(len(block.arrays[0]), np.int64)
    if not local_kernels.prune(
        *block.arrays,
        block.starts,
        np.array([e[0] for e in envelopes]),
        np.array([e[1] for e in envelopes]),
        np.array([loc.hurdle for loc in locs]),
        local_kernels.BET_CODE if keep_committed else -1,
        dropped,
    ):
        return
    for j, (loc, pf) in enumerate(zip(locs, block.portfolios, strict=True)):
        for i in dropped[block.starts[j] : block.starts[j + 1]].tolist():
            if i < 0:
                break
            loc.drop(pf.key[i])


def spend(locs: Sequence, damping: float, index: float) -> None:
    """``LocalGovernment.spend`` of each of ``locs``: the accounts one by one, the fiscal gains
    in one pass."""
    moneys = [loc.account(damping, index) for loc in locs]
    gaining = [j for j, money in enumerate(moneys) if money is not None]
    if not gaining:
        return
    locs = [locs[j] for j in gaining]
    if not local_kernels.enabled(len(locs), largest(locs)):
        for loc, j in zip(locs, gaining, strict=True):
            loc.set_gain(term_gain(loc.portfolio().terms, moneys[j]))
        return
    block = Block(locs)
    money = np.array([moneys[j] for j in gaining])
    gains = local_kernels.gains(*block.arrays, block.starts, money).tolist()
    for loc, gain in zip(locs, gains, strict=True):
        loc.set_gain(gain)

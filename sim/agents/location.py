"""Where firms are within their state: placement of entrants and relocation (vectorised).

Arrays are over localities with one extra last slot for "no locality": a firm of a state without
localities has ``loc = -1``, which indexes that slot, so per-firm lookups need no branch.

A locality's *conditions* are the log of the productivity its instruments give local firms minus
the deterrent of its own restrictive rules (silos states only). Firms respond to changes of
conditions since the start (the initial distribution of firms is read as an equilibrium, like
the states' anchors): entrants choose a locality with probability proportional to its share of
the state's firms times ``exp(sensitivity x change)``; a firm under review draws a destination
the same way and moves if the destination's change beats its own by the threshold.
"""

from __future__ import annotations

import numpy as np


class LocalLayout:
    """The localities as firms see them; refreshed by the model every quarter."""

    def __init__(self, loc_state: np.ndarray, firm_share: np.ndarray, n_states: int) -> None:
        self.L = len(loc_state)
        self.loc_state = loc_state
        self.firm_share = firm_share
        self.by_state = {s: np.flatnonzero(loc_state == s) for s in range(n_states)}
        self.by_state = {s: idx for s, idx in self.by_state.items() if len(idx)}
        # Per-locality arrays with the extra "no locality" slot at the end.
        self.productivity = np.ones(self.L + 1)
        self.compliance = np.zeros(self.L + 1)  # USD bn/quarter per firm, local rules
        self.conditions = np.zeros(self.L + 1)
        self.initial_conditions: np.ndarray | None = None
        # (state, sensitivity) -> the cumulative pull its firms draw localities from; valid
        # until the conditions change (relocation and entry draw from it in the same quarter)
        self._cdfs: dict[tuple[int, float], np.ndarray] = {}

    def refresh(self, productivity: np.ndarray, deterrent: np.ndarray, compliance: np.ndarray):
        """Set this quarter's per-locality productivity, rule deterrent and compliance cost."""
        self.productivity[: self.L] = productivity
        self.compliance[: self.L] = compliance
        conditions = np.log(productivity) - deterrent
        if self.initial_conditions is None:
            self.initial_conditions = conditions.copy()
        self.conditions[: self.L] = conditions - self.initial_conditions
        self._cdfs.clear()

    def _pull(self, idx: np.ndarray, sensitivity: float) -> np.ndarray:
        w = self.firm_share[idx] * np.exp(sensitivity * self.conditions[idx])
        return w / w.sum() if w.sum() > 0 else np.full(len(idx), 1.0 / len(idx))

    def place(self, home: np.ndarray, rng: np.random.Generator, sensitivity: float) -> np.ndarray:
        """A locality for each new firm of home state ``home`` (-1 where it has none)."""
        loc = np.full(len(home), -1, np.int32)
        for s, idx in self.by_state.items():
            mine = np.flatnonzero(home == s)
            if len(mine):
                cdf = self._cdfs.get((s, sensitivity))
                if cdf is None:
                    cdf = self._cdfs[s, sensitivity] = choice_cdf(self._pull(idx, sensitivity))
                loc[mine] = idx[cdf.searchsorted(rng.random(len(mine)), side="right")]
        return loc

    def relocate(self, pop, rng: np.random.Generator, lp) -> tuple[np.ndarray, np.ndarray]:
        """Firms under review move to a drawn destination whose conditions improved more.

        Returns the number of firms that left and arrived in each locality this quarter.
        """
        review = pop.alive & (pop.loc >= 0) & (rng.random(len(pop.alive)) < lp.relocation_rate)
        slots = np.flatnonzero(review)
        dest = self.place(pop.home[slots], rng, lp.location_sensitivity)
        gain = self.conditions[dest] - self.conditions[pop.loc[slots]]
        move = (dest != pop.loc[slots]) & (gain > np.log1p(lp.relocation_threshold))
        left = np.bincount(pop.loc[slots[move]], minlength=self.L)
        arrived = np.bincount(dest[move], minlength=self.L)
        pop.loc[slots[move]] = dest[move]
        return left, arrived


def choice_cdf(p: np.ndarray) -> np.ndarray:
    """The cumulative distribution ``rng.choice(len(p), size, p=p)`` draws from: its draws are
    ``cdf.searchsorted(rng.random(size), side="right")`` (NumPy's own steps), so a quarter's
    draws from one distribution need neither its argument checks nor the sum again.

    Raises:
        ValueError: probabilities ``rng.choice`` would refuse (negative, NaN or infinite).
    """
    if not (np.isfinite(p).all() and (p >= 0).all()):
        raise ValueError("probabilities are not non-negative and finite")
    cdf = p.cumsum()
    cdf /= cdf[-1]
    return cdf

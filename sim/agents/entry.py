"""Entry of firms: the yardstick of entrants' capability and the crowding of entry.

Apart from ``firms.py`` because entry reads the world at its start (each state's initial firms
and market, the reference of crowding) as well as the living population (docs/ODD.md 7.7k).
"""

from __future__ import annotations

import numpy as np


def median(values: np.ndarray) -> float:
    """``np.median`` of non-empty ``values`` without its Python overhead: NumPy's own steps (a
    partition at the middle and at the end, the mean of the middle two if even, NaN if the
    largest, partitioned last, is NaN), so the same bits."""
    n, half = len(values), len(values) // 2
    middle = [half - 1, half] if n % 2 == 0 else [half]
    part = np.partition(values, [*middle, n - 1])
    if np.isnan(part[-1]):
        return np.nan
    return float(part[half]) if n % 2 else float((part[half - 1] + part[half]) / 2)


def start_reference(cfg, world_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Each state's initial firms (at least one) and initial market (USD bn/yr, scaled like
    ``Jurisdictions.market``): the reference of entry crowding."""
    weights = np.array([float(st.firm_weight) for st in cfg.states.values()])
    market = np.array([float(st.ai_market) for st in cfg.states.values()])
    return entry_reference(weights, cfg.firms.n_initial, market, world_scale)


def entry_reference(
    weights: np.ndarray, n_initial: int, ai_market: np.ndarray, world_scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`start_reference` from the states' firm weights and AI markets (USD bn/yr)."""
    total = weights.sum()
    firms0 = n_initial * weights / total if total > 0 else np.zeros(len(weights))
    return np.maximum(firms0, 1.0), ai_market * world_scale


def entry_room(
    n_home: np.ndarray,
    reference: tuple[np.ndarray, np.ndarray],
    market: np.ndarray,
    crowding: float,
) -> dict[str, np.ndarray]:
    """Crowding of entry (docs/ODD.md 7.7k). A state's capacity is ``crowding`` times its initial
    firms, scaled with its market since the start; entry per incumbent is untouched up to the
    initial firms per unit of market, then falls as ``1 - x^2`` to zero at the capacity (``x``:
    the share of the way from the initial density to the capacity).

    Returns ``factor`` (the multiplier of the entry rate) and ``free`` (entrants that still fit).
    """
    firms0, market0 = reference
    growth = np.divide(market, market0, out=np.ones_like(firms0), where=market0 > 0)
    at_start = firms0 * growth  # the firms the state would hold at its initial density
    capacity = crowding * at_start
    crowded = np.clip((n_home - at_start) / np.maximum(capacity - at_start, 1e-12), 0.0, 1.0)
    factor = 1.0 - crowded**2
    free = np.floor(np.maximum(capacity - n_home, 0.0)).astype(np.int64)
    return {"factor": factor, "free": free}

"""The growing AI economy: markets, private investment and the compute a dollar buys.

The world file gives each state's AI market and private investment as annual rates at the start
(2024 values); they grow at the state's own rates where the data allow, else at the world rates
(``economy.*``). Compute per dollar grows with hardware price-performance. Every firm-level
money constant (fixed and compliance costs, seed capital, exit threshold, market entry) scales
with the world's money index, so the economy grows without changing what a firm of a given
*relative* size can do: that is what makes the initial world a balanced-growth path
(docs/ODD.md 5.1 and 7.14).
"""

from __future__ import annotations

import numpy as np


def _quarterly(annual: np.ndarray | float) -> np.ndarray | float:
    return (1.0 + np.asarray(annual, float)) ** 0.25 - 1.0


class Economy:
    """Growth indices of markets, investment and compute, by quarter since the start.

    Args:
        params: the ``economy`` config section (an ``EconomyParams``; the model passes its
            plain dataclass, which reads ~100x faster than the OmegaConf node).
        states: the ``states`` config section, in model order (plain or OmegaConf).
    """

    def __init__(self, params, states) -> None:
        on, own = params.growth, params.per_state

        def rate(key: str, world: float) -> np.ndarray:
            if not on:
                return np.zeros(len(states))
            given = [getattr(st, key) if own else None for st in states.values()]
            return _quarterly(np.array([world if v is None else v for v in given], float))

        self.market_rate = rate("ai_market_growth", params.market_growth)
        self.investment_rate = rate("ai_investment_growth", params.investment_growth)
        self.compute_rate = float(_quarterly(params.compute_growth)) if on else 0.0
        market0 = np.array([float(st.ai_market) for st in states.values()])
        self._market_weights = market0 / max(market0.sum(), 1e-12)

    def market(self, quarter: int) -> np.ndarray:
        """Each AI market relative to its start (1 at quarter 0)."""
        return (1.0 + self.market_rate) ** quarter

    def investment(self, quarter: int) -> np.ndarray:
        """Each state's private AI investment relative to its start."""
        return (1.0 + self.investment_rate) ** quarter

    def compute(self, quarter: int) -> float:
        """Compute a dollar of R&D buys, relative to the start."""
        return (1.0 + self.compute_rate) ** quarter

    def money(self, quarter: int) -> float:
        """The world's money index: the AI markets' total relative to the start. Firm-level
        costs and thresholds in USD scale with it."""
        return float(self._market_weights @ self.market(quarter))

    def money_rate(self, revenue_weight: np.ndarray) -> np.ndarray:
        """Quarterly growth of the money reaching each state's firms: revenue grows with the
        market, inflows with investment, weighted by their initial shares of firms' income."""
        w = np.clip(revenue_weight, 0.0, 1.0)
        return w * self.market_rate + (1.0 - w) * self.investment_rate

    def capability_rate(self, money_rate: np.ndarray, rd_elasticity: float) -> np.ndarray:
        """Quarterly growth of capability on the balanced-growth path: the gain grows with
        effective R&D (money times compute per dollar) to the power beta, and on the path
        capability grows as fast as its gain."""
        return ((1.0 + money_rate) * (1.0 + self.compute_rate)) ** rd_elasticity - 1.0

"""The international instruments other than WAICO: soft norms with their signatories.

The Council of Europe Framework Convention, the OECD AI Principles, UNESCO's Recommendation and
the Bletchley and Seoul Declarations (000, 001). None has enforcement, so each acts the same way:

- **a floor on restrictiveness**: a signatory whose R falls below the instrument's ``R_floor``
  has its target R raised by ``R_pull`` per unit of the shortfall. An instrument already in force
  at the start is part of the world file's 2025Q1 stances, so only the change of the shortfall
  since the start counts (it resists backsliding, it does not drift the baseline); an instrument
  adopted during the run counts in full from its quarter;
- **trust** among signatories grows (``trust_gain``, applied in ``sim/trust.py``).

The floor term is written into the state's anchor as an offset that is updated each quarter, so
events that move the same anchor add to it rather than being overwritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.tools.validate import quarter_index

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


class Accord(mesa.Agent):
    """One international instrument and its signatories."""

    def __init__(self, model: RegulatoryCompetition, name: str, cfg) -> None:
        super().__init__(model)
        self.name = name
        self.label = cfg.label
        self.binding = bool(cfg.binding)
        self.adopted = quarter_index(cfg.adopted, model.plain.start, f"accords.{name}.adopted")
        self.signatories = [model.state(s) for s in cfg.signatories]
        self.index = np.array([s.index for s in self.signatories], dtype=int)
        self.R_floor, self.R_pull = float(cfg.R_floor), float(cfg.R_pull)
        self.trust_gain = float(cfg.trust_gain)
        # Anchor offset already written per signatory, and the term it is measured from.
        self.applied = np.zeros(len(self.signatories))
        self.reference = self._term() if self.adopted < 0 else np.zeros(len(self.signatories))

    def in_force(self, quarter: int) -> bool:
        """Whether the instrument acts in ``quarter`` (0 = the first simulated quarter)."""
        return quarter >= self.adopted

    def _term(self) -> np.ndarray:
        R = np.array([s.R for s in self.signatories])
        return self.R_pull * np.maximum(0.0, self.R_floor - R)

    def step(self, quarter: int) -> None:
        """Move each signatory's R anchor by the change of its floor term."""
        if not self.in_force(quarter):
            return
        desired = self._term() - self.reference
        for s, delta in zip(self.signatories, desired - self.applied, strict=True):
            s.anchor["R"] += float(delta)
        self.applied = desired


def build_accords(model: RegulatoryCompetition) -> list[Accord]:
    """The instruments of the config, in config order."""
    return [Accord(model, name, cfg) for name, cfg in model.plain.accords.items()]


def shared_gain(accords: list[Accord], S: int, quarter: int | None) -> np.ndarray:
    """Trust gain rate between every pair of states from the instruments both signed.

    Args:
        accords: the instruments.
        S: number of states.
        quarter: count only instruments in force then; ``None`` counts those in force at the start.
    """
    gain = np.zeros((S, S))
    for a in accords:
        active = a.adopted < 0 if quarter is None else a.in_force(quarter)
        if active and len(a.index):
            gain[np.ix_(a.index, a.index)] += a.trust_gain
    np.fill_diagonal(gain, 0.0)
    return gain

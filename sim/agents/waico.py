"""WAICO and the other international instruments (placeholder: the WAICO issue fills it in).

The model calls :func:`build_institutions` once after the states exist and
:func:`step_institutions` every quarter after the firms (MODEL.md §3, step 6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


def build_institutions(model: RegulatoryCompetition) -> list:
    """Institution agents of the run (none yet)."""
    return []


def step_institutions(model: RegulatoryCompetition) -> None:
    """Membership decisions, harmonisation and trust for one quarter (nothing yet)."""

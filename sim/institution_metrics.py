"""Reporters for WAICO, the international instruments and trust (merged by ``sim/metrics.py``).

Named functions, so runs pickle. The WAICO columns exist in every run: 0 members and a GDP share
of 0 when WAICO is disabled or not yet proposed, harmonisation NaN while there are no members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.waico import waico_of

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


def waico_members(model: RegulatoryCompetition) -> int:
    """Number of WAICO members (founding members included)."""
    w = waico_of(model)
    return len(w.members) if w is not None else 0


def waico_gdp_share(model: RegulatoryCompetition) -> float:
    """Members' share of world GDP (the 2024 GDP of the world file)."""
    w = waico_of(model)
    return w.gdp_share() if w is not None else 0.0


def waico_harmonisation(model: RegulatoryCompetition) -> float:
    """1 - the members' mean root mean square distance of (R, F, E) to the standard.

    In [0, 1]; 1 when every member sits at the standard; NaN without members.
    """
    w = waico_of(model)
    if w is None or not w.members:
        return float("nan")
    return 1.0 - float(np.mean([w.distance(model.states[i]) for i in sorted(w.members)]))


def mean_trust(model: RegulatoryCompetition) -> float:
    """Mean trust between different states (off-diagonal mean of ``model.trust``)."""
    T, S = model.trust, model.S
    return float((T.sum() - np.trace(T)) / (S * (S - 1))) if S > 1 else float("nan")


MODEL_REPORTERS = {
    "waico_members": waico_members,
    "waico_gdp_share": waico_gdp_share,
    "waico_harmonisation": waico_harmonisation,
    "mean_trust": mean_trust,
}
STATE_REPORTERS = {"waico_member": "waico_member"}

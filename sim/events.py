"""Geopolitical events scheduled by the scenario (MODEL.md §3, step 1).

Each event has a date (a quarter) and acts once, at the start of that quarter, on the states it
names: export controls move the target's compute-access target, bans close a share of a market to
another state's firms, the US export package pulls partners towards the US, and policy shifts
(laws, executive orders, AI Act milestones) move a state's anchor stance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.tools.validate import quarter_index

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


@dataclass(frozen=True)
class Scheduled:
    """One event of the schedule, resolved to its quarter index."""

    quarter: int
    kind: str
    name: str
    spec: Any


def build_schedule(events, start: str) -> list[Scheduled]:
    """Resolve the config's events into a list ordered by quarter, kind and name."""
    out = [
        Scheduled(quarter_index(ev.date, start, f"events.{kind}.{name}.date"), kind, name, ev)
        for kind in ("export_controls", "bans", "export_packages", "policy_shifts")
        for name, ev in getattr(events, kind).items()
    ]
    return sorted(out, key=lambda e: (e.quarter, e.kind, e.name))


def export_control(model: RegulatoryCompetition, ev) -> None:
    """Severity > 0 removes that share of the remaining access; < 0 restores part of the lost."""
    target = model.state(ev.target)
    if ev.severity >= 0:
        target.access_target *= 1.0 - ev.severity
    else:
        target.access_target += -ev.severity * (1.0 - target.access_target)


def ban(model: RegulatoryCompetition, ev) -> None:
    """Close ``share`` of the issuer's market to the target's firms."""
    i, t = model.state(ev.issuer).index, model.state(ev.target).index
    model.ban[i, t] = max(model.ban[i, t], ev.share)


def export_package(model: RegulatoryCompetition, ev) -> None:
    """Partners align with the issuer, lower R, raise F and gain compute, in proportion to their
    existing alignment with the issuer's pole (001: urged to reject EU-style rules)."""
    issuer = model.state(ev.issuer)
    pole = int(np.argmax(issuer.alignment))
    for name in ev.partners:
        s = model.state(name)
        weight = float(s.alignment[pole])
        toward = np.zeros(3)
        toward[pole] = 1.0
        s.alignment = s.alignment + ev.alignment_shift * (toward - s.alignment)
        s.anchor["R"] -= ev.R_shift * weight
        s.anchor["F"] += ev.F_shift * weight
        s.access_target = min(1.0, s.access_target + ev.access_boost * weight)
        s.compute_access = min(1.0, s.compute_access + ev.access_boost * weight)


def policy_shift(model: RegulatoryCompetition, ev) -> None:
    """Move a state's anchor stance (the position its politics chooses absent pressure)."""
    s = model.state(ev.state)
    s.anchor["R"] += ev.dR
    s.anchor["F"] += ev.dF
    s.anchor["E"] += ev.dE


HANDLERS = {
    "export_controls": export_control,
    "bans": ban,
    "export_packages": export_package,
    "policy_shifts": policy_shift,
}


def apply_due(model: RegulatoryCompetition, quarter: int) -> list[str]:
    """Apply the events dated ``quarter``; returns their names for the event log."""
    fired = []
    for ev in model.schedule:
        if ev.quarter == quarter:
            HANDLERS[ev.kind](model, ev.spec)
            fired.append(f"{ev.kind}.{ev.name}")
    return fired

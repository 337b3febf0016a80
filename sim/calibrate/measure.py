"""The model's measurements over its first simulated year, one value per ``Fact.measure``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.calibrate.rows import YEAR
from sim.calibrate.sources import HSMAP_TOP10
from sim.metrics import open_model_share
from sim.model import RegulatoryCompetition


def first_year(seed: int, scenario: str = "baseline", **overrides: Any) -> dict[str, float]:
    """The model's measurements over its first simulated year (steps 1-4) for one seed.

    Args:
        seed: the model's master seed.
        scenario: a name from ``configs/scenario/``.
        **overrides: dotted config keys passed to the model (``steps`` is set to a year).

    Returns:
        One value per ``Fact.measure`` key (NaN where the world lacks what is measured).
    """
    m = RegulatoryCompetition(seed=seed, scenario=scenario, **{**overrides, "steps": YEAR})
    pop, S = m.firms, m.S
    releases, rd, incidents = np.zeros(S), np.zeros(S), 0
    for _ in range(YEAR):
        m.step()
        releases += [s.releases for s in m.states]
        incidents += sum(s.incidents for s in m.states)
        # pop.rd is this quarter's R&D; firms that exited were zeroed, but they had next to no
        # capital to spend.
        a = pop.alive
        rd += np.bincount(pop.home[a], pop.rd[a], S)
    us, china = m.state("us"), m.state("china")
    total = releases.sum()
    by_pole = {p: releases[idx].sum() for p, idx in m.pole_index.items()}
    three = sum(by_pole[p] for p in ("us", "eu", "china"))
    share = lambda x, of: float(x / of) if of > 0 else math.nan  # noqa: E731

    a = pop.alive
    top = np.argsort(-np.where(a, pop.k, -np.inf), kind="stable")[: min(100, int(a.sum()))]
    locs = [loc for loc in m.localities if loc.state is china]
    ranked = sorted(locs, key=lambda loc: -loc.capability)[:10]
    shanghai = next((loc for loc in locs if loc.name == "shanghai"), None)
    return {
        "fm_share_us": share(releases[us.index], total),
        "fm_share_china": share(releases[china.index], total),
        "fm_per_year": float(total),
        "open_share": open_model_share(m),
        "us_top100": float((pop.home[top] == us.index).sum()),
        "share3_us": share(by_pole["us"], three),
        "share3_eu": share(by_pole["eu"], three),
        "share3_china": share(by_pole["china"], three),
        "rd_ratio": share(rd[us.index], rd[china.index]),
        "shanghai_share": (
            share(shanghai.firms, sum(loc.firms for loc in locs)) if shanghai else math.nan
        ),
        "pilot_zones": float(sum(loc.pilot_zone for loc in locs)) if locs else math.nan,
        "hsmap_overlap": (
            float(len({loc.name for loc in ranked} & set(HSMAP_TOP10)))
            if len(locs) >= 10
            else math.nan
        ),
        "incidents": float(incidents),
    }

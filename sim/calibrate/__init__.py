"""Calibration report: the first simulated year against the stylised facts.

    python -m sim.calibrate [--seeds N] [--scenario NAME] [--out DIR]

Runs a scenario (default ``baseline``) for its first four quarters (2025: the model starts in
2025Q1) with seeds 0..N-1 (default 10) and sets every stylised fact of MODEL.md section 4, plus
foundation models and AI incidents a year, against what the model produces: target, source, the
model's mean and standard deviation across seeds, the relative distance, a tolerance band with
its reason, and a status, ``inside``, ``OUTSIDE`` or ``not comparable`` (with the reason). The
table is printed and written to ``DIR/calibration.csv`` and ``DIR/calibration.md`` (default
``results/calibration/``), each file whole or absent. Nothing here tunes the model: a fact outside
its tolerance is reported OUTSIDE. docs/calibration.md explains every row.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.calibrate.measure import first_year
from sim.calibrate.report import markdown_table, report, summary_line
from sim.calibrate.rows import COLUMNS, INSIDE, NOT_COMPARABLE, OUTSIDE, YEAR, Fact, facts
from sim.calibrate.sources import FM_SHARE, HSMAP_TOP10, INCIDENTS, INVESTMENT, NOTABLE
from sim.compose import compose_config

__all__ = [
    "COLUMNS",
    "FM_SHARE",
    "HSMAP_TOP10",
    "INCIDENTS",
    "INSIDE",
    "INVESTMENT",
    "NOTABLE",
    "NOT_COMPARABLE",
    "OUTSIDE",
    "YEAR",
    "Fact",
    "facts",
    "first_year",
    "markdown_table",
    "report",
    "summary_line",
    "table",
]


def _status(fact: Fact, mean: float) -> tuple[str, str]:
    """Status and note of a row given the model's mean."""
    if fact.measure is None:
        return NOT_COMPARABLE, fact.note
    if not math.isfinite(mean):
        return NOT_COMPARABLE, "not measurable in this world: it lacks what the row measures"
    eps = 1e-9 * max(1.0, abs(fact.target))  # float noise only
    inside = fact.low - eps <= mean <= fact.high + eps
    return (INSIDE if inside else OUTSIDE), fact.note


def table(seeds: int = 10, scenario: str = "baseline", **overrides: Any) -> pd.DataFrame:
    """The calibration table: one row per fact, over seeds ``0..seeds-1``.

    Args:
        seeds: number of seeds (at least 1).
        scenario: a name from ``configs/scenario/``.
        **overrides: dotted config keys, e.g. ``**{"states.china.capability_scale": 3.0}``.

    Returns:
        A DataFrame with the columns of ``COLUMNS``: ``target`` (number on the model's scale),
        ``stated`` (the source's figure), ``model`` and ``sd`` (mean and standard deviation
        across seeds), ``distance`` ((model - target) / target), ``tolerance`` with its band
        ``low``-``high`` and ``tolerance_reason``, ``status`` and ``note``.

    Raises:
        ValueError: ``seeds`` below 1.
        sim.validate.ConfigError: an unknown scenario or a bad override.
    """
    if int(seeds) < 1:
        raise ValueError(f"--seeds must be at least 1, got {seeds}")
    cfg = compose_config(scenario, {**overrides, "steps": YEAR})  # fails fast on bad input
    runs = pd.DataFrame([first_year(s, scenario, **overrides) for s in range(int(seeds))])
    rows = []
    for f in facts(cfg):
        values = runs[f.measure] if f.measure else pd.Series(dtype=float)
        mean = float(values.mean()) if len(values) else math.nan
        sd = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        status, note = _status(f, mean)
        if status == NOT_COMPARABLE and f.measure:
            mean = sd = math.nan
        comparable = status != NOT_COMPARABLE
        rows.append(
            {
                "fact": f.fact,
                "target": f.target,
                "stated": f.stated,
                "source": f.source,
                "model": mean,
                "sd": sd,
                "distance": (mean - f.target) / f.target if comparable else math.nan,
                "tolerance": f.tolerance if comparable else "",
                "low": f.low if comparable else math.nan,
                "high": f.high if comparable else math.nan,
                "status": status,
                "note": note,
                "tolerance_reason": f.why if comparable else "",
                "topic": f.topic,
                "digits": f.digits,
            }
        )
    return pd.DataFrame(rows, columns=[*COLUMNS, "digits"])

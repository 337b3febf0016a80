"""A table of targets against the model: the model's mean over seeds, its Monte Carlo error, the
band and every miss with its size."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.tools.calibrate.targets import Target, Z

INSIDE, MISS, NOT_MEASURED = "inside", "MISS", "not measured"
COLUMNS = [
    "key",
    "label",
    "year",
    "split",
    "target",
    "stated",
    "source",
    "model",
    "sd",
    "se_source",
    "se_mc",
    "basis",
    "low",
    "high",
    "status",
    "miss",
    "z",
    "relative",
]


def compare(targets: list[Target], runs: pd.DataFrame) -> pd.DataFrame:
    """One row per target: ``runs`` holds one measurement per seed (rows) and target (columns).

    The band is target +- Z x the combined standard error sqrt(se_source^2 + se_mc^2), where
    se_mc = sd / sqrt(seeds) is the Monte Carlo error of the model's mean. ``miss`` is how far the
    mean lies beyond the band's nearer edge (0 inside), ``z`` the distance in combined standard
    errors, ``relative`` the distance as a share of the target.
    """
    rows = []
    for t in targets:
        values = runs[t.key].to_numpy(float)
        n = int(np.isfinite(values).sum())
        mean = float(np.nanmean(values)) if n else math.nan
        sd = float(np.nanstd(values, ddof=1)) if n > 1 else 0.0
        se_mc = sd / math.sqrt(n) if n else math.nan
        se = math.hypot(t.se, se_mc)
        # Every target is a count, share or level: a band below zero means zero.
        low, high = max(0.0, t.value - Z * se), t.value + Z * se
        if not math.isfinite(mean):
            status, miss = NOT_MEASURED, math.nan
        else:
            miss = mean - high if mean > high else (mean - low if mean < low else 0.0)
            status = INSIDE if miss == 0.0 else MISS
        rows.append(
            {
                "key": t.key,
                "label": t.label,
                "year": t.year,
                "split": t.split,
                "target": t.value,
                "stated": t.stated,
                "source": t.source,
                "model": mean,
                "sd": sd,
                "se_source": t.se,
                "se_mc": se_mc,
                "basis": t.basis,
                "low": low,
                "high": high,
                "status": status,
                "miss": miss,
                "z": (mean - t.value) / se if se > 0 else (0.0 if mean == t.value else math.inf),
                "relative": (mean - t.value) / t.value if t.value else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)

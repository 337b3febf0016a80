"""Seed noise in the points table: replicate means per point, the within-point (seed) variance,
and the share of an outcome's variance that is seed noise.

Every sampled point of E7 runs on a few seeds; what varies between those seeds at one point is
Monte Carlo noise, not sensitivity. The indices average the seeds first (``replicate_means``) and
compare what is left with what the noise alone would give (``indices.morris_noise_floor``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.tools.outputs import column_name
from sim.tools.validate import ConfigError

LEVEL = 0.95  # as experiments.figures.common.LEVEL (not imported: it loads Matplotlib)


def stage_rows(points: pd.DataFrame, stage: str, outcome: str, valued: bool = True) -> pd.DataFrame:
    """The rows of one stage (only those with a value of the outcome, if ``valued``), with one
    clear line when there are none."""
    for col in ("stage", "point", "seed", outcome):
        if col not in points.columns:
            raise ConfigError(f"points table: no column {col!r} (has {', '.join(points.columns)})")
    rows = points[(points["stage"] == stage) & (points[outcome].notna() | (not valued))]
    if rows.empty:
        raise ConfigError(f"points table: no {stage!r} rows with a value of {outcome!r}")
    return rows


def replicate_means(rows: pd.DataFrame, outcome: str, keys: list[str] = ()) -> pd.DataFrame:
    """Per point (sorted by point): the sampled keys' values, the outcome's mean over seeds
    (``mean``), its within-point sample variance (``var``, NaN with one seed) and seeds ``n``."""
    cols = [column_name(k) for k in keys]
    missing = [c for c in cols if c not in rows.columns]
    if missing:
        raise ConfigError(f"points table: no column for the sampled keys {', '.join(missing)}")
    g = rows.groupby("point", sort=True)
    out = g[outcome].agg(mean="mean", var="var", n="count")
    if cols:
        out = g[cols].first().join(out)
    return out.reset_index()


def within_variance(means: pd.DataFrame) -> float:
    """Pooled within-point (seed) variance: the points' sample variances weighted by their
    degrees of freedom; NaN when no point has two seeds."""
    several = means[means["n"] > 1]
    dof = (several["n"] - 1).sum()
    return float((several["var"] * (several["n"] - 1)).sum() / dof) if dof else float("nan")


def point_noise_variance(means: pd.DataFrame, fallback: float = float("nan")) -> np.ndarray:
    """The variance of each point's replicate mean that seed noise gives: the pooled seed
    variance (or ``fallback`` where no point has two seeds) over the point's seeds. Pooled, not
    per point: a standard deviation from two or three seeds is biased low, and so would be a
    noise floor built on it."""
    pooled = within_variance(means)
    if np.isnan(pooled):
        pooled = fallback
    return (pooled / means["n"].clip(lower=1)).to_numpy(float)  # an imputed point: as one seed


@dataclass(frozen=True)
class NoiseShare:
    """The share of an outcome's variance (one seed per draw) that is seed noise, with a
    bootstrap interval over points; ``points`` with two or more seeds were used."""

    share: float
    lo: float
    hi: float
    within: float  # pooled seed variance
    total: float  # variance of single runs across points and seeds
    points: int


def _share(values: np.ndarray, counts: np.ndarray) -> tuple[float, float, float]:
    """(within / total, within, total) for runs grouped by point (``counts`` runs each)."""
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    sums = np.add.reduceat(values, starts)
    means = sums / counts
    dev = values - np.repeat(means, counts)
    within = float((dev**2).sum() / (counts - 1).sum())
    total = float(values.var(ddof=1))
    return (within / total if total > 0 else float("nan")), within, total


def noise_share(
    rows: pd.DataFrame, outcome: str, n_boot: int = 500, level: float = LEVEL, seed: int = 1
) -> NoiseShare:
    """Within-point variance over total variance of ``outcome`` among the points of ``rows``
    that have two or more seeds (1: all seed noise, 0: none), with a bootstrap interval that
    resamples points. A total variance of 0 gives NaN (nothing varies: no share to speak of)."""
    rows = rows[rows[outcome].notna()]
    counts = rows.groupby("point")[outcome].transform("count")
    rows = rows[counts > 1].sort_values(["point", "seed"])
    if rows["point"].nunique() < 2:
        raise ConfigError(
            f"seed noise of {outcome!r}: needs at least two points with two or more seeds each"
        )
    values = rows[outcome].to_numpy(float)
    counts = rows.groupby("point", sort=True)[outcome].count().to_numpy()
    share, within, total = _share(values, counts)
    # a bootstrap over points: whole points are resampled, their seeds kept together
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(counts), len(counts))
        n = counts[pick]
        first = np.repeat(starts[pick] - np.r_[0, np.cumsum(n)[:-1]], n)
        boots.append(_share(values[first + np.arange(n.sum())], n)[0])
    lo, hi = np.nanquantile(boots, [0.5 - level / 2, 0.5 + level / 2]) if boots else (np.nan,) * 2
    return NoiseShare(share, float(lo), float(hi), within, total, len(counts))


def seed_variance(points: pd.DataFrame, outcome: str, stages=("morris", "sobol")) -> float:
    """The seed variance of ``outcome`` pooled over the points of ``stages`` that have several
    seeds; the ``defaults`` stage's variance over seeds where none has."""
    rows = points[points["stage"].isin(stages) & points[outcome].notna()]
    rows = rows.assign(point=rows["stage"] + ":" + rows["point"].astype(str))  # stages apart
    pooled = within_variance(replicate_means(rows, outcome)) if not rows.empty else np.nan
    if np.isnan(pooled):
        at_defaults = points.loc[points["stage"] == "defaults", outcome].dropna()
        pooled = float(at_defaults.var(ddof=1)) if len(at_defaults) > 1 else float("nan")
    return pooled

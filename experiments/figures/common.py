"""What every figure script shares: reading an aggregated sweep, means with confidence bands
across seeds, and writing the PNG, the data behind it and a manifest.

A figure script never runs the model: it reads ``results/sweeps/<experiment>/`` and returns the
figure, the plotted numbers as a tidy table, and a few headline numbers for the terminal. The
tables are read only when they belong to the aggregation ``sweep.json`` describes (the same
generation id in each file's metadata).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as _stats

import sim
from sim.tools.outputs import atomic_write, parquet_meta
from sim.tools.runner import git_revision

LEVEL = 0.95  # confidence level of every band and interval


@dataclass
class Sweep:
    """An aggregated sweep: its ``sweep.json`` and its tables, read on first use."""

    root: Path
    meta: dict
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Sweep:
        path = root / "sweep.json"
        if not path.is_file():
            raise FileNotFoundError(
                f"{root}: no aggregated sweep; run `python -m experiments run "
                f"{root.name.split('+')[0].removesuffix('_quick')}` first"
            )
        sweep = cls(root, json.loads(path.read_text()))
        for name in sweep.meta.get("tables", []):
            sweep._check(root / f"{name}.parquet")
        return sweep

    def _check(self, path: Path) -> None:
        """Refuse a table that another aggregation than ``sweep.json``'s wrote."""
        try:
            generation = parquet_meta(path).get("generation")
        except OSError:
            generation = None
        if generation is None or generation != self.meta.get("generation"):
            raise SweepMismatch(
                f"{path}: does not belong with {self.root / 'sweep.json'} (an interrupted "
                "aggregation, or one older than generation ids); run the sweep again to "
                "aggregate it anew"
            )

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            path = self.root / f"{name}.parquet"
            df = pd.read_parquet(path)
            self._check(path)  # after reading: the file read is the file checked, or newer
            self._tables[name] = df
        return self._tables[name]


class SweepMismatch(RuntimeError):
    """The aggregated tables of a sweep come from different aggregations."""


def ci_text(
    mean: float, lo: float, hi: float, spec: str = ".3g", floor: float | None = None
) -> str:
    """``mean [lo, hi]``; ``mean (n/a: 1 seed)`` where no interval can be computed; the lower
    bound clipped at ``floor`` (0 for a count or a share, which cannot be negative)."""
    sign = "+" if spec.startswith("+") else ""
    if np.isnan(lo) or np.isnan(hi):
        return f"{mean:{spec}} (interval n/a: 1 seed)"
    if floor is not None:
        lo = max(lo, floor)
    body = spec.lstrip("+")
    return f"{mean:{sign}{body}} [{lo:{body}}, {hi:{body}}]"


def mean_ci(
    df: pd.DataFrame, by: list[str], value: str, level: float = LEVEL, floor: float | None = None
) -> pd.DataFrame:
    """Mean of ``value`` over runs in each group of ``by``, with a Student-t confidence interval
    (``lo``, ``hi``, the lower bound clipped at ``floor`` for a quantity that cannot go below it)
    and the number of runs ``n``. One run gives an interval of NaN."""
    g = df.groupby(by, sort=True)[value]
    out = g.agg(mean="mean", sd="std", n="count").reset_index()
    half = _stats.t.ppf(0.5 + level / 2, np.maximum(out.n - 1, 1)) * out.sd / np.sqrt(out.n)
    half = half.where(out.n > 1)
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    if floor is not None:
        out["lo"] = out["lo"].clip(lower=floor)
    return out.drop(columns="sd")


def band(ax, stats: pd.DataFrame, x: str, label: str, **style) -> None:
    """A mean line with its shaded confidence band."""
    (line,) = ax.plot(stats[x], stats["mean"], label=label, **style)
    ax.fill_between(stats[x], stats["lo"], stats["hi"], color=line.get_color(), alpha=0.2, lw=0)


def diff_ci(a: pd.Series, b: pd.Series, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean of ``a - b`` over paired runs (same replicate seeds) with its t interval."""
    d = (a.to_numpy() - b.to_numpy()).astype(float)
    if len(d) < 2:
        return float(d.mean()), float("nan"), float("nan")
    half = _stats.t.ppf(0.5 + level / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def diff_p(a: pd.Series, b: pd.Series) -> float:
    """Two-sided p-value of the paired t test of ``a - b`` (the test behind ``diff_ci``'s
    interval: p < 0.05 exactly when the 95% interval excludes 0). Runs that differ by the same
    amount in every seed give 0 (1 when that amount is 0); one pair gives NaN."""
    d = (a.to_numpy() - b.to_numpy()).astype(float)
    if len(d) < 2:
        return float("nan")
    sd = d.std(ddof=1)
    if sd == 0:
        return 0.0 if d.mean() != 0 else 1.0
    t = d.mean() / (sd / np.sqrt(len(d)))
    return float(2 * _stats.t.sf(abs(t), len(d) - 1))


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error): the k-th smallest of m is
    multiplied by m - k + 1, then made non-decreasing. NaNs stay NaN and are not counted in m."""
    p = np.asarray(pvalues, dtype=float)
    out, ok = np.full(p.shape, np.nan), ~np.isnan(p)
    m = int(ok.sum())
    order = np.argsort(p[ok])
    steps = np.maximum.accumulate((m - np.arange(m)) * p[ok][order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(steps, 1.0)
    out[ok] = adjusted
    return out


def benjamini_hochberg(pvalues) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate): the k-th smallest of m is
    multiplied by m / k, then made non-decreasing from the largest down. NaNs stay NaN."""
    p = np.asarray(pvalues, dtype=float)
    out, ok = np.full(p.shape, np.nan), ~np.isnan(p)
    m = int(ok.sum())
    order = np.argsort(p[ok])[::-1]  # largest first
    steps = np.minimum.accumulate(p[ok][order] * m / (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(steps, 1.0)
    out[ok] = adjusted
    return out


def family_counts(stats: pd.DataFrame, family: str, level: float = LEVEL) -> str:
    """How many comparisons of a family read one by one have an interval above and below 0,
    and how many survive Holm over the family (``stats``: one row per comparison with ``mean``,
    ``lo``, ``hi`` and ``p_holm``)."""
    alpha, m = 1 - level, len(stats)
    up, down = stats["mean"] > 0, stats["mean"] < 0
    held = stats["p_holm"] < alpha
    return (
        f"CI above 0 in {(stats.lo > 0).sum()} of {m} {family}, below 0 in {(stats.hi < 0).sum()}"
        f"; Holm over the {m} {family}: above 0 in {(held & up).sum()}, below 0 in "
        f"{(held & down).sum()}"
    )


def quarter_time(df: pd.DataFrame) -> pd.Series:
    """Calendar time in years (2025.0 is 2025Q1) from the model table's year and quarter."""
    return df["year"] + (df["quarter"] - 1) / 4


def save(fig, data: pd.DataFrame, name: str, sweep: Sweep, out_dir: Path, headline: dict) -> Path:
    """Write ``<name>.png``, ``<name>.csv`` (the plotted numbers) and ``<name>.json`` (the
    manifest) into ``out_dir``; returns the PNG's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    png = out_dir / f"{name}.png"
    atomic_write(png, lambda p: fig.savefig(p, dpi=130, bbox_inches="tight", format="png"))
    plt.close(fig)
    atomic_write(out_dir / f"{name}.csv", lambda p: data.to_csv(p, index=False))
    config = sweep.meta.get("file")
    manifest = {
        "figure": png.name,
        "data": f"{name}.csv",
        "experiment": sweep.meta.get("experiment"),
        "title": sweep.meta.get("title"),
        "quick": sweep.meta.get("quick"),
        "experiment_config": f"configs/experiment/{config}" if config else None,
        "sweeper_params": sweep.meta.get("sweeper_params"),
        "overrides": sweep.meta.get("overrides"),
        "columns": sweep.meta.get("columns"),
        "sweep_generation": sweep.meta.get("generation"),
        "runs": sweep.meta.get("finished"),
        "failed": sweep.meta.get("failed"),
        "missing": sweep.meta.get("missing"),
        "seeds": sweep.meta.get("seeds"),
        "confidence_level": LEVEL,
        "headline": headline,
        "package": {"name": "regcomp-sim", "version": sim.__version__},
        "git_revision": git_revision(),
        "sweep_git_revision": sweep.meta.get("git_revision"),
        "drawn_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    atomic_write(
        out_dir / f"{name}.json",
        lambda p: p.write_text(json.dumps(manifest, indent=1, default=str)),
    )
    return png

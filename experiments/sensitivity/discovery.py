"""Scenario discovery: PRIM (EMA Workbench) on the ``explore`` stage finds the boxes of
uncertainties and levers in which an outcome of interest happens (WAICO reaches ``members``
states; the poles' rules fragment rather than converge).

PRIM peels the sampled region a little at a time, keeping the points where the outcome happens
denser in the box; every step of that peeling is a candidate box. The box reported is, by a rule
stated here once, the densest box on the peeling trajectory that still holds at least
``MIN_COVERAGE`` of the cases of interest (ties: the larger coverage). Its statistics:

- coverage: the share of all cases of interest that lie in the box;
- density: the share of the box's points that are cases of interest (the base rate is the
  density of the whole sampled region);
- mass: the share of all points in the box;
- per restricted key, its limits and quasi-p-values (a one-sided binomial test: how likely the
  box's density would be if that limit were dropped; small is a limit that matters).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.sensitivity import OUTCOMES
from sim.tools.validate import ConfigError

MIN_COVERAGE = 0.5  # the box rule: the densest box with at least this coverage
MEMBERS = 8  # "WAICO reaches N members" (states, China included)


def _prim():
    """EMA Workbench's PRIM, imported on first use (the package is slow to load) with its
    import warnings and info logging silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


@dataclass
class Box:
    """One PRIM box chosen on its peeling trajectory."""

    name: str
    base_rate: float  # share of cases of interest over the whole sample
    cases: int
    points: int
    index: int  # the chosen step of the peeling trajectory
    coverage: float
    density: float
    mass: float
    limits: pd.DataFrame  # key, min, max, qp_lower, qp_upper, range_min, range_max
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per step

    def text(self) -> str:
        """The box in one line, e.g. ``coverage 0.62, density 0.81 (base rate 0.23), mass
        0.18: waico.weight_distrust in [0.1, 0.4] (qp 1e-05)``."""
        head = (
            f"coverage {self.coverage:.2f}, density {self.density:.2f} (base rate "
            f"{self.base_rate:.2f}), mass {self.mass:.2f}"
        )
        if self.limits.empty:
            return head + ": no restriction (PRIM found no box denser than the whole region)"
        return head + ": " + "; ".join(_limit_text(r) for r in self.limits.itertuples())


def _limit_text(r) -> str:
    """One restricted key: only the side PRIM restricted (``a >= 0.7``), or both."""
    qp = np.nanmin([r.qp_lower, r.qp_upper])
    if not isinstance(r.min, int | float):  # a categorical lever: the kept categories
        return f"{r.key} in {r.min} (qp {qp:.1g})"
    low, high = r.min > r.range_min, r.max < r.range_max
    if low and not high:
        return f"{r.key} >= {r.min:.3g} (qp {qp:.1g})"
    if high and not low:
        return f"{r.key} <= {r.max:.3g} (qp {qp:.1g})"
    return f"{r.key} in [{r.min:.3g}, {r.max:.3g}] (qp {qp:.1g})"


def choose(trajectory: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> int:
    """The box rule: the densest step with coverage at least ``min_coverage``, ties to the
    larger coverage; the first step (the whole region) where none reaches it."""
    ok = trajectory[trajectory["coverage"] >= min_coverage]
    if ok.empty:
        return 0
    best = ok.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(best.index[0])


def find_box(
    x: pd.DataFrame,
    y: np.ndarray,
    name: str = "",
    min_coverage: float = MIN_COVERAGE,
    threshold: float = 0.5,
    peel_alpha: float = 0.05,
) -> Box:
    """PRIM's first box for the cases ``y`` (booleans) over the columns of ``x``, chosen on its
    peeling trajectory by ``choose``."""
    y = np.asarray(y, bool)
    if len(x) != len(y) or len(y) < 10:
        raise ConfigError(f"scenario discovery {name!r}: needs 10 or more points with outcomes")
    if y.all() or not y.any():
        which = "every" if y.all() else "no"
        raise ConfigError(f"scenario discovery {name!r}: {which} point has the outcome (no box)")
    x = x.reset_index(drop=True).apply(
        lambda c: c.astype("category") if c.dtype == object else c.astype(float)
    )
    prim = _prim()
    with warnings.catch_warnings():  # EMA's own deprecation warnings from pandas
        warnings.filterwarnings("ignore", module="ema_workbench")
        box = prim.Prim(x, y, threshold=threshold, peel_alpha=peel_alpha).find_box()
        traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
        i = choose(traj, min_coverage)
        stats, lims = box.inspect(i, style="data")[0]
    lims.columns = ["min", "max", "qp_lower", "qp_upper"]
    lims = lims.rename_axis("key").reset_index()
    qp = lims[["qp_lower", "qp_upper"]].min(axis=1)
    lims = lims.iloc[np.argsort(qp.to_numpy(), kind="stable")].reset_index(drop=True)
    numeric = x.select_dtypes("number")
    lims["range_min"] = lims["key"].map(numeric.min())
    lims["range_max"] = lims["key"].map(numeric.max())
    return Box(
        name,
        float(y.mean()),
        int(y.sum()),
        len(y),
        i,
        float(stats["coverage"]),
        float(stats["density"]),
        float(stats["mass"]),
        lims,
        traj,
    )


def sampled_keys(points: pd.DataFrame, exclude=()) -> list[str]:
    """The explore stage's columns that vary and are neither bookkeeping nor outcomes."""
    skip = {"stage", "point", "seed", "fragmentation_change", *OUTCOMES, *exclude}
    explore = points[points["stage"] == "explore"]
    return [c for c in explore.columns if c not in skip and explore[c].nunique(dropna=True) > 1]


def discover(
    points: pd.DataFrame,
    keys: list[str] | None = None,
    members: int = MEMBERS,
    min_coverage: float = MIN_COVERAGE,
) -> dict[str, Box | str]:
    """The two questions of E7's scenario discovery on the ``explore`` stage: where WAICO
    reaches ``members`` states (``waico_members``), and where the poles fragment
    (``fragmentation_change`` > 0). ``keys``: the columns to box (default ``sampled_keys``).
    A question PRIM cannot answer (no case, or only cases) gets the line saying why."""
    explore = points[points["stage"] == "explore"]
    keys = keys or sampled_keys(points)
    cases = {
        f"WAICO reaches {members} members": ("waico_members", lambda v: v >= members),
        "the poles fragment": ("fragmentation_change", lambda v: v > 0),
    }
    out = {}
    for name, (col, rule) in cases.items():
        if col not in explore.columns:
            raise ConfigError(f"scenario discovery: the points table has no column {col!r}")
        rows = explore[explore[col].notna()]
        try:
            out[name] = find_box(rows[keys], rule(rows[col]).to_numpy(), name, min_coverage)
        except ConfigError as exc:  # one question without a box leaves the other's
            out[name] = str(exc)
    return out

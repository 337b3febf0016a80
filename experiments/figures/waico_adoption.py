"""E4: WAICO adoption (MODEL.md §8, question 4): under which conditions does WAICO gain members,
and how much does its headquarters matter?"""

from __future__ import annotations

from dataclasses import fields

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.figures.common import Sweep, band, diff_ci, mean_ci, quarter_time
from sim.config.institutions import WaicoConfig

HQS = {
    "waico_shanghai": "Shanghai",
    "waico_hk_cohost": "Shanghai + Hong Kong",
    "waico_singapore": "Singapore",
}
WD, UP = "waico.weight_distrust", "waico.us_pressure"
DEFAULT = {f"waico.{f.name}": f.default for f in fields(WaicoConfig)}
VARS = {"waico_members": ("members", "WAICO members (states)", "{:.1f}"),
        "waico_gdp_share": ("GDP share", "members' share of world GDP", "{:.2f}")}


def default_cell(runs: pd.DataFrame) -> tuple[float, float, bool]:
    """The swept cell nearest the model's defaults (distrust, then pressure, low first on ties)
    and whether it is the default itself."""
    cells = runs[[WD, UP]].drop_duplicates().sort_values([WD, UP]).reset_index(drop=True)
    dist = (cells[WD] - DEFAULT[WD]).abs() + (cells[UP] - DEFAULT[UP]).abs()
    wd, up = cells.loc[dist.idxmin()]
    return float(wd), float(up), bool(dist.min() < 1e-9)


def in_cell(df: pd.DataFrame, wd: float, up: float) -> pd.DataFrame:
    return df[np.isclose(df[WD], wd) & np.isclose(df[UP], up)]


def curves(ax, model: pd.DataFrame, col: str) -> list[pd.DataFrame]:
    """Mean path and band of ``col`` per headquarters; returns the plotted statistics."""
    rows = []
    for scen, name in HQS.items():
        frame = model[model.scenario == scen].assign(t=quarter_time)
        if frame.empty:
            continue
        stats = mean_ci(frame, ["t"], col)
        band(ax, stats, "t", name)
        rows.append(stats.assign(scenario=scen, variable=col, panel="time path"))
    ax.set(xlabel="year", ylabel=VARS[col][1])
    return rows


def heatmaps(fig, axes, runs: pd.DataFrame, col: str, cell: tuple) -> list[pd.DataFrame]:
    """Mean final ``col`` over weight_distrust x us_pressure, one map per headquarters."""
    stats = mean_ci(runs, ["scenario", WD, UP], f"final_{col}")
    wds, ups = sorted(stats[WD].unique()), sorted(stats[UP].unique())
    vmin, vmax = stats["mean"].min(), stats["mean"].max()
    for ax, (scen, name) in zip(axes, HQS.items(), strict=True):
        s = stats[stats.scenario == scen].pivot(index=WD, columns=UP, values="mean")
        grid = s.reindex(index=wds, columns=ups).to_numpy()
        im = ax.imshow(grid, origin="lower", cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
        for (i, j), v in np.ndenumerate(grid):
            light = v < vmin + 0.6 * (vmax - vmin)
            ax.text(j, i, VARS[col][2].format(v), ha="center", va="center", fontsize=8,
                    color="white" if light else "black")
        ax.add_patch(plt.Rectangle((ups.index(cell[1]) - 0.5, wds.index(cell[0]) - 0.5), 1, 1,
                                   fill=False, ec="red", lw=2))
        ax.set_xticks(range(len(ups)), [f"{u:g}" for u in ups])
        ax.set_yticks(range(len(wds)), [f"{w:g}" for w in wds])
        ax.set(xlabel="US pressure (utility per unit US alignment)", title=f"{name}: final",
               ylabel="weight of distrust (utility)" if scen == "waico_shanghai" else None)
    fig.colorbar(im, ax=list(axes), shrink=0.9, label=f"final {VARS[col][0]} (mean)")
    return [stats.assign(variable=f"final_{col}", panel="grid")]


def fmt(d: tuple[float, float, float], digits: str = ".2f") -> str:
    return "{:+{d}} [{:{d}}, {:{d}}]".format(*d, d=digits)


def hq_effects(runs: pd.DataFrame, col: str) -> dict[str, str]:
    """Paired (same replicate seed) hq effects on final ``col``: at each cell, and over the grid."""
    out = {}
    for scen in ("waico_hk_cohost", "waico_singapore"):
        up = down = total = 0
        for _, frame in runs.groupby([WD, UP]):
            by = frame.set_index(["scenario", "replicate"])[f"final_{col}"]
            if scen not in by.index or "waico_shanghai" not in by.index:
                continue
            a, b = by.loc[scen], by.loc["waico_shanghai"]
            _, lo, hi = diff_ci(a, b.loc[a.index])
            total, up, down = total + 1, up + (lo > 0), down + (hi < 0)
        out[f"{HQS[scen]} minus Shanghai, final {VARS[col][0]}, over the grid"] = (
            f"above 0 (CI) in {up} of {total} cells, below 0 in {down}"
        )
    return out


def draw(sweep: Sweep):
    """E4: WAICO membership per headquarters over time and over the utility-weight grid.

    Args:
        sweep: the aggregated ``waico_adoption`` sweep (tables ``model`` and ``runs``).

    Returns:
        The figure, the plotted statistics (time paths at the default cell and the grid's cell
        means, with 95% CIs) and headline numbers: final members and GDP share per headquarters
        at the default cell, the grid's range, and how often the hq effect holds across the grid.
    """
    model, runs = sweep.table("model"), sweep.table("runs")
    wd, up, exact = default_cell(runs)
    where = f"weight_distrust {wd:g}, us_pressure {up:g}" + ("" if exact else " (nearest cell to "
                                                         f"the default {DEFAULT[WD]:g}, {DEFAULT[UP]:g})")
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.5), gridspec_kw={"width_ratios": [1.4, 1, 1, 1]})
    rows, headline = [], {"cell of the time paths": where}
    for r, col in enumerate(VARS):
        rows += [s.assign(**{WD: wd, UP: up}) for s in curves(axes[r, 0], in_cell(model, wd, up), col)]
        rows += heatmaps(fig, axes[r, 1:], runs, col, (wd, up))
        last = in_cell(runs, wd, up).set_index(["scenario", "replicate"])[f"final_{col}"]
        for scen, name in HQS.items():
            m = mean_ci(last.loc[[scen]].reset_index(), ["scenario"], f"final_{col}").iloc[0]
            headline[f"final {VARS[col][0]}, {name}"] = "{:.2f} [{:.2f}, {:.2f}]".format(
                m["mean"], m.lo, m.hi)
        for scen in ("waico_hk_cohost", "waico_singapore"):
            a, b = last.loc[scen], last.loc["waico_shanghai"]
            headline[f"{HQS[scen]} minus Shanghai, final {VARS[col][0]}"] = fmt(diff_ci(a, b.loc[a.index]))
        grid = mean_ci(runs, ["scenario", WD, UP], f"final_{col}")
        headline[f"final {VARS[col][0]} over the grid (cell means)"] = ", ".join(
            f"{HQS[s]} {g['mean'].min():.2f} to {g['mean'].max():.2f}" for s, g in grid.groupby("scenario"))
        headline |= hq_effects(runs, col)
    axes[0, 0].legend(frameon=False, title="headquarters")
    axes[0, 0].set_title(f"time path at {wd:g}, {up:g} (red box)")
    fig.suptitle(f"E4  WAICO adoption by headquarters (mean, 95% CI over seeds; paths at {where})")
    return fig, pd.concat(rows, ignore_index=True), headline

"""E4: WAICO adoption (MODEL.md §8, question 4): under which conditions does WAICO gain members,
and how much does its headquarters matter?"""

from __future__ import annotations

from dataclasses import fields
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.figures.common import (
    LEVEL,
    Sweep,
    band,
    ci_text,
    diff_ci,
    diff_p,
    family_counts,
    holm,
    mean_ci,
    quarter_time,
)
from sim.config.institutions import WaicoConfig

HQS = {
    "waico_shanghai": "Shanghai",
    "waico_hk_cohost": "Shanghai + HK",
    "waico_singapore": "Singapore",
}
PAIRS = [(b, a) for a, b in combinations(HQS, 2)]  # (hq, reference) pairs
# the swept keys waico.weight_distrust and waico.us_pressure as columns
WD, UP = "waico_weight_distrust", "waico_us_pressure"
DEFAULT = {f"waico_{f.name}": f.default for f in fields(WaicoConfig)}
VARS = {
    "waico_members": ("members", "WAICO members, incl. China (states)"),
    "waico_gdp_share": ("GDP share", "members' share of world GDP"),
}
FINAL = "final_waico_members"
CI = ["mean", "lo", "hi"]


def default_cell(runs: pd.DataFrame) -> tuple[float, float, str]:
    """The swept cell nearest the model's defaults (ties: lower values first) and its name."""
    cells = runs[[WD, UP]].drop_duplicates().sort_values([WD, UP]).reset_index(drop=True)
    dist = (cells[WD] - DEFAULT[WD]).abs() + (cells[UP] - DEFAULT[UP]).abs()
    wd, up = cells.loc[dist.idxmin()]
    where = f"weight_distrust {wd:g}, us_pressure {up:g}"
    if dist.min() > 1e-9:
        where += f" (nearest cell to the default {DEFAULT[WD]:g}, {DEFAULT[UP]:g})"
    return float(wd), float(up), where


def in_cell(df: pd.DataFrame, wd: float, up: float) -> pd.DataFrame:
    return df[np.isclose(df[WD], wd) & np.isclose(df[UP], up)]


def curves(ax, model: pd.DataFrame, col: str) -> list[pd.DataFrame]:
    """Mean path and band of ``col`` per headquarters; returns the plotted statistics."""
    rows = []
    for scen, name in HQS.items():
        frame = model[model.scenario == scen].assign(t=quarter_time)
        if not frame.empty:
            stats = mean_ci(frame, ["t"], col, floor=0)  # members, GDP share
            band(ax, stats, "t", name)
            rows.append(stats.assign(scenario=scen, variable=col, panel="time path"))
    ax.set(xlabel="year", ylabel=VARS[col][1])
    return rows


def paired(runs: pd.DataFrame, a: str, b: str, col: str = FINAL) -> pd.DataFrame:
    """Per grid cell: ``col`` of hq ``a`` minus hq ``b``, paired by replicate seed, with its 95%
    interval, its paired t test's p-value and, for reading the grid cell by cell, that p-value
    adjusted by Holm over the grid's cells (``p_holm``: family-wise 5%)."""
    rows = []
    for (wd, up), frame in runs.groupby([WD, UP]):
        by = frame.set_index(["scenario", "replicate"])[col].sort_index()
        if a in by.index and b in by.index:
            x, y = by.loc[a], by.loc[b].loc[by.loc[a].index]
            d, lo, hi = diff_ci(x, y)
            rows.append({WD: wd, UP: up, "mean": d, "lo": lo, "hi": hi, "p": diff_p(x, y)}
                        | {"n": len(x)})  # fmt: skip
    out = pd.DataFrame(rows, columns=[WD, UP, "mean", "lo", "hi", "p", "n"])
    out["p_holm"] = holm(out.p)
    return out.assign(scenario=f"{a} - {b}", variable=f"{col} difference")


def heatmap(ax, stats: pd.DataFrame, cell: tuple, diff: bool = False, **style):
    """One grid map of ``stats['mean']``, annotated; with ``diff``, ``*`` marks a difference
    that holds family-wise (Holm over the grid's cells, 5%)."""
    wds, ups = sorted(stats[WD].unique()), sorted(stats[UP].unique())
    grid = stats.pivot(index=WD, columns=UP, values="mean").reindex(index=wds, columns=ups)
    fw = stats.p_holm < 1 - LEVEL if diff else False
    sig = stats.assign(s=fw).pivot(index=WD, columns=UP, values="s")
    im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", **style)
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        text = f"{v:+.1f}{'*' * bool(sig.iloc[i, j])}" if diff else f"{v:.1f}"
        dark = abs(v) > 0.6 * style["vmax"] if diff else v < 0.6 * style["vmax"]
        ax.text(j, i, text, ha="center", va="center", fontsize=8, color="wk"[not dark])
    x, y = ups.index(cell[1]) - 0.5, wds.index(cell[0]) - 0.5
    ax.add_patch(plt.Rectangle((x, y), 1, 1, fill=False, ec="red", lw=2))
    ax.set_xticks(range(len(ups)), [f"{u:g}" for u in ups])
    ax.set_yticks(range(len(wds)), [f"{w:g}" for w in wds])
    ax.set_xlabel("US pressure (utility)")
    return im


def grid_maps(fig, axes, runs: pd.DataFrame, cell: tuple) -> list[pd.DataFrame]:
    """Row 1: final members per hq; row 2: paired hq differences (* = holds family-wise,
    Holm over the cells)."""
    levels = mean_ci(runs, ["scenario", WD, UP], FINAL, floor=0)
    diffs = [paired(runs, a, b) for a, b in PAIRS]
    top = levels["mean"].max()
    lim = max([abs(d["mean"]).max() for d in diffs if not d.empty] + [0.5])
    for ax, (scen, name) in zip(axes[0], HQS.items(), strict=True):
        im = heatmap(ax, levels[levels.scenario == scen], cell, cmap="viridis", vmin=0, vmax=top)
        ax.set_title(f"final members: {name}")
    fig.colorbar(im, ax=list(axes[0]), shrink=0.9, label="final members (mean)")
    for ax, d, (a, b) in zip(axes[1], diffs, PAIRS, strict=True):
        if not d.empty:
            im = heatmap(ax, d, cell, True, cmap="RdBu", vmin=-lim, vmax=lim)
        ax.set_title(f"{HQS[a]} minus {HQS[b]}")
    fig.colorbar(im, ax=list(axes[1]), shrink=0.9, label="difference in final members")
    for ax in axes[:, 0]:
        ax.set_ylabel("weight of distrust (utility)")
    return [levels.assign(variable=FINAL, panel="grid"), *(d.assign(panel="grid") for d in diffs)]


def cell_headline(runs: pd.DataFrame, wd: float, up: float) -> dict[str, str]:
    """Final members and GDP share per hq at the cell, and the paired hq differences there."""
    cell, out = in_cell(runs, wd, up), {}
    for col, (short, _) in VARS.items():
        m = mean_ci(cell, ["scenario"], f"final_{col}").set_index("scenario")
        for scen, name in HQS.items():
            out[f"final {short}, {name}"] = ci_text(*m.loc[scen, CI], ".2f", floor=0)
        for a, b in PAIRS[:2]:
            d = paired(cell, a, b, f"final_{col}").iloc[0][CI]
            out[f"{HQS[a]} minus {HQS[b]}, final {short}"] = ci_text(*d, "+.2f")
    return out


def grid_headline(data: pd.DataFrame) -> dict[str, str]:
    """The grid's range per hq and in how many cells each hq difference is significant."""
    grid = data[data.panel == "grid"]
    lv = grid[grid.variable == FINAL].groupby("scenario")["mean"].agg(["min", "max"])
    rng = [
        f"{HQS[s]} {r['min']:.1f} to {r['max']:.1f}" for s, r in lv.reindex(HQS).dropna().iterrows()
    ]
    out = {"final members over the grid (cell means)": ", ".join(rng)}
    for a, b in PAIRS[:2]:
        d = grid[grid.scenario == f"{a} - {b}"]
        out[f"{HQS[a]} minus {HQS[b]}, final members over the grid"] = (
            f"cell means {d['mean'].min():+.1f} to {d['mean'].max():+.1f}; "
            + family_counts(d, "cells")
        )
    return out


def draw(sweep: Sweep):
    """E4: WAICO membership per headquarters over time and over the utility-weight grid.

    Args:
        sweep: the aggregated ``waico_adoption`` sweep (tables ``model`` and ``runs``).

    Returns:
        The figure, the plotted statistics (time paths at the default cell; the grid's cell means
        and paired hq differences, with 95% CIs) and headline numbers: final members and GDP
        share per headquarters at the default cell, the grid's range, and in how many cells the
        hq effect holds.
    """
    model, runs = sweep.table("model"), sweep.table("runs")
    wd, up, where = default_cell(runs)
    fig, axes = plt.subplots(
        2, 4, figsize=(17, 8.5), width_ratios=[1.4, 1, 1, 1], layout="constrained"
    )
    rows = []
    for ax, col in zip(axes[:, 0], VARS, strict=True):
        rows += [s.assign(**{WD: wd, UP: up}) for s in curves(ax, in_cell(model, wd, up), col)]
        ax.set_title(f"over time, red-boxed cell ({wd:g}, {up:g})")
    axes[0, 0].legend(frameon=False, title="headquarters")
    rows += grid_maps(fig, axes[:, 1:], runs, (wd, up))
    data = pd.concat(rows, ignore_index=True)
    fig.suptitle(
        f"E4  WAICO adoption by headquarters (mean, 95% CI over seeds; * paired "
        f"difference holds family-wise, Holm over the cells; paths at {where})"
    )
    headline = {"cell of the time paths": where, **cell_headline(runs, wd, up)}
    return fig, data, headline | grid_headline(data)

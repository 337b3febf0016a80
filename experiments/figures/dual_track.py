"""E1: China's capability growth and restrictive signal under dual-track and single-track
regulation (MODEL.md §8, question 1)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import Sweep, band, ci_text, diff_ci, mean_ci

NAMES = {"baseline": "dual track (baseline)", "china_single_track": "single track"}


def china(sweep: Sweep) -> pd.DataFrame:
    """China's rows, with capability as growth over the first quarter (%)."""
    st = sweep.table("states")
    cn = st[st.state == "china"].copy()
    start = cn[cn.step == 0].set_index("run").capability
    cn["growth_pct"] = 100 * (cn.capability / cn.run.map(start) - 1)
    return cn


def draw(sweep: Sweep):
    cn = china(sweep)
    panels = [
        ("growth_pct", "capability growth since 2025Q1 (%)"),
        ("R", "restrictiveness R"),
        ("F", "facilitation F"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")
    rows = []
    for ax, (col, ylabel) in zip(axes, panels, strict=True):
        for scen, frame in cn.groupby("scenario"):
            stats = mean_ci(frame, ["step"], col)
            band(ax, stats, "step", NAMES.get(scen, scen))
            rows.append(stats.assign(scenario=scen, variable=col))
        ax.set(xlabel="quarters simulated from 2025Q1", ylabel=ylabel)
    axes[0].legend(frameon=False)
    fig.suptitle("E1  China: dual-track against single-track regulation (mean, 95% CI over seeds)")
    last = cn[cn.step == cn.step.max()].set_index(["scenario", "replicate"]).sort_index()
    dual, single = last.loc["baseline"], last.loc["china_single_track"]
    headline = {
        f"{k}, dual minus single track, last quarter": ci_text(
            *diff_ci(dual[c], single.loc[dual.index, c]), "+.3g"
        )
        for k, c in (("capability growth (pct points)", "growth_pct"), ("R", "R"), ("F", "F"))
    }
    return fig, pd.concat(rows, ignore_index=True), headline

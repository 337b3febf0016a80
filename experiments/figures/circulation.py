"""E3: circulation of facilitative instruments in China, from local invention and imitation up to
central codification and back down to the other localities (MODEL.md §8, question 3; Ma 2024,
Figure 1)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.figures.common import Sweep, band, ci_text, mean_ci

WINDOW = 16  # quarters shown either side of codification
LATER = 8  # the headline's "quarters after codification"
GROUPS = {True: "invented by a locality", False: "from the catalogue"}


def paths(sweep: Sweep) -> pd.DataFrame:
    """One row per codified instrument of China, run and step from the quarter it exists: the
    share of China's localities holding it and the event time ``k`` in quarters since the quarter
    it was codified (the row of step s closes quarter s - 1, so ``k`` = 0 is the codification
    quarter and shows the spread among localities before any adoption from the centre)."""
    ins = sweep.table("instruments")
    cn = ins[(ins.state == "china") & ins.codified_at.notna()]
    last = sweep.table("states").groupby("run").step.max()
    cn = cn[cn.codified_at.astype(int) <= cn.run.map(last) - 1]  # codified within the run
    if cn.empty:
        return pd.DataFrame(columns=["run", "instrument", "origin", "step", "k", "share"])
    size = ins[ins.state == "china"].groupby("run").localities.max()
    keys = ["run", "instrument"]
    meta = cn.groupby(keys)[["origin", "created", "codified_at"]].first().reset_index()
    grid = meta.assign(step=[np.arange(last[r] + 1) for r in meta.run]).explode("step")
    grid = grid[grid.step.astype(int) - 1 >= grid.created]  # a local invention exists from then
    grid = grid.merge(cn[[*keys, "step", "adopters"]], on=[*keys, "step"], how="left")
    grid["share"] = grid.adopters.fillna(0) / grid.run.map(size)
    grid["k"] = grid.step.astype(int) - 1 - grid.codified_at.astype(int)
    grid["origin"] = (grid.origin != "catalogue").map(GROUPS)
    return grid[["run", "instrument", "origin", "step", "k", "share"]]


def _codified_panel(ax, sweep: Sweep) -> pd.DataFrame:
    """Panel A: instruments China's centre has codified so far, over time."""
    st = sweep.table("states")
    stats = mean_ci(st[st.state == "china"], ["step"], "codified_instruments", floor=0)
    band(ax, stats, "step", "China")
    ax.set(xlabel="quarters simulated from 2025Q1", ylabel="codified instruments (count)")
    ax.set_title("A  codification by the centre", loc="left")
    return stats.rename(columns={"step": "x"}).assign(panel="A", group="china")


def _path_panel(ax, p: pd.DataFrame) -> pd.DataFrame:
    """Panel B: adopter share of codified instruments around codification, by origin."""
    ax.set(xlabel="quarters since codification", ylabel="share of China's localities holding it")
    ax.set_title("B  spread before and after codification", loc="left")
    p = p[p.k.abs() <= WINDOW]
    if p.empty:
        ax.text(
            0.5, 0.5, "no instrument codified in these runs", ha="center", transform=ax.transAxes
        )
        return pd.DataFrame(columns=["x", "mean", "n", "lo", "hi", "panel", "group"])
    rows = []
    for group, frame in p.groupby("origin"):
        stats = mean_ci(frame, ["k"], "share", floor=0)
        n = frame.groupby(["run", "instrument"]).ngroups
        band(ax, stats, "k", f"{group} ({n})")
        rows.append(stats.rename(columns={"k": "x"}).assign(panel="B", group=group))
    ax.axvline(0, color="grey", lw=0.6, ls="--")
    ax.set_ylim(0, 1.02)
    ax.legend(frameon=False, loc="upper left", title="instrument-runs")
    return pd.concat(rows, ignore_index=True)


def _share_at(p: pd.DataFrame, k: int) -> str:
    """Mean adopter share ``k`` quarters after codification, all and by origin."""
    at = p[p.k == k]
    if at.empty:
        return "no data (no instrument codified that long before the end)" if k else "none"
    parts = []
    for name, frame in [("all", at), *at.groupby("origin")]:
        s = mean_ci(frame.assign(g=0), ["g"], "share").iloc[0]
        parts.append(f"{name} {ci_text(s['mean'], s.lo, s.hi, '.2f', floor=0)} (n={int(s.n)})")
    return "; ".join(parts)


def _headline(sweep: Sweep, p: pd.DataFrame) -> dict[str, str]:
    st = sweep.table("states")
    cn = st[(st.state == "china")]
    final = cn[cn.step == cn.groupby("run").step.transform("max")]
    s = mean_ci(final.assign(g=0), ["g"], "codified_instruments").iloc[0]
    runs = p.drop_duplicates(["run", "instrument"])
    local = int((runs.origin == GROUPS[True]).sum())
    return {
        "instruments codified per run": ci_text(s["mean"], s.lo, s.hi, floor=0),
        "codified instruments invented by a locality": (
            f"{local} of {len(runs)} ({100 * local / len(runs):.0f}%)" if len(runs) else "none"
        ),
        "adopter share at codification": _share_at(p, 0),
        f"adopter share {LATER} quarters after codification": _share_at(p, LATER),
    }


def draw(sweep: Sweep):
    """Draw E3: codification over time and the path of codified instruments through localities.

    Args:
        sweep: the aggregated ``circulation`` sweep (states and instruments tables).

    Returns:
        The figure, the plotted means and 95% intervals (tidy: ``panel`` A is codified instruments
        against the quarter ``x``; ``panel`` B is the adopter share against quarters since
        codification ``x``, by origin ``group``) and the headline numbers as strings.
    """
    p = paths(sweep)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    data = pd.concat([_codified_panel(axes[0], sweep), _path_panel(axes[1], p)], ignore_index=True)
    headline = _headline(sweep, p)
    fig.suptitle(
        "E3  China: local instruments up to central codification and back down "
        f"(mean, 95% CI; {sweep.table('states').run.nunique()} seed(s))"
    )
    fig.tight_layout()
    return fig, data, headline

"""E6: export controls (MODEL.md §8, question 6): what do US export controls do to China's compute
access and its domestic chip capability over time?"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import Sweep, band, diff_ci, mean_ci, quarter_time

SCENARIOS = {
    "export_controls_relaxed": ("relaxed", "tab:green"),
    "baseline": ("current (baseline)", "black"),
    "export_controls_tight": ("tight", "tab:red"),
}
PANELS = {
    "compute_access": "imported compute access (share of frontier)",
    "chips": "domestic chip capability (share of frontier)",
    "chip_investment": "domestic chip investment (USD bn / quarter)",
    "capability_share": "China's capability share (of all 15 states)",
}


def china(sweep: Sweep) -> pd.DataFrame:
    """China's rows of the states table with calendar time and its capability share."""
    model, st = sweep.table("model"), sweep.table("states")
    cn = st[st.state == "china"].merge(
        model[["run", "step", "year", "quarter", "capability_share_china"]], on=["run", "step"]
    )
    return cn.assign(t=quarter_time(cn), capability_share=cn.capability_share_china)


def final_effects(last: pd.DataFrame) -> dict[str, str]:
    """Final-quarter means per scenario and the paired (same seed) differences from baseline."""
    out = {}
    for col in PANELS:
        out[f"final {col}"] = ", ".join(
            f"{name} {last.loc[s, col].mean():.3g}"
            for s, (name, _) in SCENARIOS.items()
            if s in last.index
        )
        base = last.loc["baseline", col]
        for scen in ("export_controls_tight", "export_controls_relaxed"):
            d = diff_ci(last.loc[scen, col], base.loc[last.loc[scen].index])
            out[f"{col}, {SCENARIOS[scen][0]} minus baseline"] = "{:+.3g} [{:.3g}, {:.3g}]".format(*d)
    return out


def substitution(last: pd.DataFrame) -> str:
    """Whether domestic chips end higher under tighter controls than in the baseline."""
    tight = last.loc["export_controls_tight", "chips"]
    d, lo, hi = diff_ci(tight, last.loc["baseline", "chips"].loc[tight.index])
    if lo > 0:
        return f"yes: tight controls raise China's final domestic chips by {d:+.3g} [{lo:.3g}, {hi:.3g}]"
    if hi < 0:
        return f"no, the reverse: tight controls lower final domestic chips by {d:+.3g}"
    return f"not detectable: tight minus baseline chips {d:+.3g} [{lo:.3g}, {hi:.3g}] includes 0"


def draw(sweep: Sweep):
    """E6: China's compute access, domestic chips and capability under three export-control
    regimes.

    Args:
        sweep: the aggregated ``export_controls`` sweep (tables ``model`` and ``states``).

    Returns:
        The figure, the plotted statistics (per scenario, variable and quarter: mean, n and 95%
        CI over seeds) and headline numbers: final values per scenario, the tight- and
        relaxed-minus-baseline differences (paired by seed) and whether chips substitute.
    """
    cn = china(sweep)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4.2 * len(PANELS), 3.8))
    rows = []
    for ax, (col, ylabel) in zip(axes, PANELS.items(), strict=True):
        for scen, (name, colour) in SCENARIOS.items():
            frame = cn[cn.scenario == scen]
            if frame.empty:
                continue
            stats = mean_ci(frame, ["t"], col)
            band(ax, stats, "t", name, color=colour)
            rows.append(stats.assign(scenario=scen, variable=col))
        ax.set(xlabel="year", ylabel=ylabel)
    axes[0].legend(frameon=False, title="US export controls")
    fig.suptitle("E6  China under US export controls (mean, 95% CI over seeds)")
    last = cn[cn.step == cn.step.max()].set_index(["scenario", "replicate"]).sort_index()
    headline = final_effects(last) | {"domestic chips substitute for denied imports": substitution(last)}
    fig.tight_layout()
    return fig, pd.concat(rows, ignore_index=True), headline

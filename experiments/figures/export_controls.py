"""E6: export controls (MODEL.md §8, question 6): what do US export controls do to China's compute
access and its domestic chip capability over time? Each regime is run with the efficiency channel
(firms shift R&D to algorithmic efficiency when compute is cut; ODD 7.14) on and off, so the
figure shows both readings: solid lines with it, dashed without."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.figures.common import (
    Sweep,
    band,
    ci_text,
    diff_ci,
    diff_p,
    holm,
    mean_ci,
    quarter_time,
)

SCENARIOS = {
    "export_controls_relaxed": ("relaxed", "tab:green"),
    "baseline": ("current (baseline)", "black"),
    "export_controls_tight": ("tight", "tab:red"),
}
PANELS = {
    "compute_access": "imported compute access (share of frontier)",
    "chips": "domestic chip capability (share of frontier)",
    "effective_access": "effective compute: imports + domestic\nsubstitutes (share of frontier)",
    "chip_investment": "domestic chip investment (USD bn / quarter)",
    "capability": "China's capability K (model units, sum over firms)",
    "capability_share": "China's capability share (of all 15 states)",
    "efficiency": "China's algorithmic efficiency (1 = 2025)",
    "frontier_gap": "US-China frontier gap\n1 - frontier China / frontier US",
}
DIRECTIONS = ("export_controls_tight", "export_controls_relaxed")  # each against the baseline
# panels where the run without the efficiency channel is drawn too (dashed)
BOTH = ("effective_access", "capability", "capability_share", "efficiency", "frontier_gap")


def china(sweep: Sweep) -> pd.DataFrame:
    """China's rows of the states table with calendar time and capability share."""
    model, st = sweep.table("model"), sweep.table("states")
    cols = ["run", "step", "year", "quarter", "capability_share_china", "frontier_gap_us_china"]
    cn = st[st.state == "china"].merge(model[cols], on=["run", "step"])
    on = cn["firms_efficiency"].astype(bool) if "firms_efficiency" in cn else True
    return cn.assign(
        t=quarter_time(cn),
        efficiency_on=on,
        capability_share=cn.capability_share_china,
        frontier_gap=cn.frontier_gap_us_china,
        # chip investment is first computed in step 1; step 0 holds its initial 0
        chip_investment=cn.chip_investment.where(cn.step > 0, np.nan),
    )


def final_effects(last: pd.DataFrame) -> dict[str, str]:
    """Final-quarter means per scenario and the paired (same seed) differences from baseline."""
    out = {}
    for col in PANELS:
        means = last[col].groupby(level="scenario").mean()
        out[f"final {col}"] = ", ".join(
            f"{SCENARIOS[s][0]} {means[s]:.3g}" for s in SCENARIOS if s in means
        )
        base = last.loc["baseline", col]
        pairs = {s: (last.loc[s, col], base.loc[last.loc[s].index]) for s in DIRECTIONS}
        # the two directions are one family: a reader compares them, so Holm over the two
        adjusted = holm([diff_p(*xy) for xy in pairs.values()])
        for (scen, xy), q in zip(pairs.items(), adjusted, strict=True):
            out[f"{col}, {SCENARIOS[scen][0]} minus baseline"] = (
                f"{ci_text(*diff_ci(*xy), '+.3g')}; Holm p (2 directions) {q:.2g}"
            )
    return out


def substitution(last: pd.DataFrame) -> str:
    """Whether domestic chips end higher under tight controls, and how much of the lost imported
    compute domestic chips make up (all of them, and the extra chips the controls induced)."""
    tight = last.loc["export_controls_tight"]
    base = last.loc["baseline"].loc[tight.index]
    d, lo, hi = diff_ci(tight.chips, base.chips)
    lost = (base.compute_access - tight.compute_access).mean()
    made_up = 1 - (base.effective_access - tight.effective_access).mean() / lost
    # domestic chips' part of effective access is proportional to chips (ODD 7.5), so the part
    # owed to the extra chips the controls induced is that share of it
    domestic = tight.effective_access - tight.compute_access
    induced = (domestic * (tight.chips - base.chips) / tight.chips).mean() / lost
    verdict = "yes" if lo > 0 else "no, the reverse" if hi < 0 else "not detectable"
    return (
        f"{verdict}: tight minus baseline chips {ci_text(d, lo, hi, '+.3g')}; domestic chips "
        f"make up {made_up:.0%} of the lost imported compute, {induced:.0%} from chips induced "
        "by the controls"
    )


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
    fig, axes = plt.subplots(2, 4, figsize=(18, 7.5), layout="constrained")
    rows = []
    for ax, (col, ylabel) in zip(axes.flat, PANELS.items(), strict=True):
        for scen, (name, colour) in SCENARIOS.items():
            for on in (True, False) if col in BOTH else (True,):
                frame = cn[(cn.scenario == scen) & (cn.efficiency_on == on) & cn[col].notna()]
                if frame.empty:
                    continue
                stats = mean_ci(frame, ["t"], col)
                label = name if on else f"{name}, no efficiency channel"
                band(ax, stats, "t", label, color=colour, linestyle="-" if on else "--")
                rows.append(stats.assign(scenario=scen, efficiency=on, variable=col))
        ax.set(xlabel="year", ylabel=ylabel)
    axes[0, 0].legend(frameon=False, title="US export controls")
    axes[1, 2].legend(frameon=False, fontsize="small")
    fig.suptitle(
        "E6  China under US export controls (mean, 95% CI over seeds; dashed: without the "
        "efficiency channel, whose strength is assumed)"
    )
    final = cn[cn.step == cn.step.max()]
    last = final[final.efficiency_on].set_index(["scenario", "replicate"]).sort_index()
    headline = final_effects(last)
    headline["domestic chips substitute for denied imports"] = substitution(last)
    off = final[~final.efficiency_on].set_index(["scenario", "replicate"]).sort_index()
    if not off.empty:
        for col in ("capability_share", "frontier_gap"):
            d = diff_ci(
                off.loc["export_controls_tight", col],
                off.loc["baseline", col].loc[off.loc["export_controls_tight"].index],
            )
            headline[f"{col}, tight minus baseline, without the efficiency channel"] = ci_text(
                *d, "+.3g"
            )
    return fig, pd.concat(rows, ignore_index=True), headline

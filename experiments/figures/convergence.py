"""E5: convergence or fragmentation (MODEL.md §8, question 5): do the three poles' rules converge
or fragment over time, and how does the US export package pull Asian states?"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import Sweep, band, diff_ci, mean_ci, quarter_time

WORLDS = {
    "baseline": ("baseline", "black"),
    "fragmentation": ("fragmentation world", "tab:red"),
    "convergence": ("convergence world", "tab:blue"),
}
LEVERS = {
    "us_deregulation": "US deregulation",
    "us_export_package": "US export package",
    "export_controls_tight": "tight export controls",
    "eu_strict_enforcement": "strict EU enforcement",
    "waico_shanghai": "WAICO in Shanghai",
    "waico_us_counter": "WAICO + US counter",
}
ASIA = ["japan", "south_korea", "taiwan", "singapore", "india", "asean"]
STANCES = {"R": ("restrictiveness R", "tab:red"), "F": ("facilitation F", "tab:green"),
           "alignment_us": ("US alignment", "tab:blue")}


def paths(ax, model: pd.DataFrame) -> list[pd.DataFrame]:
    """Panel A: fragmentation over time, bands for the worlds, thin lines for single levers."""
    rows = []
    model = model.assign(t=quarter_time)
    for scen, frame in model.groupby("scenario"):
        stats = mean_ci(frame, ["t"], "fragmentation")
        if scen in WORLDS:
            band(ax, stats, "t", WORLDS[scen][0], color=WORLDS[scen][1], lw=2)
        else:
            ax.plot(stats.t, stats["mean"], lw=0.8, alpha=0.6, label=LEVERS.get(scen, scen))
        rows.append(stats.assign(scenario=scen, variable="fragmentation", panel="A"))
    ax.set(xlabel="year", ylabel="fragmentation index (0-1)", title="A  fragmentation over time")
    ax.legend(frameon=False, fontsize=7)
    return rows


def levers(ax, runs: pd.DataFrame) -> list[dict]:
    """Panel B: each scenario's final fragmentation minus the baseline's, paired by replicate."""
    last = runs.set_index(["scenario", "replicate"]).final_fragmentation.sort_index()
    base = last.loc["baseline"]
    names = {**LEVERS, **{k: v[0] for k, v in WORLDS.items() if k != "baseline"}}
    rows = []
    for scen, name in names.items():
        if scen not in last.index:
            continue
        d, lo, hi = diff_ci(last.loc[scen], base.loc[last.loc[scen].index])
        rows.append({"scenario": scen, "label": name, "mean": d, "lo": lo, "hi": hi,
                     "n": len(last.loc[scen]), "variable": "final fragmentation - baseline",
                     "panel": "B"})
    for y, r in enumerate(rows):
        colour = WORLDS.get(r["scenario"], (None, "tab:gray"))[1]
        ax.errorbar(r["mean"], y, xerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]], fmt="o",
                    color=colour, capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
    ax.set(xlabel="final fragmentation minus baseline (index points)",
           title="B  each lever's effect (2034Q4)")
    return rows


def asia(ax, states: pd.DataFrame) -> list[dict]:
    """Panel C: final-quarter stance of the Asian partners, export package minus baseline."""
    st = states[states.state.isin(ASIA) & (states.step == states.step.max())]
    last = st.set_index(["scenario", "state", "replicate"]).sort_index()
    rows = []
    if "us_export_package" not in last.index.get_level_values(0):
        return rows
    for k, (col, (label, colour)) in enumerate(STANCES.items()):
        for i, s in enumerate(ASIA):
            pkg, base = last.loc[("us_export_package", s), col], last.loc[("baseline", s), col]
            d, lo, hi = diff_ci(pkg, base.loc[pkg.index])
            rows.append({"state": s, "variable": col, "mean": d, "lo": lo, "hi": hi,
                         "n": len(pkg), "scenario": "us_export_package", "panel": "C"})
            ax.errorbar(i + (k - 1) * 0.22, d, yerr=[[d - lo], [hi - d]], fmt="o", color=colour,
                        capsize=2, label=label if i == 0 else None)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(ASIA)), [s.replace("_", " ") for s in ASIA], rotation=30)
    ax.set(ylabel="export package minus baseline (index points)",
           title="C  Asian partners' stance, 2034Q4")
    ax.legend(frameon=False, fontsize=8)
    return rows


def draw(sweep: Sweep):
    """E5: the fragmentation index over time, each lever's effect on it, and the US export
    package's pull on Asian partners.

    Args:
        sweep: the aggregated ``convergence`` sweep (tables ``model``, ``states`` and ``runs``).

    Returns:
        The figure, the plotted statistics (panel A: mean, n and 95% CI per scenario and quarter;
        B and C: paired differences from the baseline with 95% CI) and headline numbers: final
        fragmentation of the baseline and the two worlds, the biggest single lever, and the
        package's effect on the Asian partners' R and F.
    """
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8), gridspec_kw={"width_ratios": [1.3, 1, 1.2]})
    rows = paths(axes[0], sweep.table("model"))
    b, c = levers(axes[1], sweep.table("runs")), asia(axes[2], sweep.table("states"))
    fig.suptitle("E5  Convergence or fragmentation of the poles' rules (mean, 95% CI over seeds)")
    fig.tight_layout()
    data = pd.concat([*rows, pd.DataFrame(b), pd.DataFrame(c)], ignore_index=True)
    return fig, data, headline(sweep.table("runs"), b, c)


def headline(runs: pd.DataFrame, b: list[dict], c: list[dict]) -> dict[str, str]:
    """Final fragmentation per world, the biggest single lever, the package's pull on Asia."""
    stats = mean_ci(runs, ["scenario"], "final_fragmentation").set_index("scenario")
    out = {f"final fragmentation, {name}": "{:.3f} [{:.3f}, {:.3f}]".format(*stats.loc[s, ["mean", "lo", "hi"]])
           for s, (name, _) in WORLDS.items() if s in stats.index}
    single = [r for r in b if r["scenario"] in LEVERS]
    if single:
        top = max(single, key=lambda r: abs(r["mean"]))
        out["biggest single lever on final fragmentation"] = "{}: {:+.3f} [{:.3f}, {:.3f}]".format(
            top["label"], top["mean"], top["lo"], top["hi"])
    for col in ("R", "F"):
        part = [r for r in c if r["variable"] == col]
        out[f"export package effect on Asian {col}, final quarter"] = ", ".join(
            "{} {:+.3f} [{:.3f}, {:.3f}]".format(r["state"], r["mean"], r["lo"], r["hi"]) for r in part
        ) or "not in this sweep"
    return out

"""E5: convergence or fragmentation (MODEL.md §8, question 5): do the three poles' rules converge
or fragment over time, and how does the US export package pull Asian states?"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import (
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

WORLDS = {
    "baseline": ("baseline", "black"),
    "fragmentation": ("fragmentation world", "tab:red"),
    "convergence": ("convergence world", "tab:blue"),
}
LEVERS = {  # the single-module scenarios, each a lever the two worlds bundle
    "us_deregulation": ("US deregulation", "tab:orange"),
    "us_export_package": ("US export package", "tab:olive"),
    "export_controls_tight": ("tight export controls", "tab:brown"),
    "eu_strict_enforcement": ("strict EU enforcement", "tab:purple"),
    "waico_shanghai": ("WAICO in Shanghai", "tab:pink"),
    "waico_us_counter": ("WAICO + US counter", "tab:cyan"),
    "export_controls_relaxed": ("relaxed export controls", "tab:green"),
    "waico_singapore": ("WAICO in Singapore", "tab:gray"),
}
ASIA = ["japan", "south_korea", "taiwan", "singapore", "india", "asean"]
STANCES = {
    "R": ("restrictiveness R", "tab:red"),
    "F": ("facilitation F", "tab:green"),
    "alignment_us": ("US alignment (share)", "tab:blue"),
}


def paths(ax, model: pd.DataFrame) -> list[pd.DataFrame]:
    """Panel A: fragmentation over time, bands for the worlds, thin lines for single levers."""
    rows, model = [], model.assign(t=quarter_time)
    for scen, (name, colour) in {**WORLDS, **LEVERS}.items():
        if scen not in set(model.scenario):
            continue
        stats = mean_ci(model[model.scenario == scen], ["t"], "fragmentation")
        if scen in WORLDS:
            band(ax, stats, "t", name, color=colour, lw=2)
        else:
            ax.plot(stats.t, stats["mean"], color=colour, lw=1, alpha=0.8, label=name)
        rows.append(stats.assign(scenario=scen, variable="fragmentation", panel="A"))
    ax.set(xlabel="year", ylabel="fragmentation index (0-1)", title="A  fragmentation over time")
    ax.legend(frameon=False, fontsize=7, ncol=2)
    return rows


def levers(ax, runs: pd.DataFrame, when: str) -> list[dict]:
    """Panel B: each scenario's final fragmentation minus the baseline's, paired by replicate."""
    last = runs.set_index(["scenario", "replicate"]).final_fragmentation.sort_index()
    rows = []
    for scen, (name, colour) in {**LEVERS, **WORLDS}.items():
        if scen == "baseline" or scen not in last.index:
            continue
        x, y = last.loc[scen], last.loc["baseline"].loc[last.loc[scen].index]
        d, lo, hi = diff_ci(x, y)
        rows.append({"scenario": scen, "label": name, "mean": d, "lo": lo, "hi": hi,
                     "p": diff_p(x, y), "n": len(x), "variable": "final fragmentation - baseline",
                     "panel": "B"})  # fmt: skip
        err = [[d - lo], [hi - d]]
        ax.errorbar(d, len(rows) - 1, xerr=err, fmt="o", color=colour, capsize=3)
    for group in (LEVERS, WORLDS):  # each family read against the baseline: Holm within it
        family = [r for r in rows if r["scenario"] in group]
        for r, q in zip(family, holm([r["p"] for r in family]), strict=True):
            r["p_holm"] = q
    ax.axvline(0, color="black", lw=0.8)
    ax.axhline(sum(r["scenario"] in LEVERS for r in rows) - 0.5, color="grey", lw=0.5, ls=":")
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
    ax.set(xlabel="final fragmentation minus baseline (index points)",
           title=f"B  each lever's effect ({when}; worlds above the line)")  # fmt: skip
    return rows


def asia(ax, states: pd.DataFrame, when: str) -> list[dict]:
    """Panel C: final-quarter stance of the Asian partners, export package minus baseline."""
    st = states[states.state.isin(ASIA) & (states.step == states.step.max())]
    last = st.set_index(["scenario", "state", "replicate"]).sort_index()
    rows = []
    if "us_export_package" in last.index.get_level_values(0):
        for k, (col, (label, colour)) in enumerate(STANCES.items()):
            for i, s in enumerate(ASIA):
                pkg, base = last.loc[("us_export_package", s), col], last.loc[("baseline", s), col]
                d, lo, hi = diff_ci(pkg, base.loc[pkg.index])
                rows.append({"state": s, "variable": col, "mean": d, "lo": lo, "hi": hi})
                ax.errorbar(i + (k - 1) * 0.22, d, yerr=[[d - lo], [hi - d]], fmt="o",
                            color=colour, capsize=2, label=label if i == 0 else None)  # fmt: skip
        rows = [{**r, "n": len(pkg), "scenario": "us_export_package", "panel": "C"} for r in rows]
        ax.legend(frameon=False, fontsize=8)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(ASIA)), [s.replace("_", " ") for s in ASIA], rotation=30)
    ax.set(ylabel="export package minus baseline (points on 0-1 scale)",
           title=f"C  Asian partners' stance, {when}")  # fmt: skip
    return rows


def headline(runs: pd.DataFrame, b: list[dict], c: list[dict]) -> dict[str, str]:
    """Final fragmentation per world, the biggest single lever, the package's pull on Asia."""
    stats = mean_ci(runs, ["scenario"], "final_fragmentation").set_index("scenario")
    out = {
        f"final fragmentation, {name}": ci_text(*stats.loc[s, ["mean", "lo", "hi"]], ".3f", 0)
        for s, (name, _) in WORLDS.items()
        if s in stats.index
    }
    single = [r for r in b if r["scenario"] in LEVERS]
    for r in single:
        out[f"final fragmentation, {r['label']} minus baseline"] = (
            ci_text(r["mean"], r["lo"], r["hi"], "+.3f") + f"; Holm p {r['p_holm']:.2g}"
        )
    if single:
        out["single levers against the baseline"] = family_counts(pd.DataFrame(single), "levers")
        top = max(single, key=lambda r: abs(r["mean"]))
        out["biggest single lever"] = f"{top['label']} ({top['mean']:+.3f})"
    for col in ("R", "F"):
        out[f"export package minus baseline, Asian {col} in the final quarter"] = (
            ", ".join(
                f"{r['state']} " + ci_text(r["mean"], r["lo"], r["hi"], "+.3f")
                for r in c
                if r["variable"] == col
            )
            or "scenario not in this sweep"
        )
    return out


def draw(sweep: Sweep):
    """E5: the fragmentation index over time, each lever's effect on it, and the US export
    package's pull on Asian partners.

    Args:
        sweep: the aggregated ``convergence`` sweep (tables ``model``, ``states`` and ``runs``).

    Returns:
        The figure, the plotted statistics (panel A: mean, n and 95% CI per scenario and quarter;
        B and C: final-quarter differences from the baseline, paired by replicate, with 95% CI)
        and headline numbers: final fragmentation of the baseline and the two worlds, each single
        lever's effect and the biggest, and the package's effect on the Asian partners' R and F.
    """
    runs = sweep.table("runs")
    when = "{}Q{}".format(*runs[["final_year", "final_quarter"]].iloc[0])
    fig, axes = plt.subplots(
        1, 3, figsize=(18, 5), width_ratios=[1.3, 1, 1.2], layout="constrained"
    )
    rows = paths(axes[0], sweep.table("model"))
    b, c = levers(axes[1], runs, when), asia(axes[2], sweep.table("states"), when)
    fig.suptitle("E5  Convergence or fragmentation of the poles' rules (mean, 95% CI over seeds)")
    data = pd.concat([*rows, pd.DataFrame(b), pd.DataFrame(c)], ignore_index=True)
    return fig, data, headline(runs, b, c)

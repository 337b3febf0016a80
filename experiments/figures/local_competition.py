"""E2: the intensity of local competition among China's localities, national capability against
wasted local investment (MODEL.md §8, question 2; Ma 2024, the Henan case)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import (
    Sweep,
    ci_text,
    diff_ci,
    diff_p,
    family_counts,
    holm,
    mean_ci,
)

C = "local_competition"  # the swept key local.competition as a column
B = "local_budget_scale"  # local.budget_scale: the budgets' magnitude is partly assumed
BUDGET_LABELS = {1.0: "budgets x1 (world file)", 10.0: "budgets x10 (assumed, sensitivity)"}
PANELS = {
    "growth_pct": "China's capability growth over the run (%)",
    "waste_bn": "cumulative wasted local spending (USD bn)",
    "waste_share_pct": "wasted share of local spending (%)",
}

FLOOR = {"growth_pct": None, "waste_bn": 0.0, "waste_share_pct": 0.0}  # waste cannot be < 0


def per_run(sweep: Sweep) -> pd.DataFrame:
    """One row per run: China's capability growth (last step against step 0, %), its localities'
    waste summed over the run's quarters (USD bn) and waste over spending for the run (%), with
    its competition level and budget scale (1, the world file's, where a sweep did not vary it)."""
    st = sweep.table("states")
    cn = st[st.state == "china"]
    if B not in cn:
        cn = cn.assign(**{B: 1.0})
    cap = cn.pivot_table(index=["run", C, B], columns="step", values="capability")
    growth = 100 * (cap[cap.columns.max()] / cap[0] - 1)
    m = sweep.table("model")
    m = m[m.step >= 1]  # step 0 is the initial state, not a quarter of the run
    waste = (m.local_spending * m.local_waste_share).fillna(0.0)  # share is NaN without spending
    sums = m.assign(waste=waste).groupby("run")[["waste", "local_spending"]].sum()
    out = growth.rename("growth_pct").reset_index().set_index("run")
    out["waste_bn"] = sums.waste
    out["waste_share_pct"] = 100 * sums.waste / sums.local_spending
    return out.reset_index().merge(m.groupby("run").replicate.first(), on="run")


def _label(b: float) -> str:
    return BUDGET_LABELS.get(float(b), f"budgets x{b:g}")


def _errorbars(ax, stats: pd.DataFrame, x: str, **style) -> None:
    """Means against ``x`` with their confidence intervals as error bars (none for one run)."""
    err = [stats["mean"] - stats["lo"], stats["hi"] - stats["mean"]]
    ax.errorbar(stats[x], stats["mean"], yerr=err, marker="o", capsize=3, **style)


def _tradeoff(ax, gs: pd.DataFrame, ws: pd.DataFrame) -> None:
    """China's capability growth against cumulative waste, one point per competition level and
    one line per budget scale."""
    for b in sorted(gs[B].unique()):
        g, w = gs[gs[B] == b], ws[ws[B] == b]
        xerr = [w["mean"] - w["lo"], w["hi"] - w["mean"]]
        yerr = [g["mean"] - g["lo"], g["hi"] - g["mean"]]
        style = {"marker": "o", "capsize": 3, "ls": ":", "label": _label(b)}
        ax.errorbar(w["mean"], g["mean"], xerr=xerr, yerr=yerr, **style)
        for c, x, y in zip(g[C], w["mean"], g["mean"], strict=True):
            ax.annotate(f"c={c:g}", (x, y), textcoords="offset points", xytext=(5, -11), fontsize=8)
    ax.set(xlabel=PANELS["waste_bn"], ylabel=PANELS["growth_pct"], title="trade-off")
    if (ws["mean"] > 0).all():
        ax.set_xscale("log", nonpositive="clip")  # budget scales: waste 10x apart
    ax.legend(fontsize=8)


def _pairs(runs: pd.DataFrame, col: str, hi: float, lo: float) -> tuple[pd.Series, pd.Series]:
    """``col`` at two competition levels over runs with the same seeds (at one budget scale:
    ``runs`` holds one)."""
    a = runs[runs[C] == hi].set_index("replicate")[col]
    b = runs[runs[C] == lo].set_index("replicate")[col]
    common = a.index.intersection(b.index).sort_values()
    return a.loc[common], b.loc[common]


def _paired(runs: pd.DataFrame, col: str, hi: float, lo: float) -> tuple[float, float, float]:
    """Difference of ``col`` between two competition levels, paired by seed, with its CI."""
    return diff_ci(*_pairs(runs, col, hi, lo))


def _levels(runs: pd.DataFrame, col: str) -> str:
    """Every competition level against the lowest, paired by seed, read level by level: the
    family is those levels, and Holm over it says which differences hold family-wise."""
    lo = float(runs[C].min())
    rows = []
    for c in sorted(set(runs[C]) - {lo}):
        pairs = _pairs(runs, col, c, lo)
        rows.append(dict(zip(["mean", "lo", "hi"], diff_ci(*pairs), strict=True)) | {
            "p": diff_p(*pairs)})  # fmt: skip
    stats = pd.DataFrame(rows, columns=["mean", "lo", "hi", "p"])
    return family_counts(stats.assign(p_holm=holm(stats.p)), f"levels against c={lo:g}")


def _change(d: tuple[float, float, float]) -> str:
    """Whether a paired difference's interval lies above zero, below it, or covers it."""
    return "clearly higher" if d[1] > 0 else "clearly lower" if d[2] < 0 else "no clear change"


def _verdict(runs: pd.DataFrame, b: float, out: dict[str, str]) -> str:
    """Add the paired c=max minus c=0 differences at budget scale ``b`` to ``out``; return
    whether the trade-off (more capability and more waste) shows there."""
    lo, hi = float(runs[C].min()), float(runs[C].max())
    dg, dw = _paired(runs, "growth_pct", hi, lo), _paired(runs, "waste_bn", hi, lo)
    for name, d in (("capability growth (pct points)", dg), ("waste (USD bn)", dw)):
        out[f"{name}, c={hi:g} minus c={lo:g}, budgets x{b:g}"] = ci_text(*d, "+.3g")
    if dg[1] > 0 and dw[1] > 0:  # lower bounds of the paired intervals above zero
        return f"yes, c={hi:g} raises both capability and waste over c={lo:g}"
    return (
        f"not shown (95% CI, paired by seed), c={hi:g} against c={lo:g}: "
        f"capability {_change(dg)}, waste {_change(dw)}"
    )


def _headline(runs: pd.DataFrame, stats: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Per budget scale: means at competition 0, 1 and the highest level, the paired differences
    of the highest level over the lowest, and whether the trade-off shows."""
    out = {}
    for b in sorted(runs[B].unique()):
        at = runs[runs[B] == b]
        levels = [c for c in (0.0, 1.0, float(at[C].max())) if c in set(at[C])]
        for col in PANELS:
            s = stats[col][stats[col][B] == b].set_index(C)
            out[f"{PANELS[col]}, budgets x{b:g}"] = ", ".join(
                f"c={c:g}: {ci_text(*s.loc[c, ['mean', 'lo', 'hi']], floor=FLOOR[col])}"
                for c in dict.fromkeys(levels)
            )
        for col in ("growth_pct", "waste_bn"):
            out[f"{PANELS[col]}, each level against the lowest, budgets x{b:g}"] = _levels(at, col)
        out[f"trade-off, budgets x{b:g}"] = _verdict(at, b, out)
    return out


def draw(sweep: Sweep):
    """Draw E2: capability growth, waste and their trade-off against local competition, one line
    per local budget scale (the budgets' magnitude is partly assumed, and the shape hinges on it).

    Args:
        sweep: the aggregated ``local_competition`` sweep (model and states tables).

    Returns:
        The figure, the plotted means and 95% intervals per budget scale and competition level
        (tidy: one row per budget scale, level and variable) and the headline numbers as strings.
    """
    runs = per_run(sweep)
    stats = {col: mean_ci(runs, [B, C], col, floor=FLOOR[col]) for col in PANELS}
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    budgets = sorted(runs[B].unique())
    for ax, (col, ylabel) in zip(axes.flat[:3], PANELS.items(), strict=True):
        for i, b in enumerate(budgets):
            s = stats[col][stats[col][B] == b]
            dodge = 0.04 * (i - (len(budgets) - 1) / 2) * float(runs[C].max() or 1)
            _errorbars(ax, s.assign(**{C: s[C] + dodge}), C, label=_label(b))  # bars apart
        ax.set(xlabel="local competition c (0 = no yardstick, 1 = baseline)", ylabel=ylabel)
    if (stats["waste_bn"]["mean"] > 0).all():
        axes[0, 1].set_yscale("log", nonpositive="clip")  # both budget scales' shapes visible
    axes[0, 0].legend(fontsize=8)
    _tradeoff(axes[1, 1], stats["growth_pct"], stats["waste_bn"])
    headline = _headline(runs, stats)
    axes[0, 0].axhline(0, color="grey", lw=0.6)
    steps = int(sweep.table("model").step.max())
    verdicts = "\n".join(f"{_label(b)}: {headline[f'trade-off, budgets x{b:g}']}" for b in budgets)
    fig.suptitle(
        f"E2  China: local competition, capability and waste over {steps} quarters "
        f"(mean, 95% CI over {runs.groupby([B, C]).size().min()} seed(s) per cell)\n"
        "the shape hinges on the assumed magnitude of local budgets (ODD 7.12.4)\n"
        f"more competition, more capability and more waste?\n{verdicts}",
        fontsize=10,
    )
    fig.tight_layout()
    data = pd.concat([s.assign(variable=col) for col, s in stats.items()], ignore_index=True)
    return fig, data, headline

"""E2: the intensity of local competition among China's localities, national capability against
wasted local investment (MODEL.md §8, question 2; Ma 2024, the Henan case)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.figures.common import Sweep, ci_text, diff_ci, mean_ci

C = "local_competition"  # the swept key local.competition as a column
PANELS = {
    "growth_pct": "China's capability growth over the run (%)",
    "waste_bn": "cumulative wasted local spending (USD bn)",
    "waste_share_pct": "wasted share of local spending (%)",
}

FLOOR = {"growth_pct": None, "waste_bn": 0.0, "waste_share_pct": 0.0}  # waste cannot be < 0


def per_run(sweep: Sweep) -> pd.DataFrame:
    """One row per run: China's capability growth (last step against step 0, %), its localities'
    waste summed over the run's quarters (USD bn) and waste over spending for the run (%)."""
    st = sweep.table("states")
    cn = st[st.state == "china"]
    cap = cn.pivot_table(index=["run", C], columns="step", values="capability")
    growth = 100 * (cap[cap.columns.max()] / cap[0] - 1)
    m = sweep.table("model")
    m = m[m.step >= 1]  # step 0 is the initial state, not a quarter of the run
    waste = (m.local_spending * m.local_waste_share).fillna(0.0)  # share is NaN without spending
    sums = m.assign(waste=waste).groupby("run")[["waste", "local_spending"]].sum()
    out = growth.rename("growth_pct").reset_index().set_index("run")
    out["waste_bn"] = sums.waste
    out["waste_share_pct"] = 100 * sums.waste / sums.local_spending
    return out.reset_index().merge(m.groupby("run").replicate.first(), on="run")


def _errorbars(ax, stats: pd.DataFrame, x: str, **style) -> None:
    """Means against ``x`` with their confidence intervals as error bars (none for one run)."""
    err = [stats["mean"] - stats["lo"], stats["hi"] - stats["mean"]]
    ax.errorbar(stats[x], stats["mean"], yerr=err, marker="o", capsize=3, **style)


def _tradeoff(ax, gs: pd.DataFrame, ws: pd.DataFrame) -> None:
    """China's capability growth against cumulative waste, one point per competition level."""
    xerr = [ws["mean"] - ws["lo"], ws["hi"] - ws["mean"]]
    yerr = [gs["mean"] - gs["lo"], gs["hi"] - gs["mean"]]
    ax.errorbar(ws["mean"], gs["mean"], xerr=xerr, yerr=yerr, marker="o", capsize=3, ls=":")
    for c, x, y in zip(gs[C], ws["mean"], gs["mean"], strict=True):
        ax.annotate(f"c={c:g}", (x, y), textcoords="offset points", xytext=(5, -11), fontsize=8)
    ax.set(xlabel=PANELS["waste_bn"], ylabel=PANELS["growth_pct"], title="trade-off")


def _paired(runs: pd.DataFrame, col: str, hi: float, lo: float) -> tuple[float, float, float]:
    """Difference of ``col`` between two competition levels over runs with the same seeds."""
    a = runs[runs[C] == hi].set_index("replicate")[col]
    b = runs[runs[C] == lo].set_index("replicate")[col]
    common = a.index.intersection(b.index).sort_values()
    return diff_ci(a.loc[common], b.loc[common])


def _change(d: tuple[float, float, float]) -> str:
    """Whether a paired difference's interval lies above zero, below it, or covers it."""
    return "clearly higher" if d[1] > 0 else "clearly lower" if d[2] < 0 else "no clear change"


def _headline(runs: pd.DataFrame, stats: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Means at competition 0, 1 and the highest level, and whether the trade-off shows."""
    out = {}
    levels = [c for c in (0.0, 1.0, float(runs[C].max())) if c in set(runs[C])]
    for col in PANELS:
        s = stats[col].set_index(C)
        out[PANELS[col]] = ", ".join(
            f"c={c:g}: {ci_text(*s.loc[c, ['mean', 'lo', 'hi']], floor=FLOOR[col])}"
            for c in dict.fromkeys(levels)
        )
    lo, hi = float(runs[C].min()), float(runs[C].max())
    dg, dw = _paired(runs, "growth_pct", hi, lo), _paired(runs, "waste_bn", hi, lo)
    for name, d in (("capability growth (pct points)", dg), ("waste (USD bn)", dw)):
        out[f"{name}, c={hi:g} minus c={lo:g}"] = ci_text(*d, "+.3g")
    gain, cost = dg[1] > 0, dw[1] > 0  # lower bounds of the paired intervals above zero
    out["trade-off"] = (
        f"yes, c={hi:g} raises both capability and waste over c={lo:g}"
        if gain and cost
        else f"not shown (95% CI, paired by seed), c={hi:g} against c={lo:g}: "
        f"capability {_change(dg)}, waste {_change(dw)}"
    )
    return out


def draw(sweep: Sweep):
    """Draw E2: capability growth, waste and their trade-off against local competition.

    Args:
        sweep: the aggregated ``local_competition`` sweep (model and states tables).

    Returns:
        The figure, the plotted means and 95% intervals per competition level (tidy: one row per
        level and variable) and the headline numbers as strings.
    """
    runs = per_run(sweep)
    stats = {col: mean_ci(runs, [C], col, floor=FLOOR[col]) for col in PANELS}
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for ax, (col, ylabel) in zip(axes.flat[:3], PANELS.items(), strict=True):
        _errorbars(ax, stats[col], C)
        ax.set(xlabel="local competition c (0 = no yardstick, 1 = baseline)", ylabel=ylabel)
    _tradeoff(axes[1, 1], stats["growth_pct"], stats["waste_bn"])
    headline = _headline(runs, stats)
    axes[0, 0].axhline(0, color="grey", lw=0.6)
    steps = int(sweep.table("model").step.max())
    fig.suptitle(
        f"E2  China: local competition, capability and waste over {steps} quarters "
        f"(mean, 95% CI over {runs.groupby(C).size().min()} seed(s) per level)\n"
        f"more competition, more capability and more waste? {headline['trade-off']}",
        fontsize=11,
    )
    fig.tight_layout()
    data = pd.concat([s.assign(variable=col) for col, s in stats.items()], ignore_index=True)
    return fig, data, headline

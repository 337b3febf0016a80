"""Answers as distributions: each outcome over the plausible region (the ``explore`` stage: a
Monte Carlo sample of the uncertainties and levers, one seed per point) beside the answer at the
defaults over seeds only (the ``defaults`` stage), with the spread split into its parametric part
and its seed noise by the law of total variance:

    Var(y) = Var_theta(E[y | theta]) + E_theta(Var(y | theta))
             parametric                seed noise (the pooled within-point variance)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.figures.common import ci_text, mean_ci
from experiments.sensitivity import HEADLINES, OUTCOMES
from experiments.sensitivity.noise import seed_variance

RANGE = (0.05, 0.95)  # the plausible answers' range: 90% of them


def distribution(values: pd.Series | np.ndarray) -> dict[str, float]:
    """Mean, median, the 5% and 95% quantiles, the share of positive values and their number."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return dict.fromkeys(("mean", "median", "q05", "q95", "positive", "n"), np.nan)
    q05, q95 = np.quantile(v, RANGE)
    return {
        "mean": float(v.mean()),
        "median": float(np.median(v)),
        "q05": float(q05),
        "q95": float(q95),
        "positive": float((v > 0).mean()),
        "n": int(v.size),
    }


def decompose(total: float, seed: float) -> dict[str, float]:
    """The law of total variance: the parametric part is what the seed noise leaves of the total
    (at least 0, since both are estimates), with the two shares."""
    parametric = max(total - seed, 0.0) if not np.isnan(seed) else np.nan
    share = seed / total if total > 0 else np.nan
    return {
        "var_total": total,
        "var_seed": seed,
        "var_parametric": parametric,
        "seed_share": min(share, 1.0) if not np.isnan(share) else np.nan,
        "parametric_share": parametric / total if total > 0 else np.nan,
    }


def propagate_one(points: pd.DataFrame, outcome: str) -> dict:
    """One outcome: the ``explore`` stage's distribution, the ``defaults`` stage's mean with its
    t interval over seeds, and the explore spread's variance decomposition."""
    explore = points.loc[points["stage"] == "explore", outcome].dropna()
    defaults = points[(points["stage"] == "defaults") & points[outcome].notna()]
    row = {"outcome": outcome}
    row |= {f"explore_{k}": v for k, v in distribution(explore).items()}
    at = distribution(defaults[outcome])
    ci = mean_ci(defaults.assign(_all=0), ["_all"], outcome) if len(defaults) else None
    row |= {
        "default_mean": at["mean"],
        "default_lo": float(ci["lo"].iloc[0]) if ci is not None else np.nan,
        "default_hi": float(ci["hi"].iloc[0]) if ci is not None else np.nan,
        "default_q05": at["q05"],
        "default_q95": at["q95"],
        "default_n": at["n"],
    }
    total = float(explore.var(ddof=1)) if len(explore) > 1 else np.nan
    return row | decompose(total, seed_variance(points, outcome))


def propagate(points: pd.DataFrame, outcomes=None) -> pd.DataFrame:
    """``propagate_one`` for every outcome of the contract that the table has, with its question
    and unit."""
    outcomes = [o for o in (outcomes or OUTCOMES) if o in points.columns]
    rows = []
    for o in outcomes:
        question, what, unit = OUTCOMES.get(o, ("", o, ""))
        rows.append({"question": question, "what": what, "unit": unit} | propagate_one(points, o))
    return pd.DataFrame(rows)


def _fmt(what: str) -> str:
    """A difference is shown with its sign."""
    return "+.3g" if "minus" in what or "change" in what else ".3g"


def hinges(sobol: pd.DataFrame, provenance: dict[str, str] | None = None, n: int = 3) -> str:
    """The ``n`` keys of largest total-order index with their intervals (and provenance);
    empty where no index could be computed. A key whose interval reaches down to the ST that
    seed noise alone gives (``st_noise``) is marked: its index may be noise."""
    top = sobol.dropna(subset=["ST"]).sort_values("ST", ascending=False).head(n)
    noise = top["st_noise"] if "st_noise" in top else pd.Series(np.nan, index=top.index)
    parts = []
    for r, floor in zip(top.itertuples(), noise, strict=True):
        notes = [provenance[r.key]] if provenance and provenance.get(r.key) else []
        if np.isfinite(floor) and r.ST_lo <= floor:  # noise beyond the sample's own variance: >= 1
            notes.append(
                f"not above seed noise's {floor:.2g}" if floor < 1 else "within seed noise"
            )
        where = "".join(f", {x}" for x in notes)
        parts.append(f"{r.key} (ST {r.ST:.2f} [{r.ST_lo:.2f}, {r.ST_hi:.2f}]{where})")
    return ", ".join(parts)


def sentence(row: pd.Series | dict, hinge: str = "") -> str:
    """One outcome's answer in a plain sentence, e.g. ``E1: China's capability growth, dual
    minus single track: +6.5 pct points at the defaults [5.1, 7.9; 20 seeds]; over the plausible
    region 90% of answers lie in [-2.1, 30], positive in 87% of them; seed noise is 12% of that
    spread.``"""
    r = dict(row)
    spec = _fmt(r["what"])
    unit = f" {r['unit']}" if r.get("unit") else ""
    if r["default_n"] and not np.isnan(r["default_n"]):
        floor = None if spec.startswith("+") else 0  # a level (share, count) is not negative
        at = ci_text(r["default_mean"], r["default_lo"], r["default_hi"], spec, floor)
        out = f"{r['question']}: {r['what']}: {at}{unit} at the defaults ({r['default_n']} seeds)"
    else:
        out = f"{r['question']}: {r['what']} ({r['unit']}): no runs at the defaults"
    if r["explore_n"] and not np.isnan(r["explore_n"]):
        body = spec.lstrip("+")
        out += (
            f"; over the plausible region 90% of answers lie in [{r['explore_q05']:{body}}, "
            f"{r['explore_q95']:{body}}], positive in {r['explore_positive']:.0%} of them"
        )
        if not np.isnan(r["seed_share"]):
            out += f"; seed noise is {r['seed_share']:.0%} of that spread's variance"
    if hinge:
        out += f"; it hinges most on {hinge}"
    return out + "."


def sentences(
    table: pd.DataFrame,
    sobol: dict[str, pd.DataFrame] | None = None,
    provenance: dict[str, str] | None = None,
    headlines_only: bool = True,
) -> dict[str, str]:
    """Per question (its headline outcome; every outcome unless ``headlines_only``, keyed by
    outcome): the sentence, with the keys it hinges on where ``sobol`` has its indices."""
    wanted = set(HEADLINES.values()) if headlines_only else set(table["outcome"])
    out = {}
    for _, r in table[table["outcome"].isin(wanted)].iterrows():
        hinge = hinges(sobol[r.outcome], provenance) if sobol and r.outcome in sobol else ""
        out[r.question if headlines_only else r.outcome] = sentence(r, hinge)
    return out

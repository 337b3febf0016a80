"""From runs to E7's outcomes: one row of final scalars per run (:func:`finals`), and the arms of
one (stage, point, seed) paired into the ``OUTCOMES`` of the contract (:func:`pair`).

The scalars are those the figures of E1-E6 report: China's capability growth over the run as
``experiments/figures/dual_track.py`` computes it, the cumulative local waste as
``local_competition.per_run``, codified instruments and their origin as ``circulation``,
WAICO's members, China's capability share and the fragmentation index from the model table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.sensitivity import HEADLINES, OUTCOMES

# The arms each outcome reads (its question runs only these in the sobol stage).
OUTCOME_ARMS: dict[str, tuple[str, ...]] = {
    "dual_gain": ("baseline", "single_track"),
    "dual_r_gap": ("baseline", "single_track"),
    "dual_ratio": ("baseline", "single_track"),
    "competition_ratio": ("competition_0", "competition_4"),
    "competition_gain": ("competition_0", "competition_4"),
    "competition_waste": ("competition_0", "competition_4"),
    "local_origin": ("baseline",),
    "codified": ("baseline",),
    "waico_members": ("waico_shanghai",),
    "hq_effect": ("waico_shanghai", "waico_singapore"),
    "fragmentation": ("baseline",),
    "fragmentation_change": ("baseline",),
    "controls_share": ("baseline", "controls_tight"),
}
FINALS = (
    "growth_pct",
    "china_R",
    "capability_share",
    "waste_bn",
    "codified",
    "codified_local",
    "waico_members",
    "fragmentation_start",
    "fragmentation_end",
)


def questions() -> list[str]:
    return list(HEADLINES)


def question_outcomes(question: str) -> list[str]:
    return [o for o, (q, _, _) in OUTCOMES.items() if q == question]


def question_arms(question: str) -> list[str]:
    """The arms a question's outcomes need, in the contract's order."""
    from experiments.sensitivity import ARMS

    need = {a for o in question_outcomes(question) for a in OUTCOME_ARMS[o]}
    return [a for a in ARMS if a in need]


def finals(model) -> dict[str, float]:
    """One run's final scalars (the model after ``run()``)."""
    st = model.states_frame()
    cn = st[st.state == "china"]
    first, last = cn.iloc[0], cn.iloc[-1]
    m = model.model_frame()
    quarters = m[m.step >= 1]  # step 0 is the initial state, not a quarter of the run
    waste = (quarters.local_spending * quarters.local_waste_share).fillna(0.0).sum()
    return {
        "growth_pct": float(100 * (last.capability / first.capability - 1)),
        "china_R": float(last.R),
        "capability_share": float(m.capability_share_china.iloc[-1]),
        "waste_bn": float(waste),
        "codified": float(last.codified_instruments),
        "codified_local": float(_codified_local(model, int(m.step.iloc[-1]))),
        "waico_members": float(m.waico_members.iloc[-1]),
        "fragmentation_start": float(m.fragmentation.iloc[0]),
        "fragmentation_end": float(m.fragmentation.iloc[-1]),
    }


def _codified_local(model, last_step: int) -> int:
    """China's instruments codified within the run that a locality invented, counted as
    ``experiments/figures/circulation.py`` counts them from the instruments table, but read from
    China's centre (the table costs a third of a short run)."""
    registry = model.instrument_registry
    names = [n for c in model.centres if c.state.name == "china" for n in c.codified]
    return sum(
        registry[n].origin != "catalogue" and registry[n].codified_at <= last_step - 1
        for n in dict.fromkeys(names)
    )


def pair(arms: dict[str, dict[str, float]], outcomes: list[str]) -> dict[str, float]:
    """The ``outcomes`` of one (stage, point, seed) from its arms' finals (NaN where an arm is
    missing or failed; ``local_origin`` is NaN when nothing was codified)."""
    nan = dict.fromkeys(FINALS, np.nan)
    base, single = arms.get("baseline", nan), arms.get("single_track", nan)
    c0, c4 = arms.get("competition_0", nan), arms.get("competition_4", nan)
    shanghai, singapore = arms.get("waico_shanghai", nan), arms.get("waico_singapore", nan)
    tight = arms.get("controls_tight", nan)
    codified = base["codified"]
    value = {
        "dual_gain": base["growth_pct"] - single["growth_pct"],
        "dual_r_gap": base["china_R"] - single["china_R"],
        "dual_ratio": _log_ratio(base["growth_pct"], single["growth_pct"]),
        "competition_gain": c4["growth_pct"] - c0["growth_pct"],
        "competition_ratio": _log_ratio(c4["growth_pct"], c0["growth_pct"]),
        "competition_waste": c4["waste_bn"] - c0["waste_bn"],
        "local_origin": base["codified_local"] / codified if codified > 0 else np.nan,
        "codified": codified,
        "waico_members": shanghai["waico_members"],
        "hq_effect": singapore["waico_members"] - shanghai["waico_members"],
        "fragmentation": base["fragmentation_end"],
        "fragmentation_change": base["fragmentation_end"] - base["fragmentation_start"],
        "controls_share": tight["capability_share"] - base["capability_share"],
    }
    return {o: float(value[o]) for o in outcomes}


def _log_ratio(growth_a: float, growth_b: float) -> float:
    """100 ln of the ratio of two final capabilities from their growth in percent (the same
    start: the arms share the seed and the initial world)."""
    return float(100 * (np.log1p(growth_a / 100) - np.log1p(growth_b / 100)))


def paired_table(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (stage, point, seed) of the per-arm ``runs`` (columns ``stage``, ``point``,
    ``seed``, ``replicate``, ``question``, ``arm``, the finals and the sampled ``keys``'
    columns), with every outcome (NaN for the outcomes its stage did not run)."""
    ident = ["stage", "point", "seed"]
    rows = []
    for (stage, point, seed), group in runs.groupby(ident, sort=False):
        by_arm = {r["arm"]: {k: r[k] for k in FINALS} for r in group.to_dict("records")}
        outcomes = [o for o in OUTCOMES if set(OUTCOME_ARMS[o]) <= set(by_arm)]
        first = group.iloc[0]
        row = {"stage": stage, "point": int(point), "seed": int(seed)}
        row.update({k: first[k] for k in ["replicate", "question", *keys]})
        row.update(dict.fromkeys(OUTCOMES, np.nan) | pair(by_arm, outcomes))
        rows.append(row)
    return pd.DataFrame(rows)

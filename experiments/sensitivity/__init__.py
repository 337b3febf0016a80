"""E7: global sensitivity, parametric uncertainty and scenario discovery (MODEL.md §10, issue 15).

Every uncertainty of the schemas (``sim.config.roles.uncertainties()``) is sampled over its
plausible range; each sampled point is run in the ``ARMS`` below on the same seeds, and the arms
are paired by seed into the ``OUTCOMES`` of the six questions. Stages:

- ``morris``: Morris screening of all uncertainties (SALib), a few seeds per point;
- ``sobol``: Sobol indices (Saltelli sampling) on each question's most influential uncertainties;
- ``explore``: a Monte Carlo sample of all uncertainties and the levers, for the answers as
  distributions and for PRIM's scenario discovery;
- ``defaults``: the default point on many seeds (the seed-only answer).

The points table (``results/sweeps/sensitivity/points.parquet``, one row per stage, point and
seed) has the columns ``stage``, ``point``, ``seed``, ``question`` (the question a sobol point
belongs to; empty in the other stages), one column per sampled key (dots replaced by
underscores, as in every aggregated table; NaN where the stage left the key at its default) and
one per outcome (NaN where the stage did not run the outcome's arms); the analysis reads nothing
else but ``design.json`` beside it (the problem, the methods' sizes, each question's selection).
"""

# The arms every point runs: a name, the scenario, and overrides on top of it.
ARMS: dict[str, tuple[str, dict[str, float]]] = {
    "baseline": ("baseline", {}),
    "single_track": ("china_single_track", {}),
    "competition_0": ("baseline", {"local.competition": 0.0}),
    "competition_4": ("baseline", {"local.competition": 4.0}),
    "waico_shanghai": ("waico_shanghai", {}),
    "waico_singapore": ("waico_singapore", {}),
    "controls_tight": ("export_controls_tight", {}),
}

# outcome -> (question, what it is, unit); each is computed from one seed's arms.
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "dual_gain": ("E1", "China's capability growth, dual minus single track", "pct points"),
    "dual_r_gap": ("E1", "China's R in the last quarter, dual minus single track", "index"),
    # 100 ln(final capability, dual / single): the gain as a share, whatever the growth's pace
    "dual_ratio": ("E1", "China's final capability, dual minus single track", "log points"),
    "competition_gain": (
        "E2",
        "China's capability growth, local competition 4 minus 0",
        "pct points",
    ),
    "competition_ratio": (
        "E2",
        "China's final capability, local competition 4 minus 0",
        "log points",
    ),
    "competition_waste": (
        "E2",
        "cumulative wasted local spending, local competition 4 minus 0",
        "USD bn",
    ),
    "local_origin": ("E3", "share of codified instruments invented by a locality", "share"),
    "codified": ("E3", "instruments the centre codified over the run", "count"),
    "waico_members": ("E4", "WAICO's final members, headquarters in Shanghai", "states"),
    "hq_effect": ("E4", "WAICO's final members, Singapore minus Shanghai", "states"),
    "fragmentation": ("E5", "final fragmentation of the poles' rules, baseline", "index"),
    # PRIM's "the poles fragment" is fragmentation_change > 0
    "fragmentation_change": (
        "E5",
        "fragmentation of the poles' rules, final minus initial, baseline",
        "index",
    ),
    "controls_share": (
        "E6",
        "China's capability share, tight minus current export controls",
        "share",
    ),
}

# The headline of each question: the outcome the README and the note report first.
HEADLINES = {
    "E1": "dual_gain",
    "E2": "competition_gain",
    "E3": "local_origin",
    "E4": "waico_members",
    "E5": "fragmentation",
    "E6": "controls_share",
}
# A headline in percentage points of growth scales with the pace of growth, which the
# uncertainties move 25-fold (docs/sensitivity.md); its ratio (log points) is reported beside it.
COMPANIONS = {"E1": "dual_ratio", "E2": "competition_ratio"}

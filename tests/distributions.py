"""When a speed change must reorder random draws, the golden master no longer holds bit for bit:
this script shows instead that the distributions of the headline outputs are the same.

    PYTHONPATH=<old tree> python tests/distributions.py headline old.csv     # 30 seeds per scenario
    PYTHONPATH=<new tree> python tests/distributions.py headline new.csv
    python tests/distributions.py compare old.csv new.csv

``compare`` runs a two-sample Kolmogorov-Smirnov test per scenario and output, and a
Holm-Bonferroni correction over all of them; it exits 1 if any difference survives at 5%.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

SCENARIOS = ("baseline", "china_single_track", "waico_shanghai", "export_controls_tight")
HEADLINE = (
    "capability_share_us",
    "capability_share_china",
    "frontier_gap_us_china",
    "foundation_models",
    "firms",
    "codified_instruments",
    "local_facilitation",
    "local_waste_share",
    "fragmentation",
    "mean_safety",
)


def headline(path: str, seeds: range = range(1, 31)) -> None:
    """The last quarter's headline outputs of ``seeds`` x ``SCENARIOS``, written to ``path``."""
    from sim.model import RegulatoryCompetition

    rows = []
    for scenario in SCENARIOS:
        for seed in seeds:
            last = RegulatoryCompetition(seed=seed, scenario=scenario).run().model_frame().iloc[-1]
            rows.append({"scenario": scenario, "seed": seed, **{k: last[k] for k in HEADLINE}})
    pd.DataFrame(rows).to_csv(path, index=False)


def compare(old_path: str, new_path: str) -> int:
    from scipy.stats import ks_2samp

    old, new = pd.read_csv(old_path), pd.read_csv(new_path)
    rows = []
    for scenario in SCENARIOS:
        a, b = old[old.scenario == scenario], new[new.scenario == scenario]
        for key in HEADLINE:
            x, y = a[key].dropna(), b[key].dropna()
            same = len(x) == len(y) and np.array_equal(np.sort(x), np.sort(y))
            p = 1.0 if same else ks_2samp(x, y).pvalue
            rows.append((scenario, key, x.mean(), y.mean(), p))
    table = pd.DataFrame(rows, columns=["scenario", "output", "old_mean", "new_mean", "p"])
    from experiments.figures.common import holm

    table["p_holm"] = holm(table.p.to_numpy())
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    bad = table[table.p_holm < 0.05]
    print(f"{len(bad)} of {len(table)} outputs differ at 5% after Holm's correction")
    return 1 if len(bad) else 0


if __name__ == "__main__":
    verb, *args = sys.argv[1:]
    if verb == "headline":
        headline(*args)
        sys.exit(0)
    sys.exit(compare(*args))

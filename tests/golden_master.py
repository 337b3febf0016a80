"""The golden master: every scenario's tables for a few seeds, as the tree produced them at the
start of the speed work (issue 14), so a faster model can be checked to give the same bits.

``python tests/golden_master.py`` rewrites ``tests/golden/*.parquet``. Do so only in a commit of
its own, after showing that a change which must reorder random draws keeps the distributions
(see docs/experiments.md, Speed).
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.tools.compose import available

GOLDEN = Path(__file__).parent / "golden"
SEEDS = (1, 2)
TABLES = ("model", "states", "localities")
STACK = GOLDEN / "stack.json"  # the NumPy and Python the master was written with


def numpy_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def recorded_numpy() -> str:
    return json.loads(STACK.read_text())["numpy"]


def tables(scenario: str, seed: int) -> dict[str, pd.DataFrame]:
    """The three tables of one run of ``scenario`` with ``seed`` over the config's horizon."""
    from sim.model import RegulatoryCompetition

    model = RegulatoryCompetition(seed=seed, scenario=scenario).run()
    frames = {
        "model": model.model_frame(),
        "states": model.states_frame(),
        "localities": model.localities_frame(),
    }
    for df in frames.values():
        df.insert(0, "seed", seed)
        df.insert(0, "scenario", scenario)
    return frames


def runs(scenarios=None, seeds=SEEDS) -> dict[str, pd.DataFrame]:
    """All tables of ``scenarios`` (default: every scenario) x ``seeds``, concatenated per table."""
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for scenario in scenarios or available("scenario"):
        for seed in seeds:
            for name, df in tables(scenario, seed).items():
                parts[name].append(df)
    return {t: pd.concat(p, ignore_index=True) for t, p in parts.items()}


def stored(table: str) -> pd.DataFrame:
    return pd.read_parquet(GOLDEN / f"{table}.parquet")


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for name, df in runs().items():
        df.to_parquet(GOLDEN / f"{name}.parquet", compression="zstd", index=False)
        print(f"{name}: {df.shape}")
    stack = {"numpy": np.__version__, "python": platform.python_version()}
    STACK.write_text(json.dumps(stack, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

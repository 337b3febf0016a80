"""Calibration with held-out facts.

    python -m sim.tools.calibrate [--seeds N] [--scenario NAME] [--out DIR]
    python -m sim.tools.calibrate fit [--seeds N] [--max-evaluations N]

Two tables that never mix: the in-sample targets (facts of 2024 and earlier, measured on the
initial world, step 0 = the end of 2024) and the held-out targets (2025-2026, measured on the
simulated quarters). The first command prints both and writes ``in_sample.{md,csv}`` and
``held_out.{md,csv}`` (default ``results/calibration/``); the second refits the tuned parameters to
the in-sample targets alone (simulated minimum distance with common random numbers, ``fit.py``)
and rewrites ``configs/world/calibrated.yaml``, which the world file includes last.

The modules: ``record/`` (the sourced facts of 2022-2026) and ``stylised.py`` (the facts of
MODEL.md section 4 the record lacks), ``targets.py`` (the comparisons and
their split), ``measures.py`` (what the model says), ``compare.py`` (bands and misses), ``fit.py``
(the objective and the fit), ``report.py`` (the text). docs/calibration.md explains the protocol.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.tools.calibrate import targets as tg
from sim.tools.calibrate.compare import COLUMNS, INSIDE, MISS, NOT_MEASURED, compare
from sim.tools.calibrate.measures import initial_worlds, simulated_years
from sim.tools.compose import compose_config

# The 2023 foundation-model shares, for the overview figure's reference lines.
FM_SHARE = {t.region: t.value for t in tg.in_sample() if t.quantity == "foundation_model_share"}


def in_sample_table(
    seeds: int = 10, scenario: str = "baseline", record=None, **overrides: Any
) -> pd.DataFrame:
    """The in-sample targets against the initial world of ``scenario``, seeds 0..seeds-1;
    ``overrides`` are dotted config keys (``**{"states.china.capability_scale": 3.0}``)."""
    targets = tg.in_sample() if record is None else tg.in_sample(record)
    cfg = compose_config(scenario, overrides)
    return compare(targets, initial_worlds(cfg, range(int(seeds)), targets))


def held_out_table(
    seeds: int = 10, scenario: str = "baseline", record=None, **overrides: Any
) -> pd.DataFrame:
    """The held-out targets against the simulated quarters of ``scenario``, seeds 0..seeds-1."""
    targets = tg.held_out() if record is None else tg.held_out(record)
    cfg = compose_config(scenario, overrides)
    return compare(targets, simulated_years(cfg, range(int(seeds)), targets))


__all__ = [
    "COLUMNS",
    "FM_SHARE",
    "INSIDE",
    "MISS",
    "NOT_MEASURED",
    "held_out_table",
    "in_sample_table",
]

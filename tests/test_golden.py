"""Same seed, same bits: the model's tables equal the golden master (tests/golden_master.py),
recorded from the tree at the start of the speed work. A change that must reorder random draws
updates the master in a commit of its own, with the distribution check in its note.

Bits are promised on one stack. NumPy 2.5 (Python 3.12 and later) adds short arrays in another
order than 2.4, so on another NumPy minor version the tables are compared to 1e-9 relative: the
sums that steer the model's decisions have a fixed order (``sim.fiscal.array_sum``,
``sim.agents.kernels``), and recorded aggregates may differ in their last bits."""

from __future__ import annotations

import io

import golden_master as gm
import numpy as np
import pandas as pd
import pytest

from sim.tools.compose import available


def _roundtrip(df: pd.DataFrame) -> pd.DataFrame:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return pd.read_parquet(buffer)


EXACT = gm.numpy_minor(np.__version__) == gm.numpy_minor(gm.recorded_numpy())
TOLERANCE = {"check_exact": True} if EXACT else {"check_exact": False, "rtol": 1e-9, "atol": 0.0}


def _check(scenario: str, seed: int) -> None:
    for name, df in gm.tables(scenario, seed).items():
        stored = gm.stored(name)
        stored = stored[(stored.scenario == scenario) & (stored.seed == seed)]
        pd.testing.assert_frame_equal(
            _roundtrip(df), stored.reset_index(drop=True), obj=name, **TOLERANCE
        )


def test_the_baseline_gives_the_golden_bits():
    _check("baseline", 1)


def test_a_mismatch_is_caught():
    df = gm.tables("baseline", 1)["model"]
    df.loc[5, "firms"] += 1
    stored = gm.stored("model")
    stored = stored[(stored.scenario == "baseline") & (stored.seed == 1)].reset_index(drop=True)
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(_roundtrip(df), stored, **TOLERANCE)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", available("scenario"))
@pytest.mark.parametrize("seed", gm.SEEDS)
def test_every_scenario_gives_the_golden_bits(scenario, seed):
    _check(scenario, seed)

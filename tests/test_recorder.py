"""The array recorder gives Mesa's DataCollector's tables, grows past the horizon, pickles."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from sim import RegulatoryCompetition
from sim.agents.local_government import LocalGovernment
from sim.agents.state import State
from sim.metrics import LOCAL_REPORTERS, MODEL_REPORTERS, STATE_REPORTERS, DataCollector
from sim.recorder import Recorder, Table

SMALL = {"firms.n_initial": 300, "steps": 4}


def _reference_twin(seed: int, steps: int) -> tuple[RegulatoryCompetition, DataCollector]:
    """A model run whose every collect also feeds Mesa's own DataCollector."""
    model = RegulatoryCompetition(seed=seed, **SMALL)
    reference = DataCollector(
        model_reporters=MODEL_REPORTERS,
        agenttype_reporters={State: STATE_REPORTERS, LocalGovernment: LOCAL_REPORTERS},
    )
    reference.collect(model)
    for _ in range(steps):
        model.step()
        reference.collect(model)
    return model, reference


def test_recorded_frames_equal_mesa_datacollector_frames():
    model, reference = _reference_twin(seed=3, steps=4)
    ours = model.datacollector
    pd.testing.assert_frame_equal(
        ours.get_model_vars_dataframe(), reference.get_model_vars_dataframe(), check_exact=True
    )
    for agent_type in (State, LocalGovernment):
        pd.testing.assert_frame_equal(
            ours.get_agenttype_vars_dataframe(agent_type),
            reference.get_agenttype_vars_dataframe(agent_type),
            check_exact=True,
        )
    pd.testing.assert_frame_equal(pd.DataFrame(ours.model_vars), pd.DataFrame(reference.model_vars))


def test_stepping_past_the_horizon_grows_the_arrays():
    model, reference = _reference_twin(seed=4, steps=7)  # the config's horizon is 4
    assert model.steps == 7
    table = model.datacollector._types[State]
    assert table.n == 8 * model.S and table.capacity >= table.n
    pd.testing.assert_frame_equal(
        model.datacollector.get_agenttype_vars_dataframe(State),
        reference.get_agenttype_vars_dataframe(State),
        check_exact=True,
    )
    assert len(model.model_frame()) == 8


@pytest.mark.parametrize("before", [0, 4], ids=["built", "finished"])
def test_pickle_round_trip_keeps_the_tables_and_records_on(before):
    model = RegulatoryCompetition(seed=5, **SMALL).run(before)
    copy = pickle.loads(pickle.dumps(model))
    for frame in ("model_frame", "states_frame", "localities_frame"):
        pd.testing.assert_frame_equal(getattr(copy, frame)(), getattr(model, frame)())
    copy.step()  # the copy keeps recording into its own arrays, as its twin does
    model.step()
    for frame in ("model_frame", "states_frame", "localities_frame"):
        pd.testing.assert_frame_equal(getattr(copy, frame)(), getattr(model, frame)())
    assert len(copy.model_frame()) == before + 2


@pytest.mark.parametrize(
    ("blocks", "dtype"),
    [
        ([[1, 2], [3, 4]], np.int64),
        ([[1, 2], [3.5, 4]], np.float64),  # pandas: ints and floats make floats
        ([[True], [False]], np.bool_),
        ([[True], [1]], object),  # bools and ints stay objects, as pandas infers them
        ([[1.0], [None]], np.float64),
        ([np.array([1.5, 2.0]), [3]], np.float64),  # a block may be an array
        ([np.array([1, 2]), [0.5]], np.float64),
        ([["ab"], ["c"]], None),  # pandas' own string inference
    ],
    ids=[
        "int",
        "int-then-float",
        "bool",
        "bool-then-int",
        "float-then-none",
        "float-array",
        "int-array-then-float",
        "str",
    ],
)
def test_a_column_changes_storage_when_its_values_ask(blocks, dtype):
    table = Table(["x"], steps=1)
    for block in blocks:
        table.append({"x": block})
    frame = pd.DataFrame(table.data(["x"]))
    expected = pd.DataFrame({"x": [v for block in blocks for v in block]})
    assert dtype is None or frame.x.dtype == dtype
    pd.testing.assert_frame_equal(frame, expected)


def test_a_list_value_stays_one_cell():
    table = Table(["x"], steps=2)
    table.append({"x": [[1, 2], [3]]})
    assert table.data(["x"])["x"] == [[1, 2], [3]]


def test_recorder_before_any_collect_gives_mesas_empty_frames():
    reporters = {"model_reporters": {"n": len}, "agenttype_reporters": {State: {"R": "R"}}}
    recorder, expected = Recorder(**reporters, steps=2), DataCollector(**reporters)
    pd.testing.assert_frame_equal(
        recorder.get_agenttype_vars_dataframe(State),
        expected.get_agenttype_vars_dataframe(State),
    )
    pd.testing.assert_frame_equal(
        recorder.get_model_vars_dataframe(), expected.get_model_vars_dataframe()
    )
    assert recorder.model_vars == expected.model_vars == {"n": []}


def test_a_config_edited_in_place_is_converted_again():
    from omegaconf import OmegaConf

    from sim.tools.compose import compose_config

    cfg = compose_config("baseline", SMALL)
    assert RegulatoryCompetition(config=cfg, seed=1).horizon == 4
    OmegaConf.set_readonly(cfg, False)
    cfg.steps = 6
    cfg.states.china.E = 0.25
    OmegaConf.set_readonly(cfg, True)
    model = RegulatoryCompetition(config=cfg, seed=1)
    assert model.horizon == 6 and model.state("china").E == 0.25


def test_models_of_one_config_do_not_share_their_parameters():
    first, second = (RegulatoryCompetition(seed=s, **SMALL) for s in (1, 2))
    first.policy.learning_rate = 0.0
    assert second.policy.learning_rate != 0.0


@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 16, 46, 130, 300])
def test_mean_and_std_give_numpys_bits(n):
    from sim.metrics import mean, std

    rng = np.random.default_rng(n)
    for _ in range(200):
        values = (rng.random(n) * 10 ** rng.uniform(-3, 3)).tolist()
        assert mean(values) == float(np.mean(values))
        assert std(values) == float(np.std(values))

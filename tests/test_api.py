"""The Python API beyond composition: the ``seed`` argument and pickling a whole model."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from sim import ConfigError, RegulatoryCompetition
from sim.metrics import Attribute

SMALL = {"firms.n_initial": 300, "steps": 6}


@pytest.mark.parametrize(
    ("seed", "text"),
    [
        (-1, "seed = -1 is out of range; allowed >= 0"),
        ("abc", "seed: 'abc' is not an integer"),
        (1.5, "seed: 1.5 is not an integer"),
        (True, "seed: True is not an integer"),
        ([1, 2], "seed: [1, 2] is not an integer"),
    ],
    ids=["negative", "text", "fraction", "bool", "list"],
)
def test_model_refuses_a_bad_seed_in_one_line(seed, text):
    with pytest.raises(ConfigError) as info:
        RegulatoryCompetition(seed=seed, **SMALL)
    message = str(info.value)
    assert message.startswith(text), message
    assert "\n" not in message


def test_model_takes_a_numpy_integer_seed():
    model = RegulatoryCompetition(seed=np.int64(3), **SMALL)
    assert model.seed == 3
    assert type(model.seed) is int


def frames(model: RegulatoryCompetition) -> list[pd.DataFrame]:
    return [model.model_frame(), model.states_frame(), model.localities_frame()]


@pytest.mark.parametrize("before", [0, 3], ids=["before-running", "mid-run"])
def test_pickled_model_keeps_stepping_like_its_twin(before):
    model = RegulatoryCompetition(seed=5, **SMALL).run(before)
    twin = RegulatoryCompetition(seed=5, **SMALL).run(before)
    copy = pickle.loads(pickle.dumps(model))
    assert copy.steps == before
    copy.run(6 - before)
    twin.run(6 - before)
    assert copy.steps == twin.steps == 6
    for ours, theirs in zip(frames(copy), frames(twin), strict=True):
        assert len(ours) > 0
        pd.testing.assert_frame_equal(ours, theirs)


def test_finished_model_pickles_with_its_tables():
    model = RegulatoryCompetition(seed=5, **SMALL).run()
    copy = pickle.loads(pickle.dumps(model))
    for ours, theirs in zip(frames(copy), frames(model), strict=True):
        pd.testing.assert_frame_equal(ours, theirs)


def test_attribute_reporter_is_none_where_mesa_gives_none():
    class Agent:
        R = 0.3

    assert Attribute("R")(Agent()) == 0.3
    assert Attribute("missing")(Agent()) is None
    assert pickle.loads(pickle.dumps(Attribute("R"))).name == "R"


def test_a_composition_is_reused_until_its_config_is_edited():
    import copy

    from omegaconf import OmegaConf

    from sim.tools.compose import compose_config

    over = {"steps": 3, "local.competition": 0.5}
    first = compose_config("baseline", over)
    assert compose_config("baseline", dict(over)) is first
    assert compose_config("baseline", {**over, "local.competition": 0.25}) is not first
    edited = copy.deepcopy(first)
    OmegaConf.set_readonly(edited, False)
    edited.steps = 5
    assert compose_config("baseline", over).steps == 3
    OmegaConf.set_readonly(first, False)  # a caller that edits the shared object itself
    first.steps = 7
    again = compose_config("baseline", over)
    assert again is not first and again.steps == 3

"""Every parameter says what it is (uncertainty, lever, data, setting) and where its default comes
from; every uncertainty has a plausible range inside what the model accepts, with its reason
(issue 15; the sensitivity experiment samples these ranges)."""

import pytest

from sim.config.roles import Described, described, problems, uncertainties


def test_every_parameter_has_a_role_and_a_provenance():
    missing = {d.key: problems(d) for d in described() if problems(d)}
    assert not missing, "\n".join(f"{k}: {'; '.join(v)}" for k, v in missing.items())


def test_there_are_uncertainties_to_sweep_and_levers_are_not_among_them():
    keys = {d.key for d in uncertainties()}
    assert len(keys) >= 40
    levers = {d.key for d in described() if d.role == "lever"}
    assert levers and not keys & levers


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"role": "knob"}, "role 'knob'"),
        ({"provenance": ""}, "provenance ''"),
        ({"plausible": None}, "needs plausible"),
        ({"plausible": (0.5, 0.2)}, "is empty"),
        ({"plausible": (-1.0, 0.5)}, "leaves the allowed"),
        ({"plausible": (0.4, 0.6)}, "outside the plausible range"),
        ({"why": ""}, "needs why="),
        ({"role": "lever"}, "only an uncertainty"),
    ],
)
def test_the_check_names_what_is_wrong(change, complaint):
    good = Described(
        "x.y", 0.3, "uncertainty", "assumed", 0.0, 1.0, (0.1, 0.5), "half to double", "share", ""
    )
    assert problems(good) == []
    bad = Described(**{**good.__dict__, **change})
    assert any(complaint in p for p in problems(bad)), problems(bad)

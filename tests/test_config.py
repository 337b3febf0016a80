"""Config composition and bad input through the Python API (compose_config, RegulatoryCompetition).

The command line (``python -m sim``) is tested in test_cli.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from conftest import composed
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

import sim.tools.compose as compose_mod
from sim import ConfigError, RegulatoryCompetition
from sim.tools.compose import available, compose_config
from sim.tools.validate import validate

CONFIGS = Path(__file__).resolve().parent.parent / "configs"
SCENARIOS = sorted(p.stem for p in (CONFIGS / "scenario").glob("*.yaml"))
SMALL = 200  # firms: enough to build a world, small enough to be instant


def scenario_yaml(name: str) -> dict:
    return yaml.safe_load((CONFIGS / "scenario" / f"{name}.yaml").read_text())


def extends_baseline(name: str) -> bool:
    return "baseline" in (scenario_yaml(name).get("defaults") or [])


def own_events(name: str) -> dict:
    """The events a scenario adds: its own YAML's and those of the modules it selects."""
    raw = scenario_yaml(name)
    events = {k: dict(v) for k, v in raw.get("events", {}).items()}
    for entry in raw.get("defaults") or []:
        if not isinstance(entry, dict):
            continue
        for key, options in entry.items():
            group = key.removeprefix("override /")
            for option in [options] if isinstance(options, str) else options:
                module = yaml.safe_load((CONFIGS / group / f"{option}.yaml").read_text())
                for kind, entries in (module.get("events") or {}).items():
                    events.setdefault(kind, {}).update(entries)
    return events


EXTENDING = [s for s in SCENARIOS if extends_baseline(s)]
# Composing a scenario costs about a second. Every scenario composes, validates and runs in the
# fast suite (test_model.py); the detailed checks of each one's config below run there for the
# baseline, one scenario with modules and one with a module list, and for all under `-m slow`.
FAST_SCENARIOS = ("baseline", "waico_us_counter", "fragmentation")


def fast_only(scenarios: list[str]) -> list:
    return [
        s if s in FAST_SCENARIOS else pytest.param(s, marks=pytest.mark.slow) for s in scenarios
    ]


def container(cfg) -> dict:
    return OmegaConf.to_container(cfg, resolve=True)


def flat(d: dict, prefix: str = "") -> dict:
    """{"a": {"b": 1}} -> {"a.b": 1}."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def check_message(message: str, key: str, allowed: tuple[str, ...]) -> None:
    """One non-empty line that starts with the key and says what is allowed."""
    assert message.strip(), "empty message"
    assert "\n" not in message, f"message spans lines: {message!r}"
    assert message.startswith(key), f"{message!r} does not start with {key!r}"
    for text in allowed:
        assert text in message, f"{text!r} missing from {message!r}"


# -- composition ----------------------------------------------------------------------------------


def test_scenario_list_matches_the_folder():
    assert "baseline" in SCENARIOS
    assert len(SCENARIOS) >= 2
    assert available("scenario") == SCENARIOS


@pytest.mark.parametrize("scenario", fast_only(SCENARIOS))
def test_every_scenario_composes_and_validates(scenario):
    cfg = compose_config(scenario)
    validate(cfg)  # compose_config validates already; must be idempotent on its own output
    assert OmegaConf.is_readonly(cfg)
    world = yaml.safe_load((CONFIGS / "world" / "default.yaml").read_text())
    assert list(cfg.states) == list(world["states"])
    assert {"us", "eu", "china"} <= set(cfg.states)
    n_events = sum(len(cfg.events[kind]) for kind in cfg.events)
    assert n_events >= 1


def test_some_scenarios_extend_baseline():
    assert len(EXTENDING) >= 3, EXTENDING


@pytest.mark.parametrize("scenario", fast_only(EXTENDING))
def test_extending_scenario_keeps_baseline_events_and_adds_its_own(scenario):
    base = container(composed().events)  # the reference, composed once for every scenario
    full = compose_config(scenario)
    cfg = container(full.events)
    # The EU AI Act milestones of the baseline survive unchanged.
    assert base["policy_shifts"], "the baseline should schedule the AI Act milestones"
    for kind, entries in base.items():
        for name, spec in entries.items():
            assert cfg[kind].get(name) == spec, f"{scenario} lost or changed {kind}.{name}"
    # The scenario's own events (read from its YAML and its modules') are added as written there.
    own = own_events(scenario)
    n_own = 0
    for kind, entries in own.items():
        for name, spec in entries.items():
            n_own += 1
            assert name not in base[kind], f"{kind}.{name} should be new in {scenario}"
            for field, value in spec.items():
                assert cfg[kind][name][field] == value, f"{kind}.{name}.{field}"
    n_base = sum(len(v) for v in base.values())
    assert sum(len(v) for v in cfg.values()) == n_base + n_own
    # A scenario without events of its own must change something else.
    whole = flat(container(full))
    assert n_own or whole != flat(container(composed())), scenario


@pytest.fixture
def fresh_hydra():
    """A cleared GlobalHydra before and after the test."""
    GlobalHydra.instance().clear()
    yield
    GlobalHydra.instance().clear()


# The baseline's case is `-m slow`: test_cli.py compares the real app's saved config with
# compose_config for the baseline in the fast suite.
@pytest.mark.parametrize(
    "scenario", [s if s != "baseline" else pytest.param(s, marks=pytest.mark.slow)
                 for s in fast_only(SCENARIOS)]
)  # fmt: skip
def test_hydra_app_composition_equals_compose_config(scenario, fresh_hydra):
    overrides = ["seed=5", "states.china.E=0.3"]
    ours = container(compose_config(scenario, overrides))
    assert not GlobalHydra.instance().is_initialized()
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3", job_name="test"):
        theirs = container(
            compose(config_name="config", overrides=[f"scenario={scenario}", *overrides])
        )
    assert theirs == ours
    assert ours["states"]["china"]["E"] == 0.3


# The same changes written as Python values and as Hydra strings.
PY_OVERRIDES = {
    "seed": 7,
    "steps": 8,
    "states.china.E": 0.3,
    "states.us.governance": "dual_track",
    "firms.rd_share": 0.4,
    "policy.speed": 0.2,
    "events.policy_shifts.ai_act_gpai.dR": 0.1,
    "output.figure": False,
}
HYDRA_OVERRIDES = [
    "seed=7",
    "steps=8",
    "states.china.E=0.3",
    "states.us.governance=dual_track",
    "firms.rd_share=0.4",
    "policy.speed=0.2",
    "events.policy_shifts.ai_act_gpai.dR=0.1",
    "output.figure=false",
]


def test_python_overrides_equal_hydra_string_overrides():
    by_python = container(compose_config("baseline", PY_OVERRIDES))
    by_hydra = container(compose_config("baseline", HYDRA_OVERRIDES))
    assert by_python == by_hydra
    # ...and they change exactly the keys named, to the values given.
    base = flat(container(composed()))
    changed = {k for k, v in flat(by_python).items() if base[k] != v}
    assert changed == set(PY_OVERRIDES)
    assert {k: flat(by_python)[k] for k in PY_OVERRIDES} == PY_OVERRIDES


def test_nested_mapping_overrides_equal_dotted():
    nested = compose_config("baseline", {"states": {"china": {"E": 0.3}}, "firms": {"margin": 0.4}})
    dotted = compose_config("baseline", {"states.china.E": 0.3, "firms.margin": 0.4})
    assert container(nested) == container(dotted)
    base = compose_config("baseline")
    assert nested.states.china.E == 0.3
    assert nested.states.china.R == base.states.china.R  # merged, not replaced
    assert nested.states.china.label == base.states.china.label


def test_python_event_merges_with_scenario_events():
    extra = {"date": "2026Q1", "issuer": "us", "target": "china", "severity": 0.2}
    cfg = compose_config("export_controls_tight", {"events.export_controls.extra": extra})
    tight = container(compose_config("export_controls_tight").events)
    events = container(cfg.events)
    assert {k: events["export_controls"]["extra"][k] for k in extra} == extra
    assert set(events["export_controls"]) == {*tight["export_controls"], "extra"}
    assert events["policy_shifts"] == tight["policy_shifts"]


def test_overrides_do_not_leak_between_calls():
    compose_config("baseline", {"states.china.E": 0.3})
    compose_config("baseline", ["states.china.E=0.2"])
    assert compose_config("baseline").states.china.E == 0.35


@pytest.mark.parametrize(
    "overrides",
    [{"states.china.E": 0.3}, {"states": {"china": {"E": 0.3}}}],
    ids=["dotted", "nested"],
)
def test_model_override_sets_state_at_construction(overrides):
    base = RegulatoryCompetition(**{"firms.n_initial": SMALL})
    model = RegulatoryCompetition(**overrides, **{"firms.n_initial": SMALL})
    assert base.state("china").E != 0.3  # the world file's value differs, so the check bites
    assert model.cfg.states.china.E == 0.3
    assert model.state("china").E == 0.3
    first = model.states_frame().query("step == 0").set_index("state")
    assert first.loc["china", "E"] == 0.3
    for name in model.state_names:
        if name != "china":
            assert model.state(name).E == base.state(name).E


def test_model_scenario_and_overrides_reach_the_model():
    model = RegulatoryCompetition(
        seed=11, scenario="export_controls_tight", **{"steps": 3, "firms.n_initial": SMALL}
    )
    assert model.seed == 11
    assert model.scenario == "export_controls_tight"
    assert model.cfg.steps == 3
    assert "tightening_2027" in model.cfg.events.export_controls
    # of the drawn firms, those that cannot cover their costs are not in a world at rest (ODD 5.1)
    assert 0.8 * SMALL < len(model.firm_agents) <= SMALL == model.cfg.firms.n_initial


# -- bad input ------------------------------------------------------------------------------------

STATES_HINT = "us, eu, china, uk, canada"

# (scenario, Hydra override strings, key the message must start with, texts it must contain).
# Each string is a new composition (about a second). Values that compose and then fail
# validation get the same message as the same value from Python (BAD_VALUES below, fast), so
# those run under `-m slow`; the fast suite keeps the strings Hydra itself reads or refuses.
CHECKED_BY_VALIDATE = pytest.mark.slow
BAD_STRINGS = [
    pytest.param(
        "baseline",
        ["firms.rd_shar=1"],
        "firms.rd_shar",
        ("unknown key 'rd_shar'", "did you mean 'rd_share'?"),
        id="unknown-key",
    ),
    pytest.param(
        "baseline",
        ["+firms.nonsense=1"],
        "firms.nonsense",
        ("unknown key 'nonsense'", "docs/parameters.md"),
        id="appended-unknown-key",
    ),
    pytest.param(
        "baseline",
        ["+nonsense=1"],
        "nonsense",
        ("unknown key", "allowed: seed, steps"),
        id="appended-top",
    ),
    pytest.param("baseline", ["steps=abc"], "steps", ("'abc'", "integer"), id="steps-not-int"),
    pytest.param(
        "baseline", ["firms.rd_share=high"], "firms.rd_share", ("'high'", "float"), id="not-float"
    ),
    pytest.param(
        "baseline",
        ["firms.market_review=1.5"],
        "firms.market_review",
        ("out of range", "[0, 1]"),
        id="probability-above-1",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "baseline",
        ["firms.rd_share=-0.1"],
        "firms.rd_share",
        ("out of range", "[0, 1]"),
        id="share-below-0",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "baseline",
        ["firms.n_initial=-5"],
        "firms.n_initial",
        ("out of range", "[1, "),
        id="negative-count",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "baseline",
        ["states.us.gdp=-1"],
        "states.us.gdp",
        ("out of range", "[0, 1000]"),
        id="neg-gdp",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "baseline",
        ["states.atlantis.R=0.5"],
        "states.atlantis",
        ("unknown state 'atlantis'", STATES_HINT),
        id="unknown-state",
    ),
    pytest.param(
        "baseline",
        ["events.policy_shifts.ai_act_gpai.state=atlantis"],
        "events.policy_shifts.ai_act_gpai.state",
        ("unknown state 'atlantis'", STATES_HINT),
        id="event-unknown-state",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "export_controls_tight",
        ["events.export_controls.tightening_2027.target=atlantis"],
        "events.export_controls.tightening_2027.target",
        ("unknown state 'atlantis'", STATES_HINT),
        id="event-unknown-target",
    ),
    pytest.param(
        "us_export_package",
        ["events.export_packages.asia_package.partners=[japan,atlantis]"],
        "events.export_packages.asia_package.partners",
        ("unknown state 'atlantis'", STATES_HINT),
        id="event-unknown-partner",
    ),
    pytest.param(
        "baseline",
        ["states.us.governance=federal"],
        "states.us.governance",
        ("'federal'", "single_track, dual_track, silos"),
        id="invalid-choice",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "nope",
        [],
        "scenario",
        ("unknown scenario 'nope'", "available: " + ", ".join(SCENARIOS)),
        id="unknown-scenario",
    ),
    pytest.param(
        "baseline",
        ["world=nope"],
        "world",
        ("unknown world 'nope'", "available: calibrated, default"),
        id="unknown-world",
    ),
    pytest.param(
        "baseline",
        ["events.policy_shifts.ai_act_gpai.date=2024Q4"],
        "events.policy_shifts.ai_act_gpai.date",
        ("2024Q4", "before the start 2025Q1"),
        id="event-before-start",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param(
        "baseline",
        ["start=2026Q1"],
        # the event is set in a file, so the message names the file first
        "configs/world/history.yaml: events.export_controls.diffusion_rescinded_india.date",
        ("before the start 2026Q1",),
        id="start-after-event",
    ),
    pytest.param(
        "baseline",
        ["events.policy_shifts.ai_act_gpai.date=2025-07"],
        "events.policy_shifts.ai_act_gpai.date",
        ("'2025-07'", "YYYYQn"),
        id="event-date-not-quarter",
        marks=CHECKED_BY_VALIDATE,
    ),
    pytest.param("baseline", ["start=2025"], "start", ("YYYYQn",), id="start-not-quarter"),
]


@pytest.mark.parametrize(("scenario", "overrides", "key", "allowed"), BAD_STRINGS)
def test_bad_hydra_overrides_raise_one_line_config_error(scenario, overrides, key, allowed):
    with pytest.raises(ConfigError) as info:
        compose_config(scenario, overrides)
    check_message(str(info.value), key, allowed)


# (Python overrides, key the message must start with, texts it must contain)
BAD_VALUES = [
    pytest.param({"firms.nonsense": 1}, "firms.nonsense", ("unknown key",), id="unknown-key"),
    pytest.param({"firms": {"nonsense": 1}}, "firms.nonsense", ("unknown key",), id="nested-key"),
    pytest.param({"steps": "abc"}, "steps", ("'abc'", "integer"), id="steps-not-int"),
    pytest.param({"steps": 2.5}, "steps", ("integer",), id="steps-float"),
    pytest.param({"firms.rd_share": "high"}, "firms.rd_share", ("float",), id="not-float"),
    pytest.param(
        {"firms.market_review": 1.5}, "firms.market_review", ("[0, 1]",), id="probability"
    ),
    pytest.param({"firms.n_initial": -5}, "firms.n_initial", ("out of range",), id="neg-count"),
    pytest.param({"states.us.gdp": -1}, "states.us.gdp", ("[0, 1000]",), id="negative-gdp"),
    pytest.param(
        {"states.japan.trust.china": 1.5},
        "states.japan.trust.china",
        ("out of range", "[0, 1]"),
        id="dict-entry",
    ),
    # A new state must give every field, so a lone value names an unknown state.
    pytest.param(
        {"states.atlantis.R": 0.5},
        "states.atlantis",
        ("unknown state", STATES_HINT),
        id="unknown-state",
    ),
    pytest.param(
        {"states": {"atlantis": {"R": 0.5}}},
        "states.atlantis",
        ("unknown state", STATES_HINT),
        id="nested-unknown-state",
    ),
    pytest.param(
        {"states.us.governance": "federal"},
        "states.us.governance",
        ("single_track, dual_track, silos",),
        id="invalid-choice",
    ),
    pytest.param(
        {"events.policy_shifts.ai_act_gpai.state": "atlantis"},
        "events.policy_shifts.ai_act_gpai.state",
        ("unknown state 'atlantis'", STATES_HINT),
        id="event-unknown-state",
    ),
    pytest.param(
        {"events.export_controls.extra": {"date": "2025Q3", "target": "atlantis", "severity": 0.2}},
        "events.export_controls.extra.target",
        ("unknown state 'atlantis'", STATES_HINT),
        id="new-event-unknown-target",
    ),
    pytest.param(
        {"events.policy_shifts.ai_act_gpai.date": "2024Q4"},
        "events.policy_shifts.ai_act_gpai.date",
        ("before the start 2025Q1",),
        id="event-before-start",
    ),
    pytest.param(
        {"events.policy_shifts.ai_act_gpai.date": "Q3 2025"},
        "events.policy_shifts.ai_act_gpai.date",
        ("YYYYQn",),
        id="event-date-not-quarter",
    ),
]


@pytest.mark.parametrize("via", ["compose_config", "model"])
@pytest.mark.parametrize(("overrides", "key", "allowed"), BAD_VALUES)
def test_bad_python_overrides_raise_one_line_config_error(via, overrides, key, allowed):
    with pytest.raises(ConfigError) as info:
        if via == "model":
            RegulatoryCompetition(**{"firms.n_initial": SMALL, **overrides})
        else:
            compose_config("baseline", overrides)
    check_message(str(info.value), key, allowed)


def test_model_unknown_scenario_lists_the_scenarios():
    with pytest.raises(ConfigError) as info:
        RegulatoryCompetition(scenario="nope")
    check_message(str(info.value), "scenario", ("'nope'", "available: " + ", ".join(SCENARIOS)))


def test_config_error_is_a_value_error():
    # Callers that catch ValueError (e.g. sweeps) still see bad configs.
    assert issubclass(ConfigError, ValueError)


# -- malformed YAML -------------------------------------------------------------------------------


@pytest.fixture
def patched_configs(config_copy, monkeypatch):
    """Point sim.tools.compose at a writable copy of configs/ (SIM_CONFIG_DIR does it at import).

    The copy keeps the files' times, so one is touched: the compositions are cached by the files'
    latest time, and the copy's must not be taken for the package's (nor the package's, composed
    once per test process, be cleared)."""
    os.utime(config_copy / "config.yaml")
    monkeypatch.setattr(compose_mod, "CONFIG_DIR", config_copy)
    return config_copy


@pytest.mark.parametrize("via", ["compose_config", "model"])
def test_malformed_scenario_yaml_names_file_and_line(patched_configs, via):
    broken = patched_configs / "scenario" / "broken.yaml"
    broken.write_text("# @package _global_\nsteps: 8\n  firms: 3\n")
    assert compose_config("baseline").steps == 40  # the copy itself is fine
    with pytest.raises(ConfigError) as info:
        if via == "model":
            RegulatoryCompetition(scenario="broken")
        else:
            compose_config("broken")
    message = str(info.value)
    check_message(message, "malformed YAML", (str(broken), "line 3"))


def test_malformed_world_yaml_names_file_and_line(patched_configs):
    world = patched_configs / "world" / "default.yaml"
    world.write_text("# @package _global_\nstates:\n  us: {R: 0.1\n  eu: 3\n")
    with pytest.raises(ConfigError) as info:
        compose_config("baseline")
    check_message(str(info.value), "malformed YAML", (str(world), "line 4"))

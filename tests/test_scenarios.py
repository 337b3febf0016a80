"""The scenario library: modules that compose, the fragmentation and convergence worlds, and
scenarios from a user's own folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import composed
from omegaconf import OmegaConf

from sim import ConfigError, RegulatoryCompetition
from sim.tools.compose import available, compose_config, module_groups
from sim.tools.validate import quarter_index

CONFIGS = Path(__file__).resolve().parent.parent / "configs"
MODULES = [(g, o) for g in module_groups() for o in available(g)]
# Composing a module onto the baseline costs about a second: the fast suite checks each group's
# first option (every group's options share one folder and one shape), `-m slow` every option.
FAST_MODULES = [
    (g, o) if o == available(g)[0] else pytest.param(g, o, marks=pytest.mark.slow)
    for g, o in MODULES
]


def events(cfg) -> dict[str, set[str]]:
    return {kind: set(cfg.events[kind]) for kind in cfg.events}


def plain(cfg) -> dict:
    return OmegaConf.to_container(cfg, resolve=True)


def test_module_groups_are_the_null_defaults_and_each_has_options():
    assert module_groups() == ["export_controls", "us_policy", "eu_policy", "china_policy", "waico"]
    for group in module_groups():
        assert available(group), f"configs/{group}/ has no options"


@pytest.mark.parametrize(("group", "option"), FAST_MODULES)
def test_every_module_has_a_header_and_composes_onto_the_baseline(group, option):
    lines = (CONFIGS / group / f"{option}.yaml").read_text().splitlines()
    assert lines[0].startswith("# @package ") and lines[1].startswith("# "), (group, option)
    cfg = compose_config("baseline", [f"{group}={option}"])
    assert plain(cfg) != plain(composed()), f"{group}={option} changes nothing"


BRANCH = "2027Q1"  # the record (configs/world/history.yaml) covers 2025-2026


@pytest.mark.parametrize(("group", "option"), FAST_MODULES)
def test_every_module_branches_from_the_record_no_earlier_than_2027(group, option):
    cfg = compose_config("baseline", [f"{group}={option}"])
    for kind in cfg.events:
        for name in beyond_record(cfg, kind):
            date = cfg.events[kind][name].date
            assert quarter_index(date, BRANCH, name) >= 0, f"{group}={option}: {name} {date}"
    if cfg.waico.enabled:
        # the proposal is in the record, the founding is not
        founded = quarter_index(cfg.waico.proposed, BRANCH, "waico") + cfg.waico.founding_lag
        assert cfg.waico.proposed == "2025Q3" and founded == 0, (group, option)


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_the_record_is_in_every_scenario_and_holds_the_omnibus_dates():
    record = composed().events
    shifts = record.policy_shifts
    assert shifts.ai_act_high_risk.date == "2027Q4" and shifts.ai_act_products.date == "2028Q3"
    for scenario in ("fragmentation", "convergence", "waico_us_counter"):
        cfg = compose_config(scenario)
        for kind in record:
            assert set(record[kind]) <= set(cfg.events[kind]), (scenario, kind)


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_scenario_plus_module_from_the_command_line_adds_both_ideas():
    both = compose_config("waico_hk_cohost", ["export_controls=tight"])
    waico = compose_config("waico_hk_cohost")
    tight = compose_config("export_controls_tight")
    assert both.waico == waico.waico and both.waico.hq == "cohost"
    assert events(both) == events(tight)
    # the same world whichever idea is the scenario and which the module
    assert plain(both) == plain(compose_config("export_controls_tight", ["waico=hk_cohost"]))


def beyond_record(cfg, kind: str) -> set[str]:
    """The events of ``kind`` a scenario adds to the record (configs/world/history.yaml)."""
    return set(cfg.events[kind]) - set(composed().events[kind])


def test_a_module_on_the_command_line_replaces_the_scenarios_choice():
    cfg = compose_config("export_controls_tight", ["export_controls=relaxed"])
    assert beyond_record(cfg, "export_controls") == {"relaxation_2027"}
    assert not cfg.events.bans


def test_two_options_of_one_group_combine():
    cfg = compose_config("baseline", ["us_policy=[deregulation,export_package]"])
    assert (
        "us_deregulation" in cfg.events.policy_shifts
        and "asia_package" in cfg.events.export_packages
    )


def test_python_modules_equal_hydra_strings():
    via_python = compose_config("waico_hk_cohost", {"export_controls": "tight", "steps": 8})
    via_hydra = compose_config("waico_hk_cohost", ["export_controls=tight", "steps=8"])
    assert plain(via_python) == plain(via_hydra)
    model = RegulatoryCompetition(seed=1, scenario="waico_hk_cohost", export_controls="tight")
    assert model.scenario == "waico_hk_cohost+export_controls=tight"
    assert beyond_record(model.cfg, "export_controls") == {"tightening_2027", "tightening_2027b"}


def test_unknown_module_option_lists_the_options():
    with pytest.raises(ConfigError) as info:
        compose_config("baseline", ["export_controls=tigth"])
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("export_controls: unknown export_controls 'tigth'")
    assert "relaxed, tight" in msg


@pytest.mark.parametrize("world", ["fragmentation", "convergence"])
def test_the_worlds_are_compositions_with_stated_changes(world):
    raw = yaml.safe_load((CONFIGS / "scenario" / f"{world}.yaml").read_text())
    overrides = [d for d in raw["defaults"] if isinstance(d, dict)]
    assert len(overrides) >= 2, "a world combines several modules"
    text = (CONFIGS / "scenario" / f"{world}.yaml").read_text()
    for line in text.split("_self_")[1].splitlines():
        if ":" in line and not line.rstrip().endswith(":"):
            assert "#" in line, f"{world}: a changed value needs a stated reason: {line}"


@pytest.mark.slow
def test_fragmentation_world_is_more_fragmented_than_convergence_world():
    """Market-weighted dispersion of stances after ten years, three seeds each."""

    def final(scenario):
        runs = [RegulatoryCompetition(seed=s, scenario=scenario).run() for s in range(3)]
        return np.mean([m.model_frame().fragmentation.iloc[-1] for m in runs])

    frag, base, conv = final("fragmentation"), final("baseline"), final("convergence")
    assert frag > base + 0.05 and conv < base - 0.03, (frag, base, conv)


# -- a user's own folder ------------------------------------------------------------------------

STATE = """# @package _global_
# Test world: a new state.
defaults:
  - baseline
  - _self_
states:
  brazil: {label: Brazil, R: 0.3, F: 0.35, E: 0.25, gdp: 2.2, ai_market: 2.0,
    ai_investment: 0.2, compute_access: 0.9, chips: 0.01, talent: 0.02, firm_weight: 60,
    capability_scale: 0.2, open_share: 0.75, alignment: {us: 0.5, eu: 0.4, china: 0.35}}
"""


@pytest.fixture
def user_dir(tmp_path) -> Path:
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "with_brazil.yaml").write_text(STATE)
    return tmp_path


def test_a_users_scenario_adds_a_state_and_composes_with_modules(user_dir):
    model = RegulatoryCompetition(
        seed=3, scenario="with_brazil", config_dirs=[user_dir], export_controls="tight", steps=4
    ).run()
    st = model.states_frame()
    assert (st.state == "brazil").sum() == 5 and st[st.state == "brazil"].firms.iloc[-1] > 0
    assert {"tightening_2027"} <= set(model.cfg.events.export_controls)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # `-m slow`: a range check; the validator naming the file stays fast (chips, brasil)
        pytest.param(
            "gdp: 2.2",
            "gdp: -2.2",
            "states.brazil.gdp = -2.2 is out of range; allowed [0, 1000]",
            marks=pytest.mark.slow,
        ),
        ("gdp: 2.2", "gdp: lots", "states.brazil.gdp: 'lots' is not a valid float"),
        ("chips: 0.01, ", "", "states.brazil: new state is missing chips"),
        (
            "R: 0.3,",
            "R: 0.3, trust: {brasil: 0.5},",
            "unknown state 'brasil'; did you mean 'brazil'",
        ),
    ],
)
def test_a_mistake_in_a_users_file_names_the_file_the_key_and_what_is_allowed(
    user_dir, old, new, expected
):
    path = user_dir / "scenario" / "with_brazil.yaml"
    path.write_text(STATE.replace(old, new))
    with pytest.raises(ConfigError) as info:
        compose_config("with_brazil", config_dirs=[user_dir])
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"{path}: ") and expected in msg, msg


def test_a_command_line_value_is_not_blamed_on_a_file(user_dir):
    with pytest.raises(ConfigError) as info:
        compose_config("with_brazil", ["states.brazil.gdp=-1"], config_dirs=[user_dir])
    assert str(info.value).startswith("states.brazil.gdp = -1.0 is out of range")


def test_a_users_file_shadowed_by_the_package_is_refused(user_dir):
    (user_dir / "scenario" / "baseline.yaml").write_text(STATE)
    with pytest.raises(ConfigError, match="has the same name and would be used instead"):
        compose_config("with_brazil", config_dirs=[user_dir])


def test_a_missing_config_dir_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"--config-dir: folder .* not found"):
        compose_config("baseline", config_dirs=[tmp_path / "nowhere"])


def test_an_edited_user_file_is_read_again(user_dir):
    """The composition cache must not serve a notebook user their old file."""
    assert compose_config("with_brazil", config_dirs=[user_dir]).states.brazil.gdp == 2.2
    path = user_dir / "scenario" / "with_brazil.yaml"
    path.write_text(STATE.replace("gdp: 2.2", "gdp: 2.5"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert compose_config("with_brazil", config_dirs=[user_dir]).states.brazil.gdp == 2.5

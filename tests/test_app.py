"""The dashboard without a browser: its controls come from the config tree and the schemas, its
figures plot the model's own tables, and the rendered page steps, resets and changes scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

solara = pytest.importorskip("solara", reason="the dashboard needs the [viz] extra")
pytest.importorskip("mesa.visualization", reason="the dashboard needs the [viz] extra")

import ipyvuetify as v  # noqa: E402

from sim.dashboard import controls, figures, pages  # noqa: E402
from sim.dashboard.canvas import Blitter  # noqa: E402
from sim.dashboard.controls import AS_SCENARIO, DashboardModel  # noqa: E402
from sim.tools.compose import available, module_groups  # noqa: E402


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch) -> Path:
    """A user's config folder handed to the dashboard, as ``python -m sim.app --config-dir``."""
    (tmp_path / "scenario").mkdir()
    monkeypatch.setenv(controls.CONFIG_DIRS_ENV, str(tmp_path))
    return tmp_path


def test_selects_list_the_config_tree_and_a_new_scenario_file(user_dir):
    params = controls.model_params()
    assert params["scenario"]["values"] == available("scenario")
    for group in module_groups():
        assert params[group]["values"] == [AS_SCENARIO, *available(group)]
    (user_dir / "scenario" / "my_world.yaml").write_text(
        "# @package _global_\ndefaults:\n  - baseline\n  - _self_\n"
    )
    assert "my_world" in controls.model_params()["scenario"]["values"]


def test_sliders_take_range_from_schema_and_start_at_baseline():
    params = controls.model_params()
    assert len(controls.STUDENT_PARAMS) >= 12
    china_e = params["states.china.E"]
    assert (china_e["min"], china_e["max"]) == (0, 1)
    assert params["local.competition"]["max"] == controls.field_meta("local.competition")["hi"]
    assert china_e["value"] == DashboardModel().cfg.states.china.E


def test_untouched_controls_leave_the_scenario_alone():
    base = controls.baseline_values()
    untouched = {"export_controls": AS_SCENARIO, **base}
    assert controls.overrides_from_widgets(untouched) == {}
    moved = {**untouched, "export_controls": "tight", "waico.us_pressure": 5.0}
    assert controls.overrides_from_widgets(moved) == {
        "export_controls": "tight",
        "waico.us_pressure": 5.0,
    }
    model = DashboardModel(scenario="waico_us_counter", **untouched)
    assert model.cfg.waico.us_pressure != base["waico.us_pressure"]  # the scenario's own value


def test_figures_plot_the_models_own_columns():
    model = DashboardModel(seed=3)
    model.run(4)
    frame = model.model_frame()
    cap = figures.poles(model).axes[0]
    china = next(line for line in cap.lines if line.get_label() == "china")
    np.testing.assert_array_equal(china.get_ydata(), frame.capability_share_china)
    frag = figures.poles(model).axes[2].lines[0]
    np.testing.assert_array_equal(frag.get_ydata(), frame.fragmentation)
    states = model.states_frame()
    lines = figures.stances(model).axes[0].lines
    r_china = next(line for line in lines if line.get_label() == "china")
    np.testing.assert_array_equal(r_china.get_ydata(), states[states.state == "china"].R)


BUILDERS = ("poles", "stances", "localities", "instruments", "waico", "trust_and_accords")


@pytest.mark.parametrize("name", BUILDERS)
def test_a_step_redraws_in_place_what_a_full_drawing_shows(name):
    """The image of a step, drawn over the kept background, is the image of the figure drawn
    from scratch: nothing the step changed is left stale (a title, a range, a new row)."""
    model = DashboardModel(seed=1, scenario="waico_shanghai")
    build = getattr(figures, name)
    blitter = Blitter(build(model))
    first = blitter.png()
    for _ in range(6):
        model.step()
        assert build(model, fig=blitter.fig) is blitter.fig
        step = blitter.png()
    blitter.key = None  # forget the background: the next image is drawn whole
    assert step == blitter.png() and step != first


def test_fixed_ranges_keep_the_background_for_the_whole_run():
    model = DashboardModel(seed=2)
    blitter = Blitter(figures.stances(model))
    for _ in range(model.cfg.steps):
        model.step()
        figures.stances(model, fig=blitter.fig)
        blitter.png()
    assert blitter.full_draws == 1  # only the lines were drawn at each step


def test_broken_user_scenario_shows_one_line_in_the_page(user_dir):
    (user_dir / "scenario" / "broken.yaml").write_text(
        "# @package _global_\ndefaults:\n  - baseline\n  - _self_\npolicy:\n  speed: 7\n"
    )
    model = DashboardModel(scenario="broken")
    assert model.error is not None and "\n" not in model.error
    assert "policy.speed" in model.error and "broken.yaml" in model.error
    assert not model.running
    model.step()  # does nothing, not even count
    assert model.steps == 0
    _, rc = solara.render(_panel(pages.COMPONENTS[0][0], model), handle_error=False)
    shown = rc.find(v.Alert).widget
    assert model.error in str(shown.children)


@solara.component
def _panel(show, model):
    return show(model)


class Spy:
    """Records the models and figures the pages draw (the figure components' inputs)."""

    def __init__(self, monkeypatch):
        self.models, self.figures = [], []
        table, png = figures.table, Blitter.png

        def spy_table(model, name):
            self.models.append(model)
            return table(model, name)

        def spy_png(blitter):
            self.figures.append(blitter.fig)
            return png(blitter)

        monkeypatch.setattr(figures, "table", spy_table)
        monkeypatch.setattr(Blitter, "png", spy_png)

    def china_share(self) -> np.ndarray:
        """The plotted capability share of China in the last drawing of the poles figure."""
        poles = [f for f in self.figures if "world capability" in f.axes[0].get_title()][-1]
        return next(ln for ln in poles.axes[0].lines if ln.get_label() == "china").get_ydata()


def _button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def test_page_steps_resets_changes_scenario_and_shows_config_errors(monkeypatch, user_dir):
    (user_dir / "scenario" / "broken.yaml").write_text(
        "# @package _global_\ndefaults:\n  - baseline\n  - _self_\nlocal:\n  herding: 2\n"
    )
    spy = Spy(monkeypatch)
    from sim.app import Page

    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    first = spy.models[-1]
    assert first.steps == 0 and len(spy.china_share()) == 1
    assert rc.find(v.Html, children=["Step: 0"])  # Mesa's step counter in the sidebar

    _button(rc, "Step").click()
    _button(rc, "Step").click()
    assert spy.models[-1] is first and first.steps == 2
    np.testing.assert_array_equal(spy.china_share(), first.model_frame().capability_share_china)
    assert len(spy.china_share()) == 3

    scenario = rc.find(v.Select, label="Scenario").widget
    scenario.v_model = "export_controls_tight"
    _button(rc, "Reset").click()
    tight = spy.models[-1]
    assert tight is not first and tight.steps == 0
    assert tight.scenario == "export_controls_tight" and len(tight.cfg.events.export_controls) > 0
    assert len(spy.china_share()) == 1  # the figures were redrawn from the new model

    scenario.v_model = "broken"
    _button(rc, "Reset").click()
    alerts = [str(a.widget.children) for a in rc.find(v.Alert)]
    assert alerts and all("local.herding" in a and "broken.yaml" in a for a in alerts)
    _button(rc, "Step").click()  # nothing to step; Mesa disables the button after trying
    assert rc.find(v.Html, children=["Step: 0"]) and _button(rc, "Step").disabled
    scenario.v_model = "baseline"
    _button(rc, "Reset").click()
    assert not rc.find(v.Alert) and spy.models[-1].scenario == "baseline"


def test_side_by_side_runs_the_same_seed_under_another_scenario(monkeypatch):
    spy = Spy(monkeypatch)
    model = DashboardModel(seed=5)
    model.run(3)
    solara.render(_panel(pages.compare, model), handle_error=False)
    right = next(m for m in spy.models if m is not model)
    assert right.seed == model.seed and right.steps == model.steps
    assert right.scenario == pages.COMPARE_DEFAULT
    assert "vs export_controls_tight" in spy.figures[-1].get_suptitle()


@pytest.mark.slow  # the launcher in a subprocess
def test_launcher_refuses_a_missing_config_folder(run_sim, tmp_path):
    result = run_sim(["--config-dir", "no_such_folder"], cwd=tmp_path, module="sim.app")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: --config-dir: folder")
    assert "no_such_folder" in result.stderr

"""The dashboard's four pages as ``(component, page)`` pairs for Mesa's ``SolaraViz``.

Page 0: the three poles; page 1: China's dual track; page 2: WAICO and the other instruments;
page 3: the same seed under two scenarios (``NamedPages`` shows them as tabs of those names).
Each panel is a plain function of the model, drawn again after every step; its figure is kept
from step to step and only what the step changed is drawn (``canvas.Blitter``).
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from mesa.visualization.solara_viz import make_initial_grid_layout
from mesa.visualization.utils import update_counter
from solara.alias import rw

from sim.dashboard import figures
from sim.dashboard.canvas import Blitter
from sim.dashboard.controls import DashboardModel, options

PAGE_TITLES = (
    "The three poles",
    "China's dual track",
    "WAICO and the other instruments",
    "Side by side",
)
# Compared with the baseline, or the baseline with this (when the run is the baseline).
COMPARE_DEFAULT = "export_controls_tight"


def _figure(draw: Callable, *models) -> solara.Element:
    """The figure ``draw(*models)`` as an image, updated when a model steps; a refused config
    leaves no tables to draw, so its one line stands in the figure's place."""
    key = [m for model in models for m in (model, model.steps)]
    failed = next((model.error for model in models if model.error), None)
    kept = solara.use_ref(None)  # (models, blitter) of the last drawing

    def redraw() -> bytes | None:
        if failed:
            return None
        same = kept.current and all(a is b for a, b in zip(kept.current[0], models, strict=True))
        if same:
            draw(*models, fig=kept.current[1].fig)  # in place: the figure keeps its axes
        else:
            kept.current = (models, Blitter(draw(*models)))
        return kept.current[1].png()

    # The hooks run on every render, error or not (hooks must keep their order).
    png: bytes | None = solara.use_memo(redraw, key)
    if failed:
        return solara.Error(f"Config error: {failed}")
    return rw.Image(value=png, format="png")


def _run(model) -> str:
    """Scenario, seed and quarter of the run (a refused config has no quarter)."""
    when = "" if model.error else f", {figures.when(model)}"
    return f"{model.scenario}, seed {model.seed}{when}"


def panel(page: int, title: str, text: str, draw: Callable) -> Callable:
    """A panel: a heading (page name and panel title), a line for students, a figure."""

    def show(model):
        with solara.Column(gap="4px") as column:
            solara.Markdown(f"**{PAGE_TITLES[page]}: {title}** ({_run(model)}). {text}")
            _figure(draw, model)
        return column

    show.__name__ = f"{draw.__name__}_panel"
    return show


def twin(model: DashboardModel, scenario: str) -> DashboardModel:
    """The main model's seed and widget values under another scenario, not yet stepped."""
    return DashboardModel(seed=model.seed, scenario=scenario, **model.widget_values)


def compare(model):
    """Page 3: the main model beside a twin under the chosen scenario, stepped to the same
    quarter."""
    names = options("scenario")
    first = "baseline" if model.scenario != "baseline" else COMPARE_DEFAULT
    other = solara.use_reactive(first if first in names else names[0])
    right = solara.use_memo(lambda: twin(model, other.value), [model, other.value])
    while right.running and right.steps < model.steps:
        right.step()
    with solara.Column(gap="4px") as column:
        solara.Markdown(
            f"**{PAGE_TITLES[3]}** ({_run(model)}). The run on the left (solid) "
            "against the same seed and settings under another scenario (dashed): what one "
            "lever changes."
        )
        solara.Select("Compare with scenario", value=other, values=names)
        _figure(figures.compare, model, right)
    return column


COMPONENTS = [
    (
        panel(
            0,
            "capability and foundation models",
            "Shares of the US, EU and China poles; fragmentation is how far apart the "
            "stances are (0: all alike).",
            figures.poles,
        ),
        0,
    ),
    (
        panel(
            0,
            "stances",
            "How restrictive, facilitative and strict each main state is.",
            figures.stances,
        ),
        0,
    ),
    (
        panel(
            1,
            "localities",
            "Local governments compete on facilitation, spend (and waste) budget and "
            "herd into local LLMs.",
            figures.localities,
        ),
        1,
    ),
    (
        panel(
            1,
            "instruments",
            "Which local instruments spread, and which the centre codified.",
            figures.instruments,
        ),
        1,
    ),
    (
        panel(
            2,
            "membership",
            "Who joins WAICO (only in scenarios that propose it), how close members' "
            "rules are, trust.",
            figures.waico,
        ),
        2,
    ),
    (
        panel(
            2,
            "trust and accords",
            "Trust between states now, and the signatories of the other instruments.",
            figures.trust_and_accords,
        ),
        2,
    ),
    (compare, 3),
]


def _live(show: Callable) -> solara.Component:
    """``show`` as a component drawn again at every step (Mesa's counter)."""

    @solara.component
    def Live(model):
        update_counter.get()
        return show(model)

    return Live


@solara.component
def NamedPages(components: list, model) -> None:
    """Mesa 3.3.1's ``ComponentsView`` with each tab named by its page, where Mesa's own calls
    them "Page 0" to "Page 3" and takes no names: only the visible page is drawn, its panels in
    Mesa's draggable grid. ``sim/app.py`` puts it in Mesa's place."""
    tab, set_tab = solara.use_state(0)
    layouts, set_layouts = solara.use_state({})
    # Wrapped once: a component made anew at each render would be mounted (and drawn) anew.
    live = solara.use_memo(lambda: [(_live(show), page) for show, page in components], [])
    with solara.v.Tabs(v_model=tab, on_v_model=set_tab):
        for title in PAGE_TITLES:
            solara.v.Tab(children=[title])
    # A grid per page, as Mesa's: the browser's grid keeps its first items when given others.
    with solara.v.TabsItems(v_model=tab):
        for index in range(len(PAGE_TITLES)):
            with solara.v.TabItem():
                if index == tab:
                    shown = [show for show, page in live if page == tab]
                    solara.GridDraggable(
                        items=[show(model) for show in shown],
                        grid_layout=layouts.get(tab) or make_initial_grid_layout(len(shown)),
                        resizable=True,
                        draggable=True,
                        on_grid_layout=lambda new: set_layouts(lambda old: {**old, tab: new}),
                    )

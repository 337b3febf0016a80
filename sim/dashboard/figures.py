"""Matplotlib figures of the dashboard's pages, drawn from the model's own tables.

Every panel plots a column of ``model_frame()``, ``states_frame()``, ``localities_frame()`` or
``instruments_frame()`` (or an agent attribute) as it is: no metric is computed here, only
selected, summed over localities or pivoted. A figure builder takes a model and returns a
``matplotlib.figure.Figure`` (no pyplot: the server draws from several threads).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.config import MAIN_STATES, POLES

POLE_COLOURS = {"us": "tab:blue", "eu": "tab:green", "china": "tab:red"}
DPI = 72


def _new(height: float, width: float = 6.4, left: float = 0.08) -> Figure:
    # Fixed margins: constrained layout doubles the time to draw a page.
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=left, right=0.98, top=1 - 0.6 / height, bottom=0.35 / height)
    return fig


def _figure(rows: int, height: float = 2.3, width: float = 6.4) -> tuple[Figure, list]:
    fig = _new(height * rows, width)
    axes = fig.subplots(rows, 1, squeeze=False, gridspec_kw={"hspace": 0.45})[:, 0]
    return fig, list(axes)


def _line(ax, key: str, x, y, **style):
    """Line ``key`` of ``ax``, created or given new data: a figure kept from step to step keeps
    its artists, ticks and legend, which is most of the time its drawing takes."""
    for line in ax.lines:
        if line.get_gid() == key:
            line.set_data(x, y)
            return line
    return ax.plot(x, y, gid=key, **style)[0]


def _when(model) -> str:
    year, quarter = model.calendar(model.steps)
    return f"{year}Q{quarter}"


def table(model, name: str) -> pd.DataFrame:
    """``model.<name>_frame()`` at the current step, read once per step for all the panels
    (states, localities and instruments tables also get the model frame's ``time``)."""
    cache = model.__dict__.setdefault("_dashboard_tables", {})
    if cache.get("step") != model.steps:
        cache.clear()
        cache["step"] = model.steps
    if name not in cache:
        df = getattr(model, f"{name}_frame")()
        if name != "model":
            df = df.assign(time=df.step.map(table(model, "model").set_index("step")["time"]))
        cache[name] = df
    return cache[name]


def _horizon(model, *axes, y: bool = True) -> None:
    """Fix the time axis to the whole run, so the curves grow across the page as it plays, with
    few ticks (tick labels are most of the drawing time); ``y=False`` keeps a heatmap's rows."""
    start = float(table(model, "model").time.iloc[0])
    for ax in axes:
        ax.set_xlim(start - 0.125, start + model.cfg.steps / 4 + 0.125)
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        if y:
            ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.tick_params(labelsize=7)


def poles(model, fig: Figure | None = None) -> Figure:
    """Capability and foundation-model shares of the three poles, and fragmentation (``fig``:
    this figure drawn at an earlier step of the same model, updated in place)."""
    df = table(model, "model")
    fresh = fig is None
    fig, (cap, fm, frag) = _figure(3) if fresh else (fig, fig.axes)
    for ax, kind, title in (
        (cap, "capability", "share of world capability"),
        (fm, "foundation_model", "share of foundation models (last 4 quarters)"),
    ):
        for pole in POLES:
            col = f"{kind}_share_{pole}"
            _line(ax, col, df.time, df[col], color=POLE_COLOURS[pole], label=pole)
        if fresh:
            ax.set_title(title, fontsize=10)
            ax.set_ylim(0, 1)
    _line(frag, "fragmentation", df.time, df.fragmentation, color="black")
    frag.set_ylim(0, max(0.5, float(df.fragmentation.max()) * 1.1))
    if fresh:
        cap.legend(loc="upper right", fontsize=8, ncol=3)
        frag.set_title("fragmentation of stances (R, F, E)", fontsize=10)
        _horizon(model, cap, fm, frag)
    fig.suptitle(f"{model.scenario}, seed {model.seed}: {_when(model)}", fontsize=10)
    return fig


def stances(model, fig: Figure | None = None) -> Figure:
    """Restrictiveness R, facilitation F and enforcement E of the main states."""
    df = table(model, "states")
    df = df[df.state.isin(MAIN_STATES)]
    fresh = fig is None
    fig, axes = _figure(3) if fresh else (fig, fig.axes)
    for ax, col, title in zip(
        axes, "RFE", ("restrictiveness R", "facilitation F", "enforcement E"), strict=True
    ):
        for name, rows in df.groupby("state", sort=False):
            _line(ax, name, rows.time, rows[col], label=name, lw=1.5)
        if fresh:
            ax.set_title(title, fontsize=10)
            ax.set_ylim(0, 1)
    if fresh:
        axes[0].legend(loc="upper right", fontsize=7, ncol=4)
        _horizon(model, *axes)
    fig.suptitle(f"stances of the main states: {_when(model)}", fontsize=10)
    return fig


def _china_localities(model) -> pd.DataFrame:
    df = table(model, "localities")
    return df[df.state == "china"]


def localities(model, fig: Figure | None = None) -> Figure:
    """China's localities: facilitation, spending and waste, and the LLM herd."""
    df = _china_localities(model)
    fresh = fig is None
    fig, (fac, money, herd) = _figure(3) if fresh else (fig, fig.axes)
    for name, rows in df.groupby("locality", sort=False):
        _line(fac, name, rows.time, rows.facilitation, color="tab:red", alpha=0.35, lw=0.8)
    total = df.groupby("time")[["spending", "waste"]].sum()
    _line(money, "spending", total.index, total.spending, label="spending", color="tab:orange")
    _line(money, "waste", total.index, total.waste, label="waste", color="tab:gray")
    money.relim()
    money.autoscale_view(scalex=False)
    bets = df.groupby("time").llm_bet.sum()
    _line(herd, "bets", bets.index, bets.values, color="tab:purple", drawstyle="steps-post")
    if fresh:
        fac.set_title(f"facilitation of China's {df.locality.nunique()} localities", fontsize=10)
        fac.set_ylim(0, 1)
        money.set_title("localities' AI spending and waste (USD bn per quarter)", fontsize=10)
        money.legend(loc="upper right", fontsize=8)
        herd.set_title("localities betting on their own LLM (the herd)", fontsize=10)
        herd.set_ylim(0, max(1, df.locality.nunique()))
        _horizon(model, fac, money, herd)
    fig.suptitle(f"China's dual track: {_when(model)}", fontsize=10)
    return fig


def instruments(model) -> Figure:
    """Share of China's localities holding each instrument over time; codified ones marked."""
    df = table(model, "instruments")
    df = df[df.state == "china"]
    fig = _new(6.9, left=0.36)
    ax = fig.subplots()
    if df.empty:
        ax.text(0.5, 0.5, "no Chinese localities here", ha="center", transform=ax.transAxes)
        return fig
    share = df.assign(share=df.adopters / df.localities).pivot_table(
        index="instrument", columns="time", values="share", fill_value=0.0
    )
    first = df.groupby("instrument").time.min()
    share = share.loc[first.sort_values(kind="stable").index]
    times = share.columns.to_numpy()
    ax.pcolormesh(
        np.append(times, times[-1] + 0.25) - 0.125,
        np.arange(len(share) + 1) - 0.5,
        share.to_numpy(),
        cmap="Reds",
        vmin=0,
        vmax=1,
    )
    codified = df.dropna(subset=["codified_at"]).groupby("instrument").codified_at.first()
    labels = []
    for i, name in enumerate(share.index):
        at = codified.get(name)
        if at is not None:
            when = table(model, "model").set_index("step")["time"].get(int(at) + 1)
            if when is not None:
                ax.plot(when, i, marker="*", color="gold", markersize=11, mec="black")
        labels.append(f"{name} (codified)" if at is not None else name)
    ax.set_yticks(range(len(share)), labels, fontsize=7)
    _horizon(model, ax, y=False)
    ax.set_title(
        f"share of China's localities holding each instrument, {_when(model)}\n"
        "(star: the quarter the centre codified it)",
        fontsize=9,
    )
    return fig


def waico(model) -> Figure:
    """WAICO membership over time, harmonisation and trust."""
    states = table(model, "states")
    member = states.pivot_table(
        index="state", columns="time", values="waico_member", aggfunc="max", sort=False
    ).astype(float)
    df = table(model, "model")
    fig = _new(6.9, left=0.18)
    grid, lines = fig.subplots(2, 1, height_ratios=[3, 2], gridspec_kw={"hspace": 0.3})
    times = member.columns.to_numpy()
    grid.pcolormesh(
        np.append(times, times[-1] + 0.25) - 0.125,
        np.arange(len(member) + 1) - 0.5,
        member.to_numpy(),
        cmap="Blues",
        vmin=0,
        vmax=1.3,
    )
    grid.set_yticks(range(len(member)), member.index, fontsize=7)
    grid.set_title(f"WAICO members over time ({int(df.waico_members.iloc[-1])} now)", fontsize=10)
    lines.plot(df.time, df.waico_harmonisation, label="harmonisation of members", color="tab:blue")
    lines.plot(df.time, df.mean_trust, label="mean trust between states", color="tab:green")
    lines.plot(df.time, df.waico_gdp_share, label="members' share of world GDP", color="tab:gray")
    lines.set_ylim(0, 1)
    lines.legend(loc="lower right", fontsize=8)
    _horizon(model, grid, y=False)
    _horizon(model, lines)
    fig.suptitle(f"WAICO: {_when(model)}", fontsize=10)
    return fig


def trust_and_accords(model, fig: Figure | None = None) -> Figure:
    """Trust between states now (``model.trust``) and who signed the other instruments."""
    names = model.state_names
    others = [i for i in model.institutions if hasattr(i, "signatories")]
    signed = np.array([[s in a.signatories for s in model.states] for a in others], dtype=float)
    in_force = np.array([a.in_force(model.steps - 1) for a in others], dtype=float)
    shade = signed * (0.5 + 0.5 * in_force[:, None])
    title = f"trust of row in column (same order), {_when(model)}"
    if fig is not None:
        trust, accords = fig.axes[:2]
        trust.images[0].set_data(model.trust)
        accords.images[0].set_data(shade)
        trust.set_title(title, fontsize=9)
        return fig
    fig = _new(6.9, left=0.4)
    fig.subplots_adjust(bottom=0.13)
    trust, accords = fig.subplots(2, 1, height_ratios=[3, 2], gridspec_kw={"hspace": 0.45})
    image = trust.imshow(model.trust, cmap="Greens", vmin=0, vmax=1)
    trust.set_xticks([])
    trust.set_yticks(range(len(names)), names, fontsize=7)
    trust.set_title(title, fontsize=9)
    fig.colorbar(image, ax=trust, shrink=0.8)
    accords.imshow(shade, cmap="Purples", vmin=0, vmax=1)
    accords.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
    accords.set_yticks(range(len(others)), [a.label[:38] for a in others], fontsize=7)
    accords.set_title("signatories of the other instruments (pale: not yet in force)", fontsize=9)
    return fig


def compare(left, right, fig: Figure | None = None) -> Figure:
    """Two models (same seed, two scenarios) on the same axes: what one lever changes."""
    runs = ((left, "tab:blue", "-"), (right, "tab:orange", "--"))
    model_cols = [
        ("capability_share_china", "China's share of capability"),
        ("capability_share_us", "US share of capability"),
        ("fragmentation", "fragmentation of stances"),
        ("waico_members", "WAICO members"),
        ("mean_trust", "mean trust between states"),
    ]
    fresh = fig is None
    if fresh:
        fig = _new(6.9)
        fig.subplots(3, 2, gridspec_kw={"hspace": 0.5, "wspace": 0.25})
    axes = fig.axes
    for ax, (col, title) in zip(axes, model_cols, strict=False):
        for side, (model, colour, ls) in enumerate(runs):
            df = table(model, "model")
            _line(ax, f"{side}", df.time, df[col], color=colour, ls=ls, label=model.scenario)
        ax.relim()
        ax.autoscale_view(scalex=False)
        if fresh:
            ax.set_title(title, fontsize=9)
    ax = axes[5]
    for side, (model, colour, ls) in enumerate(runs):
        df = table(model, "states")
        china = df[df.state == "china"]
        _line(ax, f"{side}", china.time, china.F, color=colour, ls=ls)
    ax.relim()
    ax.autoscale_view(scalex=False)
    if fresh:
        ax.set_title("China's facilitation F", fontsize=9)
        axes[0].legend(loc="lower right", fontsize=7)
        _horizon(left, *axes)
    fig.suptitle(
        f"seed {left.seed}: {left.scenario} vs {right.scenario}, {_when(left)}", fontsize=10
    )
    return fig


# Builders that update a figure of an earlier step in place (the other heatmaps are drawn anew).
REUSABLE = (poles, stances, localities, trust_and_accords, compare)

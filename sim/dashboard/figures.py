"""Matplotlib figures of the dashboard's pages, drawn from the model's own tables.

Every panel plots a column of ``model_frame()``, ``states_frame()``, ``localities_frame()`` or
``instruments_frame()`` (or an agent attribute) as it is: no metric is computed here, only
selected, summed over localities or pivoted. A figure builder takes a model and returns a
``matplotlib.figure.Figure`` (no pyplot: the server draws from several threads); given the
figure it drew at an earlier step of the same model (``fig=``), it updates that figure in
place. What a step changes (lines, heatmaps) is ``animated``, for ``canvas.Blitter``; axis
ranges are fixed or widen in a few jumps, so the rest is drawn a few times a run.
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
    its axes, ticks and legend, and only its lines (``animated``) are drawn again."""
    for line in ax.lines:
        if line.get_gid() == key:
            line.set_data(x, y)
            return line
    return ax.plot(x, y, gid=key, animated=True, **style)[0]


def _fit(ax, *series, bottom: float | None = None) -> None:
    """Widen the y-range of ``ax`` to hold ``series`` with room to spare, so that it (and the
    figure's kept background) changes in a few jumps over a run rather than at every step."""
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series])
    values = values[np.isfinite(values)]
    if not values.size:
        return
    low, high = float(values.min()), float(values.max())
    fresh = ax.get_autoscaley_on()
    if not fresh and ax.get_ylim()[0] <= low and high <= ax.get_ylim()[1]:
        return
    pad = max(high - low, 0.25 * abs(high), 1e-3) / 2
    unit = 10 ** np.floor(np.log10(pad))
    lo, hi = np.floor((low - pad) / unit) * unit, np.ceil((high + pad) / unit) * unit
    if bottom is not None:
        lo = max(lo, bottom) if low >= bottom else lo
    if not fresh:
        lo, hi = min(lo, ax.get_ylim()[0]), max(hi, ax.get_ylim()[1])
    ax.set_ylim(lo, hi)


def _grid(model, ax, key: str, rows: int, cmap: str, vmax: float = 1.0):
    """Heatmap ``key`` of ``ax``: one column per step of the whole run (the future blank), one
    row per entry; created once, then given new data at each step."""
    for image in ax.images:
        if image.get_gid() == key:
            return image
    start = float(table(model, "model").time.iloc[0])
    extent = (start - 0.125, start + model.cfg.steps / 4 + 0.125, rows - 0.5, -0.5)
    blank = np.full((rows, model.cfg.steps + 1), np.nan)
    return ax.imshow(
        blank,
        cmap=cmap,
        vmin=0,
        vmax=vmax,
        extent=extent,
        aspect="auto",
        interpolation="nearest",
        animated=True,
        gid=key,
    )


def _by_step(model, wide: pd.DataFrame, rows: int) -> np.ndarray:
    """A pivot (entries by step) as the heatmap's array: all steps of the run, ``rows`` rows."""
    out = np.full((rows, model.cfg.steps + 1), np.nan)
    steps = wide.columns.to_numpy(dtype=int)
    out[: len(wide), steps] = wide.to_numpy(dtype=float)
    return out


def when(model) -> str:
    """The model's current quarter, as ``2027Q3`` (the pages' headings show it)."""
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
    if fresh:
        frag.set_ylim(0, 0.5)
    _fit(frag, df.fragmentation, bottom=0)
    if fresh:
        cap.legend(loc="upper right", fontsize=8, ncol=3)
        frag.set_title("fragmentation of stances (R, F, E)", fontsize=10)
        _horizon(model, cap, fm, frag)
        fig.suptitle(f"{model.scenario}, seed {model.seed}", fontsize=10)
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
        fig.suptitle("stances of the main states", fontsize=10)
    return fig


def _china_localities(model) -> pd.DataFrame:
    df = table(model, "localities")
    return df[df.state == "china"]


def localities(model, fig: Figure | None = None) -> Figure:
    """China's localities: facilitation, spending and waste, and the LLM herd."""
    df = _china_localities(model)
    fresh = fig is None
    fig, (fac, money, herd) = _figure(3) if fresh else (fig, fig.axes)
    # One pivot rather than a group per locality: string group keys are slow in pandas.
    paths = df.pivot(index="time", columns="locality", values="facilitation")
    for name in paths.columns:
        _line(fac, name, paths.index, paths[name], color="tab:red", alpha=0.35, lw=0.8)
    total = df.groupby("time")[["spending", "waste"]].sum()
    _line(money, "spending", total.index, total.spending, label="spending", color="tab:orange")
    _line(money, "waste", total.index, total.waste, label="waste", color="tab:gray")
    _fit(money, total.spending, total.waste, bottom=0)
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
        fig.suptitle("China's dual track", fontsize=10)
    return fig


ROWS = 16  # the instruments' heatmap grows by this many rows at a time (a full redrawing)


def instruments(model, fig: Figure | None = None) -> Figure:
    """Share of China's localities holding each instrument over time; codified ones marked.
    Rows in the order the instruments appeared, so a new one is a new row at the bottom."""
    df = table(model, "instruments")
    df = df[df.state == "china"]
    if fig is None:
        fig = _new(6.9, left=0.36)
        ax = fig.subplots()
        ax.set_yticks([])
        ax.set_title(
            "share of China's localities holding each instrument\n"
            "(star: the quarter the centre codified it)",
            fontsize=9,
        )
        _horizon(model, ax, y=False)
    ax = fig.axes[0]
    if df.empty:
        if not ax.texts:
            ax.text(0.5, 0.5, "no Chinese localities here", ha="center", transform=ax.transAxes)
        return fig
    share = (
        df.assign(share=df.adopters / df.localities)
        .pivot(index="instrument", columns="step", values="share")
        .fillna(0.0)
    )
    first = df.groupby("instrument").step.min()
    share = share.loc[first.sort_values(kind="stable").index]
    rows = ROWS * -(-len(share) // ROWS)
    image = _grid(model, ax, "share", rows, "Reds")
    if image.get_array().shape[0] != rows:
        image.set_extent((*image.get_extent()[:2], rows - 0.5, -0.5))
    image.set_data(_by_step(model, share, rows))
    ax.set_ylim(rows - 0.5, -0.5)
    codified = df.dropna(subset=["codified_at"]).groupby("instrument").codified_at.first()
    time = table(model, "model").set_index("step")["time"]
    stars = [
        (time.get(int(codified[name]) + 1), i)
        for i, name in enumerate(share.index)
        if name in codified.index and int(codified[name]) + 1 in time.index
    ]
    x, y = zip(*stars, strict=True) if stars else ((), ())
    _line(ax, "codified", x, y, ls="", marker="*", color="gold", markersize=11, mec="black")
    labels = {t.get_gid(): t for t in ax.texts}
    label_at = ax.get_yaxis_transform()
    for i, name in enumerate(share.index):
        text = f"{name} (codified)" if name in codified.index else name
        if name not in labels:
            labels[name] = ax.text(
                -0.01, i, text, transform=label_at, gid=name, fontsize=7, ha="right", va="center"
            )
        elif labels[name].get_text() != text or labels[name].get_position()[1] != i:
            labels[name].set_text(text)
            labels[name].set_y(i)
    return fig


def waico(model, fig: Figure | None = None) -> Figure:
    """WAICO membership over time, harmonisation and trust."""
    states = table(model, "states")
    member = states.pivot_table(
        index="state", columns="step", values="waico_member", aggfunc="max", sort=False
    ).astype(float)
    df = table(model, "model")
    fresh = fig is None
    if fresh:
        fig = _new(6.9, left=0.18)
        grid, lines = fig.subplots(2, 1, height_ratios=[3, 2], gridspec_kw={"hspace": 0.3})
        grid.set_yticks(range(len(member)), member.index, fontsize=7)
        lines.set_ylim(0, 1)
    grid, lines = fig.axes
    image = _grid(model, grid, "members", len(member), "Blues", vmax=1.3)
    image.set_data(_by_step(model, member, len(member)))
    grid.set_title(f"WAICO members over time ({int(df.waico_members.iloc[-1])} now)", fontsize=10)
    for col, label, colour in (
        ("waico_harmonisation", "harmonisation of members", "tab:blue"),
        ("mean_trust", "mean trust between states", "tab:green"),
        ("waico_gdp_share", "members' share of world GDP", "tab:gray"),
    ):
        _line(lines, col, df.time, df[col], label=label, color=colour)
    if fresh:
        lines.legend(loc="lower right", fontsize=8)
        _horizon(model, grid, y=False)
        _horizon(model, lines)
        fig.suptitle("WAICO", fontsize=10)
    return fig


def trust_and_accords(model, fig: Figure | None = None) -> Figure:
    """Trust between states now (``model.trust``) and who signed the other instruments."""
    names = model.state_names
    others = [i for i in model.institutions if hasattr(i, "signatories")]
    signed = np.array([[s in a.signatories for s in model.states] for a in others], dtype=float)
    in_force = np.array([a.in_force(model.steps - 1) for a in others], dtype=float)
    shade = signed * (0.5 + 0.5 * in_force[:, None])
    if fig is not None:
        trust, accords = fig.axes[:2]
        trust.images[0].set_data(model.trust)
        accords.images[0].set_data(shade)
        return fig
    fig = _new(6.9, left=0.4)
    fig.subplots_adjust(bottom=0.13)
    trust, accords = fig.subplots(2, 1, height_ratios=[3, 2], gridspec_kw={"hspace": 0.45})
    image = trust.imshow(model.trust, cmap="Greens", vmin=0, vmax=1, animated=True)
    trust.set_xticks([])
    trust.set_yticks(range(len(names)), names, fontsize=7)
    trust.set_title("trust of row in column (same order), now", fontsize=9)
    fig.colorbar(image, ax=trust, shrink=0.8)
    accords.imshow(shade, cmap="Purples", vmin=0, vmax=1, animated=True)
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
        series = []
        for side, (model, colour, ls) in enumerate(runs):
            df = table(model, "model")
            _line(ax, f"{side}", df.time, df[col], color=colour, ls=ls, label=model.scenario)
            series.append(df[col])
        _fit(ax, *series)
        if fresh:
            ax.set_title(title, fontsize=9)
    ax = axes[5]
    series = []
    for side, (model, colour, ls) in enumerate(runs):
        df = table(model, "states")
        china = df[df.state == "china"]
        _line(ax, f"{side}", china.time, china.F, color=colour, ls=ls)
        series.append(china.F)
    _fit(ax, *series)
    if fresh:
        ax.set_title("China's facilitation F", fontsize=9)
        axes[0].legend(loc="lower right", fontsize=7)
        _horizon(left, *axes)
        fig.suptitle(f"seed {left.seed}: {left.scenario} vs {right.scenario}", fontsize=10)
    return fig

"""The overview figure of one run: who leads, how the rules move, what controls do."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from sim.config import MAIN_STATES
from sim.tools.calibrate import FM_SHARE

POLE_COLOURS = {"us": "#1f4e9c", "eu": "#d4a017", "china": "#c0392b"}
STATE_COLOURS = {
    **POLE_COLOURS,
    "uk": "#7f7f7f",
    "japan": "#8e44ad",
    "south_korea": "#16a085",
    "singapore": "#e67e22",
    "india": "#2ecc71",
}


def _state_lines(
    ax, states: pd.DataFrame, column: str, title: str, highlight: tuple[str, ...] = ()
) -> None:
    extra = [n for n in highlight if n not in MAIN_STATES]
    colours = {**STATE_COLOURS, **dict(zip(extra, plt.cm.Dark2.colors, strict=False))}
    for name in (*MAIN_STATES, *extra):
        s = states[states.state == name]
        if len(s):
            ax.plot(
                s.time,
                s[column],
                label=name,
                color=colours.get(name, "black"),
                lw=2.2 if name in POLE_COLOURS or name in extra else 1.2,
                ls="--" if name in extra else "-",
            )
    ax.set_title(title)
    ax.set_ylim(0, 1)


def _with_count(ax, frame: pd.DataFrame, column: str, label: str) -> None:
    """Shares on [0, 1] on the left axis, a running count as a black step on the right."""
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    twin = ax.twinx()
    twin.step(frame.time, frame[column], color="black", lw=1, where="post")
    twin.set_ylabel(f"{label} (black)")


def _local_panels(axes, frame: pd.DataFrame, localities: pd.DataFrame | None) -> None:
    """China's local level: facilitation (mean and range across localities), waste share and
    codified instruments over time; waste share by locality in the final quarter."""
    ax, bars = axes
    china = localities[localities.state == "china"] if localities is not None else None
    if china is None or china.empty:
        for a in axes:
            a.text(
                0.5, 0.5, "no Chinese localities in this world", ha="center", transform=a.transAxes
            )
        return
    china = china.merge(frame[["step", "time"]], on="step")
    band = china.groupby("time").facilitation.agg(["min", "mean", "max"])
    ax.fill_between(band.index, band["min"], band["max"], color="#c0392b", alpha=0.15)
    ax.plot(band.index, band["mean"], color="#c0392b", lw=2, label="local facilitation (range)")
    ax.plot(frame.time, frame.local_waste_share, color="#7f8c8d", lw=2, label="waste share")
    _with_count(ax, frame, "codified_instruments", "codified instruments")
    ax.set_title("China's localities: competition, waste, codification")

    last = china[china.step == china.step.max()].sort_values("advantage", ascending=False)
    share = (last.waste / last.spending.where(last.spending > 0)).fillna(0.0)
    colours = np.where(last.llm_bet, "#c0392b", "#95a5a6")
    bars.bar(last.locality, share, color=colours)
    bars.set_xticks(range(len(last)), last.locality, rotation=90, fontsize=6)
    bars.set_ylim(0, 1)
    bars.set_title("Waste share by locality, final quarter (red: local LLM bet)")
    bars.set_xlabel("localities, by comparative advantage (high to low)")
    bars.grid(alpha=0.3)


def _waico_panel(ax, frame: pd.DataFrame) -> None:
    """The WAICO adoption curve, when WAICO exists in the scenario."""
    if "waico_members" not in frame or not (frame.waico_members > 0).any():
        ax.text(
            0.5, 0.5, "WAICO not proposed in this scenario", ha="center", transform=ax.transAxes
        )
        ax.set_title("WAICO adoption")
        return
    ax.plot(frame.time, frame.waico_gdp_share, color="#8e44ad", lw=2, label="members' GDP share")
    _with_count(ax, frame, "waico_members", "members")
    ax.set_title("WAICO adoption")


def draw_overview(
    frame: pd.DataFrame,
    states: pd.DataFrame,
    path: Path,
    model=None,
    localities: pd.DataFrame | None = None,
    highlight: tuple[str, ...] = (),
) -> None:
    """Nine panels: capability and foundation-model shares by pole, R and F of the main states,
    China's compute access and domestic chips, fragmentation with incidents, China's local
    level (facilitation, waste, codification; waste by locality) and WAICO adoption."""
    states = states.merge(frame[["step", "time"]], on="step")
    fig, axes = plt.subplots(3, 3, figsize=(15, 12.5), constrained_layout=True)
    for pole, colour in POLE_COLOURS.items():
        axes[0, 0].plot(
            frame.time, frame[f"capability_share_{pole}"], color=colour, lw=2, label=pole
        )
        axes[0, 1].plot(
            frame.time, frame[f"foundation_model_share_{pole}"], color=colour, lw=2, label=pole
        )
    axes[0, 0].set_title("Capability share by pole")
    axes[0, 1].set_title("Foundation-model share by pole (trailing year)")
    for pole, name in (("us", "US"), ("china", "China")):  # the stylised facts, for reference
        share = FM_SHARE[pole]
        axes[0, 1].axhline(share, color=POLE_COLOURS[pole], ls=":", lw=1)
        axes[0, 1].text(
            frame.time.iloc[-1], share + 0.015, f"2023: {name} {share:.0%}", ha="right", fontsize=8
        )
    for ax in axes[0, :2]:
        ax.set_ylim(0, 1)
        ax.legend(loc="center right", fontsize=8)
    _state_lines(axes[1, 0], states, "R", "Restrictiveness R", highlight)
    _state_lines(axes[1, 1], states, "F", "Facilitation F", highlight)
    axes[1, 1].legend(fontsize=7, ncol=2, loc="lower right")

    china = states[states.state == "china"]
    ax = axes[0, 2]
    if len(china):
        ax.plot(china.time, china.compute_access, color="#c0392b", lw=2, label="compute access")
        ax.plot(
            china.time,
            china.chips,
            color="#c0392b",
            ls="--",
            lw=2,
            label="domestic chip capability",
        )
    ax.set_ylim(0, 1)
    ax.set_title("China: export controls and domestic chips")
    ax.legend(fontsize=8)

    ax = axes[1, 2]
    ax.plot(frame.time, frame.fragmentation, color="black", lw=2, label="fragmentation")
    ax.set_ylim(0, max(0.6, frame.fragmentation.max() * 1.1))
    ax.set_title("Fragmentation of stances; incidents")
    twin = ax.twinx()
    twin.bar(
        frame.time,
        frame.incidents,
        width=0.2,
        color="#999999",
        alpha=0.5,
        label="incidents / quarter",
    )
    twin.set_ylabel("incidents per quarter")
    ax.legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)
    _local_panels((axes[2, 0], axes[2, 2]), frame, localities)
    _waico_panel(axes[2, 1], frame)
    for ax in (*axes[:2].flat, axes[2, 0], axes[2, 1]):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
    if model is not None:
        fig.suptitle(
            f"Regulatory competition in AI governance: scenario '{model.scenario}', "
            f"seed {model.seed}",
            fontsize=13,
        )
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)

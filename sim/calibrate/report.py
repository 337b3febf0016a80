"""The calibration table as text: the Markdown table, its summary line and the whole report."""

from __future__ import annotations

import functools
import math
from typing import Any

import mesa
import pandas as pd

import sim
from sim.calibrate.rows import INSIDE, NOT_COMPARABLE, OUTSIDE, YEAR
from sim.compose import compose_config


def _num(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else ""


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(df: pd.DataFrame) -> str:
    """The table in Markdown: the numbers rounded per fact, blanks where not comparable."""
    head = [
        "fact",
        "target",
        "source",
        "model mean",
        "s.d.",
        "relative distance",
        "tolerance",
        "status",
        "note",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in df.itertuples(index=False):
        num = functools.partial(_num, digits=int(r.digits))
        target = f"{num(r.target)} ({r.stated})" if math.isfinite(r.target) else r.stated
        distance = "" if not math.isfinite(r.distance) else f"{r.distance:+.1%}"
        status = "**OUTSIDE**" if r.status == OUTSIDE else r.status
        cells = [r.fact, target, r.source, num(r.model), num(r.sd), distance, r.tolerance]
        lines.append("| " + " | ".join(_cell(c) for c in [*cells, status, r.note]) + " |")
    return "\n".join(lines)


def summary_line(df: pd.DataFrame) -> str:
    """How many rows are inside, OUTSIDE and not comparable."""
    n = df.status.value_counts()
    comparable = n.get(INSIDE, 0) + n.get(OUTSIDE, 0)
    return (
        f"{comparable} comparable rows: {n.get(INSIDE, 0)} inside their tolerance, "
        f"{n.get(OUTSIDE, 0)} OUTSIDE; {n.get(NOT_COMPARABLE, 0)} not comparable."
    )


def report(df: pd.DataFrame, seeds: int, scenario: str) -> str:
    """The whole Markdown report: provenance, summary, table, tolerances and their reasons."""
    cfg = compose_config(scenario, {"steps": YEAR})
    start = str(cfg.start)
    reasons: dict[str, list[str]] = {}  # one line per reason, naming its rows
    for r in df.itertuples(index=False):
        if r.tolerance_reason:
            reasons.setdefault(r.tolerance_reason, []).append(r.fact)
    parts = [
        "# Calibration report",
        "",
        f"Scenario `{scenario}`, seeds 0-{seeds - 1}, first simulated year ({YEAR} quarters "
        f"from {start}); regcomp-sim {sim.__version__}, Mesa {mesa.__version__}. Written by "
        f"`python -m sim.calibrate --seeds {seeds} --scenario {scenario}`; every row is "
        "explained in docs/calibration.md.",
        "",
        summary_line(df),
        "",
        markdown_table(df),
        "",
        "## Tolerances and their reasons",
        "",
        *[f"- *{'; '.join(names)}*: {reason}." for reason, names in reasons.items()],
        "",
    ]
    return "\n".join(parts)

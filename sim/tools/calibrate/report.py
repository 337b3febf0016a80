"""The two calibration tables as text: in-sample (what the fit saw) and held-out (what it did not),
each with a summary line, every miss with its size, and the basis of every band."""

from __future__ import annotations

import math

import mesa
import pandas as pd

import sim
from sim.tools.calibrate.compare import INSIDE, MISS, NOT_MEASURED
from sim.tools.calibrate.targets import NOT_COMPARED, Z

TITLES = {
    "in_sample": "In-sample targets (2024 and earlier): the fit's targets",
    "held_out": "Held-out targets (2025-2026): never fitted, reported as they come out",
}
WHERE = {
    "in_sample": "measured on the initial world (step 0, the end of 2024): its stocks and its "
    "expected flows a year, earlier years backcast along the balanced-growth path",
    "held_out": "measured on the simulated quarters (2025 = steps 1-4, 2026 = steps 5-8)",
}


def _num(x: float) -> str:
    if not math.isfinite(x):
        return ""
    a = abs(x)
    return f"{x:.3f}" if a < 10 else (f"{x:.1f}" if a < 1000 else f"{x:,.0f}")


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def summary_line(df: pd.DataFrame) -> str:
    n = df.status.value_counts()
    misses = df[df.status == MISS]
    worst = ""
    if len(misses):
        r = misses.loc[misses.z.abs().idxmax()]
        worst = f"; the largest miss is {r.key} ({r.z:+.1f} s.e., {r.relative:+.0%})"
    return (
        f"{len(df)} targets: {n.get(INSIDE, 0)} inside their band, {n.get(MISS, 0)} missed, "
        f"{n.get(NOT_MEASURED, 0)} not measured{worst}."
    )


def markdown_table(df: pd.DataFrame) -> str:
    head = [
        "target",
        "year",
        "figure",
        "source",
        "model",
        "s.d.",
        "band",
        "basis",
        "status",
        "miss (z, relative)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in df.itertuples(index=False):
        status = f"**{r.status}**" if r.status != INSIDE else r.status
        miss = ""
        if r.status == MISS:
            miss = f"{r.miss:+.3g} beyond the band ({r.z:+.1f} s.e., {r.relative:+.0%})"
        elif r.status == INSIDE:
            miss = f"({r.z:+.1f} s.e., {r.relative:+.0%})" if math.isfinite(r.relative) else ""
        cells = [
            f"{r.label} (`{r.key}`)",
            r.year,
            f"{_num(r.target)} ({r.stated})",
            r.source,
            _num(r.model),
            _num(r.sd),
            f"{_num(r.low)} to {_num(r.high)}",
            r.basis,
            status,
            miss,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def report(df: pd.DataFrame, split: str, seeds: int, scenario: str, fit_record: dict) -> str:
    """The whole Markdown report of one table."""
    fitted = (
        f"fitted values of configs/world/calibrated.yaml ({fit_record.get('date', 'no date')}, "
        f"objective {fit_record.get('objective', 'unknown')})"
        if fit_record
        else "no configs/world/calibrated.yaml record"
    )
    parts = [
        f"# {TITLES[split]}",
        "",
        f"Scenario `{scenario}`, seeds 0-{seeds - 1}, {WHERE[split]}; {fitted}; regcomp-sim "
        f"{sim.__version__}, Mesa {mesa.__version__}. Written by `python -m sim.tools.calibrate "
        f"--seeds {seeds} --scenario {scenario}`; docs/calibration.md explains the protocol.",
        "",
        summary_line(df),
        "",
        f"Band: target +- {Z:g} x sqrt(se_source^2 + se_mc^2), where se_source comes from the "
        "source's sampling error (the basis column) and se_mc = s.d. / sqrt(seeds) is the model's "
        "Monte Carlo error. A miss gives how far the model's mean lies beyond the band's nearer "
        "edge, its distance in standard errors and as a share of the target.",
        "",
        markdown_table(df),
        "",
    ]
    if split == "in_sample":
        parts += [
            "## Facts of MODEL.md section 4 that are not compared",
            "",
            *[f"- *{topic}*: {why}." for topic, why in NOT_COMPARED],
            "",
        ]
    return "\n".join(parts)

"""Run a model and write its outputs: tidy tables, a summary with provenance, the overview figure.

All file I/O of a single run lives here (the model itself never touches files). Every file is
written to a temporary name in the same folder and renamed into place, so a reader never sees a
half-written result.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim.config import MAIN_STATES, POLES
from sim.model import RegulatoryCompetition

REPO = Path(__file__).resolve().parent.parent


def git_revision() -> str | None:
    """The source tree's git revision, with ``-dirty`` when it has uncommitted changes outside
    ``results/``."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            # results/ is written by the runs themselves (committed figures): not source
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!results"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{rev}-dirty" if dirty else rev


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename the finished file to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def first_year_shares(states: pd.DataFrame) -> dict[str, float | None]:
    """Foundation-model shares by pole over the first four simulated quarters (None, JSON's
    null, when nothing was released: a share of nothing is undefined)."""
    year1 = states[(states.step >= 1) & (states.step <= 4)]
    by_pole = year1.groupby("pole").foundation_models.sum()
    total = by_pole.sum()
    return {p: float(by_pole.get(p, 0) / total) if total else None for p in POLES}


def _cell(value: Any, width: int, digits: int) -> str:
    """A right-aligned number, or ``n/a`` for a value the summary left undefined (None)."""
    return f"{'n/a':>{width}s}" if value is None else f"{value:>{width}.{digits}f}"


def summarise(model: RegulatoryCompetition, wall: float) -> dict[str, Any]:
    """Final metrics, first-year calibration figures and provenance of a finished run."""
    frame, states = model.model_frame(), model.states_frame()
    last = states[states.step == states.step.max()].set_index("state")
    clean = lambda v: None if isinstance(v, float) and np.isnan(v) else v  # noqa: E731
    return {
        "scenario": model.scenario,
        "seed": model.seed,
        "steps": int(model.steps),
        "final": {k: clean(v) for k, v in frame.iloc[[-1]].to_dict("records")[0].items()},
        "first_year_foundation_model_share": first_year_shares(states),
        "states_final": {
            name: {
                k: clean(float(row[k]))
                for k in (
                    "R",
                    "F",
                    "E",
                    "capability",
                    "firms",
                    "foundation_models_total",
                    "compute_access",
                )
            }
            for name, row in last.iterrows()
        },
        "events": [{"quarter": q, "event": e} for q, e in model.event_log],
        "provenance": {
            "package": "regcomp-sim",
            "version": sim.__version__,
            "git_revision": git_revision(),
            "python": platform.python_version(),
            "mesa": __import__("mesa").__version__,
            "numpy": np.__version__,
            "command": " ".join(sys.argv),
            "wall_time_s": round(wall, 4),
            "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    }


def write_tables(
    model: RegulatoryCompetition, outdir: Path, tables: Iterable[str]
) -> dict[str, pd.DataFrame]:
    """Write ``<table>.parquet`` for each of ``tables`` (names of ``sim.config.TABLES``) into
    ``outdir``; returns the frames."""
    outdir.mkdir(parents=True, exist_ok=True)
    frames = {t: getattr(model, f"{t}_frame")() for t in tables}
    for name, df in frames.items():
        atomic_write(outdir / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
    return frames


def run_and_write(model: RegulatoryCompetition, outdir: Path, figure: bool = True) -> dict:
    """Run the model to its horizon and write model.parquet, states.parquet,
    localities.parquet, summary.json and overview.png into ``outdir``. Returns the summary."""
    t0 = time.perf_counter()
    model.run()
    wall = time.perf_counter() - t0
    frames = write_tables(model, outdir, ("model", "states", "localities"))
    frame, states, localities = frames["model"], frames["states"], frames["localities"]
    summary = summarise(model, wall)
    if figure:
        from sim.overview import draw_overview

        highlight = tuple(model.cfg.output.highlight)
        draw = lambda p: draw_overview(frame, states, p, model, localities, highlight)  # noqa: E731
        atomic_write(outdir / "overview.png", draw)
    atomic_write(
        outdir / "summary.json",
        lambda p: p.write_text(json.dumps(summary, indent=2, allow_nan=False)),
    )
    return summary


def summary_table(
    summary: dict,
    extra: tuple[str, ...] = (),
) -> str:
    """A short text table of the final quarter for the terminal: the poles, then the main states
    and any ``extra`` ones (``output.highlight``)."""
    states = (*MAIN_STATES, *(s for s in extra if s not in MAIN_STATES))
    final = summary["final"]
    rows = [
        f"scenario {summary['scenario']}  seed {summary['seed']}  "
        f"{summary['steps']} quarters to {final['year']}Q{final['quarter']}  "
        f"({summary['provenance']['wall_time_s']:.2f} s)",
        "",
        f"{'pole':8s}{'capability share':>18s}{'foundation-model share':>24s}"
        f"{'FM share, 1st year':>20s}",
    ]
    for p in POLES:
        rows.append(
            f"{p:8s}{_cell(final[f'capability_share_{p}'], 18, 3)}"
            f"{_cell(final[f'foundation_model_share_{p}'], 24, 3)}"
            f"{_cell(summary['first_year_foundation_model_share'][p], 20, 3)}"
        )
    rows += ["", f"{'state':14s}{'R':>7s}{'F':>7s}{'E':>7s}{'firms':>8s}{'compute':>9s}"]
    for name in states:
        if name in summary["states_final"]:
            s = summary["states_final"][name]
            rows.append(
                f"{name:14s}{_cell(s['R'], 7, 2)}{_cell(s['F'], 7, 2)}{_cell(s['E'], 7, 2)}"
                f"{_cell(s['firms'], 8, 0)}{_cell(s['compute_access'], 9, 2)}"
            )
    rows += [
        "",
        f"fragmentation {_cell(final['fragmentation'], 0, 3)}   incidents (last quarter) "
        f"{final['incidents']}   firms {final['firms']}",
    ]
    return "\n".join(rows)

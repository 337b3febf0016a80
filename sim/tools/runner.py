"""Run a model and write its outputs: tidy tables, a summary with provenance, the overview figure.

All file I/O of a single run lives here (the model itself never touches files). Every file is
written to a temporary name in the same folder and renamed into place, so a reader never sees a
half-written result; ``done.json`` is written last, so a folder without it is not a finished run
(a failed one holds ``error.txt`` instead). Every table carries its provenance (seed, scenario,
overrides, config digest, version, git revision) in its Parquet metadata and ``seed`` and
``scenario`` columns.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

import sim
from sim.config import MAIN_STATES, POLES
from sim.tools.outputs import DONE, ERROR, atomic_write, write_parquet

if TYPE_CHECKING:  # not imported at run time: the sweep runner aggregates without Mesa
    from sim.model import RegulatoryCompetition

__all__ = ["atomic_write", "git_revision", "run_and_write", "summary_table", "write_tables"]

REPO = Path(__file__).resolve().parents[2]


@functools.cache
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


def config_digest(cfg) -> str:
    """A short digest of a run's resolved config: runs with the same digest are the same run."""
    # JSON, not YAML: the same content in a tenth of the time (PyYAML's emitter is pure Python)
    text = json.dumps(OmegaConf.to_container(cfg, resolve=True), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def provenance(model: RegulatoryCompetition, overrides: Iterable[str], digest: str) -> dict:
    """What each table of a run carries in its Parquet metadata."""
    return {
        "seed": model.seed,
        "scenario": model.scenario,
        "overrides": list(overrides),
        "config_digest": digest,
        "package": "regcomp-sim",
        "version": sim.__version__,
        "git_revision": git_revision(),
    }


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
    model: RegulatoryCompetition,
    outdir: Path,
    tables: Iterable[str],
    meta: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """Write ``<table>.parquet`` for each of ``tables`` (names of ``sim.config.TABLES``) into
    ``outdir``, each starting with ``seed`` and ``scenario`` columns and holding ``meta`` (by
    default :func:`provenance` without overrides) in its metadata; returns the frames."""
    outdir.mkdir(parents=True, exist_ok=True)
    meta = meta or provenance(model, (), config_digest(model.cfg))
    frames = {}
    for name in tables:
        df = getattr(model, f"{name}_frame")()
        df.insert(0, "scenario", model.scenario)
        df.insert(0, "seed", model.seed)
        write_parquet(df, outdir / f"{name}.parquet", {"table": name, **meta})
        frames[name] = df
    return frames


# What a single run writes, besides Hydra's .hydra/ and the marker.
RUN_FILES = (
    "model.parquet",
    "states.parquet",
    "localities.parquet",
    "summary.json",
    "overview.png",
)


class RunFailed(RuntimeError):
    """A run raised; its traceback is in the folder's ``error.txt``."""


def run_in_folder(
    model_factory, outdir: Path, figure: bool = True, overrides: Iterable[str] = ()
) -> dict:
    """Build a model with ``model_factory()``, run it and write its files into ``outdir``, then
    ``done.json`` last. On any failure the run's files are removed and ``error.txt`` holds the
    traceback, so the folder is either complete or marked failed.

    Raises:
        RunFailed: one line naming the error and the file with its traceback.
    """
    try:
        summary = run_and_write(model_factory(), outdir, figure, overrides)
    except Exception as exc:  # any failure of the run: mark the folder, one line for the user
        for name in RUN_FILES:
            if (outdir / name).is_file():
                (outdir / name).unlink()
        first = str(exc).splitlines()[0] if str(exc) else ""
        text = f"{type(exc).__name__}: {exc}\n\n" + "".join(traceback.format_exception(exc))
        atomic_write(outdir / ERROR, lambda p: p.write_text(text))
        raise RunFailed(
            f"the run failed: {type(exc).__name__}: {first} (traceback in {outdir / ERROR})"
        ) from exc
    record = {"files": [n for n in RUN_FILES if (outdir / n).is_file()], **summary["provenance"]}
    atomic_write(outdir / DONE, lambda p: p.write_text(json.dumps(record, indent=1)))
    return summary


def run_and_write(
    model: RegulatoryCompetition,
    outdir: Path,
    figure: bool = True,
    overrides: Iterable[str] = (),
) -> dict:
    """Run the model to its horizon and write model.parquet, states.parquet,
    localities.parquet, summary.json and overview.png into ``outdir``. Returns the summary."""
    t0 = time.perf_counter()
    model.run()
    wall = time.perf_counter() - t0
    meta = provenance(model, overrides, config_digest(model.cfg))
    frames = write_tables(model, outdir, ("model", "states", "localities"), meta)
    frame, states, localities = frames["model"], frames["states"], frames["localities"]
    summary = summarise(model, wall)
    summary["provenance"].update(
        {k: meta[k] for k in ("seed", "scenario", "overrides", "config_digest")}
    )
    if figure:
        from sim.tools.overview import draw_overview

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

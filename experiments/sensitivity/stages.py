"""``python -m experiments run sensitivity``: E7's stages in order, on any of the launchers.

morris (all uncertainties) -> each question's top-k uncertainties by Morris mu* of its headline
-> sobol (per question, over its top-k) -> explore (all uncertainties and the levers) ->
defaults (the default point on many seeds). Each stage's jobs run on the launcher
(:mod:`experiments.sensitivity.launch`), one Parquet file per job
(:mod:`experiments.sensitivity.jobs`); the jobs whose file is current are skipped, so a run
again finishes only what is missing. Then the points table and ``design.json``
(:mod:`experiments.sensitivity.table`).

Not a Hydra multirun: a job is a few points' runs in one worker, whatever the launcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.sensitivity import ARMS, HEADLINES
from experiments.sensitivity import design as d
from experiments.sensitivity.jobs import Job, stage_jobs
from experiments.sensitivity.launch import Launch, execute
from experiments.sensitivity.outcomes import question_arms
from sim.tools.validate import ConfigError


@dataclass
class Plan:
    """What the stages run: the factors, each stage's jobs, the selection per question."""

    settings: dict
    factors: list[d.Factor]
    levers: list[d.Factor]
    jobs: dict[str, list[Job]] = field(default_factory=dict)
    selection: dict[str, dict] = field(default_factory=dict)  # question -> keys, mu*
    sobol_points: dict[str, list[int]] = field(default_factory=dict)  # question -> [start, stop)


def plan(settings: dict, uncs=None) -> Plan:
    """The factors and the jobs of the stages that need no other stage's results (all but
    sobol, which :func:`plan_sobol` adds once morris has run), whether they run now or not."""
    s = settings
    fs = d.factors(uncs)
    if s["uncertainties"] is not None:
        fs = fs[: s["uncertainties"]]
    if s["select"]["top_k"] > len(fs):
        raise ConfigError(f"sensitivity: select.top_k = {s['select']['top_k']} but only "
                          f"{len(fs)} uncertainties are sampled")  # fmt: skip
    levers = d.lever_factors(s["explore"].get("levers") or {}, fs)
    p = Plan(s, fs, levers)
    arms, master = list(ARMS), s["master_seed"]
    samples = {
        "morris": (fs, lambda: d.morris(fs, s["morris"]["r"], s["morris"]["levels"], master)),
        "explore": (fs + levers, lambda: d.explore(fs + levers, s["explore"]["n"], master)),
        "defaults": ([], lambda: [[]]),
    }
    for stage, (factors, sample) in samples.items():  # all: the outputs hold every stage run
        p.jobs[stage] = stage_jobs(stage, factors, sample(), arms, s[stage]["seeds"], s)
    return p


def plan_sobol(p: Plan, selection: dict[str, dict]) -> None:
    """The sobol stage's jobs: per question, Saltelli's sample over its selected keys."""
    s, by_key = p.settings, {f.key: f for f in p.factors}
    p.selection, jobs, start = selection, [], 0
    for q in HEADLINES:
        fs = [by_key[k] for k in selection[q]["keys"]]
        sample = d.sobol(fs, s["sobol"]["n"], s["master_seed"], q)
        jobs += stage_jobs("sobol", fs, sample, question_arms(q), s["sobol"]["seeds"], s,
                           first_point=start, first_job=len(jobs), question=q)  # fmt: skip
        p.sobol_points[q] = [start, start + len(sample)]
        start += len(sample)
    p.jobs["sobol"] = jobs


def select(p: Plan, morris_runs) -> dict[str, dict]:
    """Each question's ``top_k`` uncertainties by Morris mu* of its headline outcome: those
    above the seed-noise floor first, then the rest by mu* (so every question's Sobol sample has
    the same size; a key under the floor shows an ST near that of noise)."""
    import numpy as np
    import pandas as pd

    from experiments.sensitivity.indices import morris_indices, select_top
    from experiments.sensitivity.outcomes import paired_table
    from experiments.sensitivity.table import key_columns

    s = p.settings
    points = paired_table(morris_runs, key_columns(p.factors))
    if points.point.nunique() != sum(len(job.rows) for job in p.jobs["morris"]):
        raise ConfigError("sensitivity: the morris stage is incomplete; run it again first")
    out = {}
    for q, headline in HEADLINES.items():
        try:
            table = morris_indices(
                points, d.problem(p.factors), headline, s["morris"]["levels"], seed=s["master_seed"]
            )
        except ConfigError:  # undefined at every point (a short run codifies nothing): no ranking
            keys = [f.key for f in p.factors]
            table = pd.DataFrame({"key": keys, "mu_star": np.nan, "above_noise": False})
        out[q] = {
            "headline": headline,
            "keys": select_top(table, s["select"]["top_k"], fill=True),
            "mu_star": dict(zip(table.key, table.mu_star.astype(float), strict=True)),
            "above_noise": sorted(table.key[table.above_noise]),
        }
    return out


def run(
    p: Plan, root: Path, launch: Launch | None = None, progress: bool = True
) -> tuple[pd.DataFrame, list[str]]:
    """Run the stages of the plan's ``stages`` into ``root`` (the missing jobs only) on
    ``launch`` (joblib on every core by default) and write the outputs from every current job
    file; returns the points table and the failed runs' lines."""
    from experiments.sensitivity import table

    launch = launch or Launch()

    settings = p.settings
    label = "sensitivity" + (" (quick)" if settings["quick"] else "")
    for stage in d.STAGES:
        if stage == "sobol":
            if "sobol" in settings["stages"]:  # sobol needs morris's results: finish them
                execute(p.jobs["morris"], root, launch, progress, f"{label} morris")
            if all(j.kept(root) for j in p.jobs["morris"]):
                plan_sobol(p, select(p, table.read_runs(root, p.jobs["morris"])))
        if stage in settings["stages"]:
            execute(p.jobs[stage], root, launch, progress, f"{label} {stage}")
    every = [j for stage in d.STAGES for j in p.jobs.get(stage, [])]
    return table.write(root, p, every)

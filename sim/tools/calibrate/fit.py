"""The fit: simulated minimum distance on the in-sample targets with common random numbers.

Each evaluation builds the initial world (step 0) once per seed of a fixed list, the same seeds
for every evaluation, and measures the in-sample targets on it (``measures.InitialWorld``: no
simulated quarter). The objective is the sum of squared standardised residuals

    J(theta) = sum_i ((m_i(theta) - t_i) / sigma_i)^2,   sigma_i = max(se_i, FLOOR x |t_i|),

over exactly the in-sample targets, where m_i is the model's mean over the seeds, t_i the target
and se_i the source's standard error (so each target weighs 1/sigma_i^2). ``scipy.optimize.
least_squares`` minimises it over the logs of the tuned parameters, within ``BOUNDS``. The held-out
targets never enter: the objective takes its targets from ``targets.in_sample``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from omegaconf import DictConfig, OmegaConf
from scipy.optimize import least_squares

from sim.tools.calibrate import targets as tg
from sim.tools.calibrate.measures import initial_worlds
from sim.tools.compose import CONFIG_DIR, compose_config
from sim.tools.runner import atomic_write

# The tuned parameters and the range each may take (the fit works on their logs). The US
# capability scale is not tuned: it is the unit of capability (the US median firm starts at 1),
# and scaling it would trade off against fm_rate and incident_rate, leaving the fit unidentified.
BOUNDS: dict[str, tuple[float, float]] = {
    "firms.fm_rate": (1e-4, 1.0),  # releases a year
    "firms.incident_rate": (1e-4, 1.0),  # incidents a year
    "states.china.capability_scale": (0.05, 20.0),  # foundation-model and notable shares
    "states.eu.capability_scale": (0.05, 20.0),  # notable shares
    "firms.capability_sigma": (0.2, 2.5),  # concentration: top-100 firms, the US share
}
FLOOR = 0.01  # an exact count has no sampling error; 1% of the target keeps its weight finite
SEEDS = 5  # seeds 0..SEEDS-1, the common random numbers of every evaluation
DIFF_STEP = 0.02  # finite-difference step in log units: 2% of each parameter
CALIBRATED = CONFIG_DIR / "world" / "calibrated.yaml"
FIT_LINE = "# fit: "  # the header line that holds the fit's record as JSON


@dataclass
class Problem:
    """The fit's data: the composed world, the in-sample targets, the seeds."""

    cfg: DictConfig
    targets: list[tg.Target] = field(default_factory=tg.in_sample)
    seeds: int = SEEDS
    parameters: tuple[str, ...] = tuple(BOUNDS)

    def __post_init__(self) -> None:
        if any(t.split != tg.IN_SAMPLE for t in self.targets):
            raise ValueError("the fit takes in-sample targets only")
        self.value = np.array([t.value for t in self.targets])
        self.sigma = np.array([max(t.se, FLOOR * abs(t.value)) for t in self.targets])
        # One writable copy, updated in place: a deep copy per evaluation costs more than a model.
        self._work = copy.deepcopy(self.cfg)
        OmegaConf.set_readonly(self._work, False)

    def start(self) -> dict[str, float]:
        """The parameters' values in the composed world."""
        return {k: float(OmegaConf.select(self.cfg, k)) for k in self.parameters}

    def moments(self, values: Mapping[str, float]) -> np.ndarray:
        """The model's mean of each target over the seeds."""
        for key in self.parameters:
            OmegaConf.update(self._work, key, float(values[key]), merge=False)
        runs = initial_worlds(self._work, range(self.seeds), self.targets)
        return runs.mean().to_numpy(float)

    def residuals(self, values: Mapping[str, float]) -> np.ndarray:
        r = (self.moments(values) - self.value) / self.sigma
        if not np.isfinite(r).all():
            bad = [t.key for t, x in zip(self.targets, r, strict=True) if not np.isfinite(x)]
            raise ValueError(f"in-sample targets the model cannot measure: {bad}")
        return r

    def objective(self, values: Mapping[str, float]) -> float:
        """J: the sum of squared standardised residuals."""
        return float(np.sum(self.residuals(values) ** 2))


@dataclass
class FitResult:
    values: dict[str, float]
    objective: float
    start_objective: float
    evaluations: int
    wall: float
    seeds: int
    targets: int


def fit(
    problem: Problem, max_nfev: int | None = None, start: Mapping[str, float] | None = None
) -> FitResult:
    """Minimise J from ``start`` (default: the composed world's values)."""
    t0 = time.perf_counter()
    start = dict(start or problem.start())
    names = list(problem.parameters)
    x0 = np.array([start[k] for k in names])
    lo = np.log(np.array([BOUNDS[k][0] for k in names]) / x0)
    hi = np.log(np.array([BOUNDS[k][1] for k in names]) / x0)
    to_values = lambda x: dict(zip(names, x0 * np.exp(x), strict=True))  # noqa: E731
    res = least_squares(
        lambda x: problem.residuals(to_values(x)),
        np.clip(np.zeros(len(names)), lo, hi),
        bounds=(lo, hi),
        diff_step=DIFF_STEP,
        max_nfev=max_nfev,
        x_scale=1.0,
    )
    # The values as they will be written (6 significant digits), and J there.
    values = {k: float(f"{v:.6g}") for k, v in to_values(res.x).items()}
    objective = problem.objective(values)
    start_objective = problem.objective(start)
    if start_objective < objective:  # a budget too small to improve keeps the start
        values, objective = start, start_objective
    return FitResult(
        values,
        objective,
        start_objective,
        int(res.nfev),
        time.perf_counter() - t0,
        problem.seeds,
        len(problem.targets),
    )


def _nested(values: Mapping[str, float]) -> dict:
    out: dict = {}
    for key, value in values.items():
        *parents, leaf = key.split(".")
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out


def render(result: FitResult) -> str:
    """configs/world/calibrated.yaml: a header with the fit's record, then the fitted values."""
    record = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "seeds": list(range(result.seeds)),
        "objective": round(result.objective, 6),
        "start_objective": round(result.start_objective, 6),
        "targets": result.targets,
        "evaluations": result.evaluations,
        "wall_seconds": round(result.wall, 1),
    }
    header = [
        "# @package _global_",
        "# Produced by `python -m sim.tools.calibrate fit` (sim/tools/calibrate/fit.py);",
        "# do not edit by hand.",
        "# Simulated minimum distance on the in-sample targets (2024 and earlier) with common",
        f"# random numbers (seeds 0-{result.seeds - 1}); objective: the sum of squared",
        f"# standardised residuals over {result.targets} targets (docs/calibration.md).",
        f"# {record['date']}: objective {result.objective:.4f} (from {result.start_objective:.4f}"
        f" at the start), {result.evaluations} evaluations, {result.wall:.0f} s.",
        FIT_LINE + json.dumps(record),
    ]
    body = yaml.safe_dump(_nested(result.values), sort_keys=False)
    return "\n".join(header) + "\n" + body


def write(result: FitResult, path: Path = CALIBRATED) -> None:
    """Write configs/world/calibrated.yaml atomically."""
    text = render(result)
    atomic_write(path, lambda p: p.write_text(text))


def read(path: Path = CALIBRATED) -> tuple[dict[str, float], dict]:
    """The fitted values (dotted keys) and the fit's record from calibrated.yaml."""
    text = path.read_text()
    line = next((x for x in text.splitlines() if x.startswith(FIT_LINE)), None)
    record = json.loads(line[len(FIT_LINE) :]) if line else {}
    flat: dict[str, float] = {}

    def walk(node, prefix: str) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            else:
                flat[f"{prefix}{k}"] = float(v)

    walk(yaml.safe_load(text) or {}, "")
    return flat, record


def problem(
    scenario: str = "baseline", seeds: int = SEEDS, record: Iterable | None = None
) -> Problem:
    """The fit's problem on a scenario's world (default: the baseline)."""
    cfg = compose_config(scenario, {})
    chosen = tg.in_sample() if record is None else tg.in_sample(record)
    return Problem(cfg, chosen, seeds)


__all__ = [
    "BOUNDS",
    "CALIBRATED",
    "FitResult",
    "Problem",
    "fit",
    "problem",
    "read",
    "render",
    "write",
]

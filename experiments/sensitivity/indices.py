"""Morris screening and Sobol indices from the points table, with seed noise kept apart.

Seeds are averaged per point first: an elementary effect or a Sobol index then measures what
the parameters do to the expected outcome. What is left of the seed noise in those means is
measured too: Morris's *noise floor* is the mu* that noise alone would give on the same
trajectories, and Sobol's ``st_noise`` is the total-order index it alone would give (seed noise
looks like an interaction of every key, so it lifts every ST by about that much).

The designs are SALib's: the Morris sample is r trajectories of k+1 points in order, the Sobol
sample Saltelli's N blocks of k+2 rows (``calc_second_order=False``); the ``point`` column numbers
the sample's rows from 0. A block or trajectory with a point that has no value (every seed of it
failed) is left out whole.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from experiments.sensitivity.noise import (
    LEVEL,
    point_noise_variance,
    replicate_means,
    stage_rows,
)
from sim.tools.outputs import column_name
from sim.tools.validate import ConfigError

FRACTIONS = (1 / 8, 1 / 4, 1 / 2, 1)  # of the Saltelli sample, for the convergence plot


def _complete_blocks(means: pd.DataFrame, size: int, what: str, first: int = 0) -> pd.DataFrame:
    """The points of the whole blocks of ``size`` consecutive sample rows (trajectories or
    Saltelli blocks; the sample's first row is point ``first``) whose every point has a value,
    in order."""
    block = (means["point"] - first) // size
    kept = means[block.map(block.value_counts()) == size]  # ``means`` has valued points only
    if kept.empty:
        raise ConfigError(f"{what}: no complete block of {size} points (is the problem right?)")
    return kept.reset_index(drop=True)


def subproblem(problem: dict, keys: list[str]) -> dict:
    """The SALib problem over ``keys`` only (a question's Sobol sample), bounds kept."""
    bounds = dict(zip(_names(problem), problem["bounds"], strict=True))
    missing = [k for k in keys if k not in bounds]
    if missing:
        raise ConfigError(f"problem: has no key {', '.join(missing)}")
    return {"num_vars": len(keys), "names": list(keys), "bounds": [bounds[k] for k in keys]}


def _names(problem: dict) -> list[str]:
    names = list(problem.get("names", []))
    if not names or problem.get("num_vars", len(names)) != len(names):
        raise ConfigError("problem: needs names and num_vars that agree (a SALib problem dict)")
    return names


def morris_delta(num_levels: int) -> float:
    """The step SALib's Morris design takes on the unit cube (and divides effects by)."""
    return num_levels / (2 * (num_levels - 1))


def morris_noise_floor(
    x: np.ndarray,
    noise_var: np.ndarray,
    num_levels: int = 4,
    level: float = LEVEL,
    draws: int = 1000,
    seed: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Per key: the expected mu* and its ``level`` quantile when the outcome is pure noise of
    variance ``noise_var`` per point, on the trajectories of ``x`` (rows in trajectory order).
    Each elementary effect of noise is the difference of two points' noise over the step."""
    k = x.shape[1]
    steps = np.abs(np.diff(x.reshape(-1, k + 1, k), axis=1))  # (trajectories, k, k)
    moved = steps.argmax(axis=2).ravel()  # the key each step moves
    start = (np.arange(len(x)).reshape(-1, k + 1)[:, :-1]).ravel()
    order = np.argsort(moved, kind="stable")
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((draws, len(x))) * np.sqrt(noise_var)
    ee = np.abs(e[:, start + 1] - e[:, start]) / morris_delta(num_levels)
    per_key = ee[:, order].reshape(draws, k, -1).mean(axis=2)  # (draws, k)
    return per_key.mean(axis=0), np.quantile(per_key, level, axis=0)


def _morris_means(means: pd.DataFrame, size: int) -> tuple[pd.DataFrame, int]:
    """The complete trajectories; where none is complete (an outcome undefined at some points,
    e.g. a share of nothing), all of them with the missing points at the mean of the others,
    and how many were imputed (each adds spurious effects: reported)."""
    valued = means[means["mean"].notna()]
    block = valued["point"] // size
    whole = valued[block.map(block.value_counts()) == size]
    if not whole.empty or valued.empty:
        return _complete_blocks(valued, size, "morris stage"), 0
    means = _complete_blocks(means.assign(mean=means["mean"].fillna(np.inf)), size, "morris")
    missing = np.isinf(means["mean"])
    filled = means["mean"].where(~missing, valued["mean"].mean())
    return means.assign(mean=filled).reset_index(drop=True), int(missing.sum())


def morris_indices(
    points: pd.DataFrame,
    problem: dict,
    outcome: str,
    num_levels: int = 4,
    noise_var: float = float("nan"),
    level: float = LEVEL,
    seed: int = 1,
) -> pd.DataFrame:
    """Morris screening of ``outcome`` on the ``morris`` stage's replicate means.

    Args:
        points: the points table.
        problem: the SALib problem the Morris sample was drawn for.
        outcome: an outcome column.
        num_levels: the grid levels the sample was drawn with.
        noise_var: the seed variance of one run, used where the stage has one seed per point.
        level: confidence level of mu*'s interval and the noise floor's quantile.

    Returns:
        One row per key: ``mu``, ``mu_star``, ``mu_star_conf`` (half width), ``sigma``, the
        noise's expected mu* (``noise_mu_star``), the ``noise_floor`` (its ``level`` quantile),
        ``above_noise`` (mu* over the floor; False where the floor is unknown), the
        ``trajectories`` used and the ``imputed_points``; sorted by mu*.
    """
    from SALib.analyze import morris

    names = _names(problem)
    rows = stage_rows(points, "morris", outcome, valued=False)
    means, imputed = _morris_means(replicate_means(rows, outcome, names), len(names) + 1)
    x = means[[column_name(n) for n in names]].to_numpy(float)
    y = means["mean"].to_numpy(float)
    with warnings.catch_warnings():  # one trajectory: sigma is NaN, and that is the answer
        warnings.simplefilter("ignore", RuntimeWarning)
        si = morris.analyze(problem, x, y, num_levels=num_levels, conf_level=level, seed=seed)
    noise = point_noise_variance(means, noise_var)
    expected, floor = morris_noise_floor(x, noise, num_levels, level, seed=seed)
    table = pd.DataFrame(
        {
            "key": names,
            "mu": np.asarray(si["mu"], float),
            "mu_star": np.asarray(si["mu_star"], float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], float),
            "sigma": np.asarray(si["sigma"], float),
            "noise_mu_star": expected,
            "noise_floor": floor,
        }
    )
    table["above_noise"] = table["mu_star"] > table["noise_floor"]  # NaN floor: False
    table["trajectories"] = len(means) // (len(names) + 1)
    table["imputed_points"] = imputed
    return table.sort_values("mu_star", ascending=False, ignore_index=True)


def select_top(morris_table: pd.DataFrame, k: int, fill: bool = False) -> list[str]:
    """The ``k`` keys of largest mu* among those above the noise floor; with ``fill``, then the
    rest by mu* up to ``k`` (every question's Sobol sample the same size)."""
    ranked = morris_table.sort_values(["above_noise", "mu_star"], ascending=False, kind="stable")
    if not fill:
        ranked = ranked[ranked["above_noise"]]
    return ranked["key"].head(k).tolist()


def _sobol_table(
    problem: dict, means: pd.DataFrame, n_boot: int, level: float, seed: int, noise_var: float
):
    from SALib.analyze import sobol

    y = means["mean"].to_numpy(float)
    with warnings.catch_warnings():  # a constant outcome: SALib divides by 0, NaN is the answer
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(
            problem, y, calc_second_order=False, num_resamples=n_boot, conf_level=level, seed=seed
        )
    table = pd.DataFrame({"key": _names(problem)})
    var = y.var(ddof=1)
    for name in ("S1", "ST"):
        value, conf = np.asarray(si[name], float), np.asarray(si[f"{name}_conf"], float)
        if not var > 0:  # nothing varies: no share of a variance to give
            value, conf = np.full_like(value, np.nan), np.full_like(conf, np.nan)
        table[name], table[f"{name}_conf"] = value, conf
        table[f"{name}_lo"], table[f"{name}_hi"] = value - conf, value + conf
    noise = point_noise_variance(means, noise_var).mean()
    table["st_noise"] = float(noise / var) if var > 0 else np.nan
    table["n_base"] = len(y) // (len(table) + 2)
    return table


def _sobol_means(
    points: pd.DataFrame, problem: dict, outcome: str, stage: str, first: int
) -> pd.DataFrame:
    names = _names(problem)
    means = replicate_means(stage_rows(points, stage, outcome), outcome, names)
    what = f"{stage} stage of {outcome!r}"
    means = _complete_blocks(means, len(names) + 2, what, first)
    if len(means) < 2 * (len(names) + 2):  # a variance needs two base points
        raise ConfigError(f"{what}: one complete Saltelli block only; Sobol needs two or more")
    return means


def sobol_indices(
    points: pd.DataFrame,
    problem: dict,
    outcome: str,
    n_boot: int = 1000,
    level: float = LEVEL,
    seed: int = 1,
    stage: str = "sobol",
    noise_var: float = float("nan"),
    first_point: int = 0,
) -> pd.DataFrame:
    """First-order (S1) and total-order (ST) Sobol indices of ``outcome`` on the stage's
    replicate means, with SALib's bootstrap intervals (``*_conf`` half widths, ``*_lo``,
    ``*_hi``), the ST that seed noise alone gives (``st_noise``; ``noise_var``, one run's seed
    variance, serves where the stage has one seed per point) and the base sample ``n_base``.
    Where the stage holds several samples (one per question), pass one's rows as ``points``
    and the point its sample starts at as ``first_point``."""
    means = _sobol_means(points, problem, outcome, stage, first_point)
    return _sobol_table(problem, means, n_boot, level, seed, noise_var)


def sobol_convergence(
    points: pd.DataFrame,
    problem: dict,
    outcome: str,
    fractions=FRACTIONS,
    n_boot: int = 200,
    level: float = LEVEL,
    seed: int = 1,
    stage: str = "sobol",
    noise_var: float = float("nan"),
    first_point: int = 0,
) -> pd.DataFrame:
    """The Sobol indices over growing prefixes of the Saltelli sample (whole blocks of k+2
    rows: a prefix of a Sobol sequence stays balanced), one table per fraction stacked with
    the column ``fraction``."""
    means = _sobol_means(points, problem, outcome, stage, first_point)
    size = len(_names(problem)) + 2
    blocks = len(means) // size
    out, done = [], set()
    for f in fractions:
        n = max(round(blocks * f), 2)
        if n <= blocks and n not in done:
            done.add(n)
            table = _sobol_table(problem, means.iloc[: n * size], n_boot, level, seed, noise_var)
            out.append(table.assign(fraction=f))
    return pd.concat(out, ignore_index=True)

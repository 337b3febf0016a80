"""E7's samples: which values of the uncertainties (and levers) each stage runs, deterministic
from the experiment's master seed.

- ``morris``: Morris trajectories over every uncertainty (SALib, ``num_levels`` levels);
- ``sobol``: Saltelli's extension of a Sobol sequence (SALib, first and total order only) over
  one question's selected uncertainties, the others at the arm's defaults;
- ``explore``: a scrambled Sobol sample of every uncertainty and the numeric levers, for the
  answers as distributions and PRIM;
- ``defaults``: the default point alone, on many seeds (the seed-only answer).

Every function takes the list of uncertainties (``sim.config.roles.uncertainties()`` by
default), so that tests and the quick version can pass their own. Values are sampled on the
continuous plausible range; integer keys are rounded when applied to a run (:func:`applied`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from sim.config.experiment import replicate_seed
from sim.config.roles import Described, problems, uncertainties
from sim.tools.validate import ConfigError

STAGES = ("morris", "sobol", "explore", "defaults")
# A sampler's own seed: spawned from the master seed at indices no replicate uses.
_SAMPLER_INDEX = {stage: 10**9 + i for i, stage in enumerate(STAGES)}


@dataclass(frozen=True)
class Factor:
    """One sampled key: its range and whether the model takes it as an integer."""

    key: str
    lo: float
    hi: float
    integer: bool
    default: float


def factors(uncs: Sequence[Described] | None = None) -> list[Factor]:
    """The uncertainties as sampled factors; one line naming the first that cannot be sampled."""
    uncs = uncertainties() if uncs is None else uncs
    if not uncs:
        raise ConfigError(
            "sensitivity: no parameter is marked as an uncertainty (param(role='uncertainty', "
            "plausible=(lo, hi), ...) in sim/config/*.py)"
        )
    out = []
    for d in uncs:
        wrong = problems(d)
        if isinstance(d.default, bool) or not isinstance(d.default, int | float):
            wrong.append(f"default {d.default!r} is not a number")
        if wrong:
            raise ConfigError(f"sensitivity: {d.key}: {wrong[0]}")
        lo, hi = map(float, d.plausible)
        out.append(Factor(d.key, lo, hi, isinstance(d.default, int), float(d.default)))
    return out


def lever_factors(levers: dict[str, Sequence[float]], taken: Sequence[Factor]) -> list[Factor]:
    """The explore stage's numeric levers (``{key: [lo, hi]}``); a lever that is also an
    uncertainty is sampled once, as the uncertainty."""
    from sim.config.roles import described

    known = {d.key: d for d in described()}
    names = {f.key for f in taken}
    out = []
    for key, bounds in levers.items():
        if key not in known:
            raise ConfigError(f"sensitivity: explore lever '{key}' is not a parameter")
        if key in names:
            continue
        d = known[key]
        lo, hi = map(float, bounds)
        if not lo < hi or (d.lo is not None and lo < d.lo) or (d.hi is not None and hi > d.hi):
            raise ConfigError(f"sensitivity: explore lever {key}: range {list(bounds)} is empty "
                              f"or leaves the allowed [{d.lo}, {d.hi}]")  # fmt: skip
        integer = isinstance(d.default, int) and not isinstance(d.default, bool)
        out.append(Factor(key, lo, hi, integer, float(d.default)))
    return out


def problem(fs: Sequence[Factor]) -> dict:
    """SALib's problem: names and bounds (the plausible ranges)."""
    return {
        "num_vars": len(fs),
        "names": [f.key for f in fs],
        "bounds": [[f.lo, f.hi] for f in fs],
    }


def sampler_seed(master: int, stage: str) -> int:
    """The seed of a stage's sampler, spawned from the master seed (a 32-bit word)."""
    return replicate_seed(master, _SAMPLER_INDEX[stage])


def morris(fs: Sequence[Factor], r: int, levels: int, master: int) -> np.ndarray:
    """``r`` Morris trajectories (``r * (k + 1)`` points, trajectory by trajectory)."""
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(
        problem(fs), N=r, num_levels=levels, seed=sampler_seed(master, "morris")
    )


def sobol(fs: Sequence[Factor], n: int, master: int, question: str) -> np.ndarray:
    """Saltelli's sample for first and total order indices, ``n * (k + 2)`` points; each
    question's sample has a seed of its own."""
    from SALib.sample import sobol as sobol_sample

    seed = replicate_seed(sampler_seed(master, "sobol"), int(question.lstrip("E")))
    return sobol_sample.sample(problem(fs), n, calc_second_order=False, seed=seed)


def explore(fs: Sequence[Factor], n: int, master: int) -> np.ndarray:
    """``n`` points of a scrambled Sobol sequence (``n`` a power of 2) over the factors' ranges."""
    engine = qmc.Sobol(len(fs), scramble=True, seed=sampler_seed(master, "explore"))
    unit = engine.random_base2(int(np.log2(n)))
    return qmc.scale(unit, [f.lo for f in fs], [f.hi for f in fs])


def applied(fs: Sequence[Factor], row: Sequence[float]) -> dict[str, float | int]:
    """A sampled row as the overrides a run gets: integer keys rounded."""
    return {f.key: round(float(v)) if f.integer else float(v) for f, v in zip(fs, row, strict=True)}


def is_power_of_two(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0

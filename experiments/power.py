"""How many seeds each headline of E1-E6 needs: the sd of its per-seed quantity (the paired
difference where the figure pairs by seed), its effect, and the seeds for a 95% interval whose
half-width is at most a quarter of the effect.

Two rules, one per kind of headline:

- an effect the sweep resolves (its 95% interval excludes 0): the smallest ``n`` with
  ``t(0.975, n - 1) * sd / sqrt(n) <= |effect| / 4`` (precision: the interval then reads the
  effect's size to within a quarter of it);
- an effect the sweep does not resolve (its interval covers 0): no ``n`` reaches a quarter of
  an effect that may be 0, so the row gives instead the seeds to detect a stated minimal effect
  of interest (``mei``, e.g. half a WAICO member) with 80% power, the smallest ``n`` with
  ``(t(0.975, n - 1) + t(0.8, n - 1)) * sd / sqrt(n) <= mei``.

Where a figure reads a family of comparisons one by one (E4's grid cells, E5's levers, E2's
levels, E6's two directions), ``n_family`` gives the same rule at Holm's strictest step, the
level ``1 - 0.05 / m``: enough for every comparison of the family to be read with Holm.

    python -m experiments power [--quick]     # prints; writes results/sweeps/power.csv
    python -m experiments reproduce           # also the committed results/figures/power.csv
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as _stats

from experiments.figures import circulation, dual_track, export_controls, local_competition
from experiments.figures.common import LEVEL, Sweep
from experiments.spec import RESULTS

FRACTION = 0.25  # the interval's half-width, as a share of the effect
POWER = 0.8  # for an effect the sweep does not resolve: the power to detect the MEI
N_MAX = 1_000_000  # beyond this, "not feasible"


def half_width(sd: float, n: int, level: float = LEVEL) -> float:
    """Half-width of the Student-t interval of a mean of ``n`` values with sd ``sd``."""
    return float(_stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))


def _smallest_n(sd: float, target: float, quantile: Callable[[int], float]) -> int | None:
    """Smallest n >= 2 with ``quantile(n) * sd / sqrt(n) <= target``; the normal approximation
    gives a start below the answer (t quantiles exceed the normal's), then n goes up by one."""
    if not np.isfinite(sd) or not np.isfinite(target) or target <= 0:
        return None
    if sd == 0:
        return 2
    n = max(2, int(np.floor((quantile(N_MAX) * sd / target) ** 2)))
    while n <= N_MAX and quantile(n) * sd / np.sqrt(n) > target:
        n += 1
    return n if n <= N_MAX else None


def seeds_needed(
    sd: float, effect: float, fraction: float = FRACTION, level: float = LEVEL
) -> int | None:
    """Seeds for a ``level`` t interval of half-width at most ``fraction * |effect|`` (None for
    an effect of 0 or an sd that is not a number)."""
    return _smallest_n(sd, fraction * abs(effect), lambda n: _stats.t.ppf(0.5 + level / 2, n - 1))


def seeds_to_detect(
    sd: float, mei: float, power: float = POWER, level: float = LEVEL
) -> int | None:
    """Seeds for a paired t test at ``level`` to find an effect of size ``mei`` with ``power``."""

    def quantile(n: int) -> float:
        return _stats.t.ppf(0.5 + level / 2, n - 1) + _stats.t.ppf(power, n - 1)

    return _smallest_n(sd, abs(mei), quantile)


@dataclass(frozen=True)
class Quantity:
    """One headline's per-seed values (a paired difference per seed where the figure pairs)."""

    experiment: str
    name: str
    values: np.ndarray
    mei: float  # the minimal effect of interest, used where the sweep does not resolve it
    family: str = ""  # the family the figure reads it in, with Holm ("" for none)
    m: int = 1  # the family's size


def _paired(a: pd.Series, b: pd.Series) -> np.ndarray:
    """``a - b`` over the replicates both have (same seeds)."""
    common = a.index.intersection(b.index).sort_values()
    return (a.loc[common] - b.loc[common]).to_numpy(dtype=float)


def _last(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame.step == frame.step.max()]


def e1(sweep: Sweep) -> Iterator[Quantity]:
    last = _last(dual_track.china(sweep)).set_index(["scenario", "replicate"]).growth_pct
    d = _paired(last.loc["baseline"], last.loc["china_single_track"])
    yield Quantity("E1", "capability growth (pct points), dual minus single track", d, 50.0)


def e2(sweep: Sweep) -> Iterator[Quantity]:
    runs = local_competition.per_run(sweep)
    C, B = local_competition.C, local_competition.B
    for b in sorted(runs[B].unique()):
        at = runs[runs[B] == b].set_index([C, "replicate"]).sort_index()
        levels = at.index.get_level_values(C).unique()
        lo, hi, m = levels.min(), levels.max(), len(levels) - 1
        for col, unit, mei in (("growth_pct", "pct points", 50.0), ("waste_bn", "USD bn", 5 * b)):
            d = _paired(at.loc[hi, col], at.loc[lo, col])
            name = f"{col} ({unit}), c={hi:g} minus c={lo:g}, budgets x{b:g}"
            family = f"{m} levels against c={lo:g}"
            yield Quantity("E2", name, d, mei, family, m)


def e3(sweep: Sweep) -> Iterator[Quantity]:
    """Per run: codified instruments, the mean adopter share of its codified instruments at
    codification and ``LATER`` quarters after, and the share of them a locality invented."""
    st = sweep.table("states")
    cn = _last(st[st.state == "china"]).set_index("run").codified_instruments
    yield Quantity("E3", "instruments codified per run", cn.to_numpy(float), 1.0)
    p = circulation.paths(sweep)
    for k in (0, circulation.LATER):
        share = p[p.k == k].groupby("run").share.mean()
        name = f"adopter share {k} quarters after codification (run mean)"
        yield Quantity("E3", name, share.to_numpy(float), 0.05)
    codified = p.drop_duplicates(["run", "instrument"])
    local = (codified.origin == circulation.GROUPS[True]).groupby(codified.run).mean()
    yield Quantity("E3", "share of codified instruments a locality invented", local.to_numpy(), 0.1)


def e4(sweep: Sweep) -> Iterator[Quantity]:
    """Final members, hq minus Shanghai paired by seed: per cell, and pooled (each seed's mean
    difference over the cells, the grid's average effect)."""
    from experiments.figures.waico_adoption import FINAL, HQS, UP, WD

    runs = sweep.table("runs").set_index(["scenario", WD, UP, "replicate"])[FINAL].sort_index()
    cells = runs.loc["waico_shanghai"].index.droplevel("replicate").unique()
    for hq in ("waico_singapore", "waico_hk_cohost"):
        name = f"final members, {HQS[hq]} minus Shanghai"
        diffs = runs.loc[hq] - runs.loc["waico_shanghai"]
        pooled = diffs.groupby(level="replicate").mean()
        yield Quantity("E4", f"{name}, grid mean", pooled.to_numpy(float), 0.5)
        for wd, up in cells:
            d = diffs.loc[(wd, up)].to_numpy(float)
            family = f"{len(cells)} cells"
            yield Quantity("E4", f"{name}, cell ({wd:g}, {up:g})", d, 0.5, family, len(cells))


def e5(sweep: Sweep) -> Iterator[Quantity]:
    from experiments.figures.convergence import LEVERS, WORLDS

    last = sweep.table("runs").set_index(["scenario", "replicate"]).final_fragmentation
    scen = set(last.index.get_level_values("scenario"))
    levers = [s for s in LEVERS if s in scen]
    for s, (label, _) in {**LEVERS, **WORLDS}.items():
        if s != "baseline" and s in scen:
            d = _paired(last.loc[s], last.loc["baseline"])
            family, m = (f"{len(levers)} levers", len(levers)) if s in LEVERS else ("", 1)
            yield Quantity("E5", f"final fragmentation, {label} minus baseline", d, 0.01, family, m)


def e6(sweep: Sweep) -> Iterator[Quantity]:
    final = _last(export_controls.china(sweep))
    for on in (True, False):
        last = final[final.efficiency_on == on].set_index(["scenario", "replicate"]).sort_index()
        if last.empty:
            continue
        channel = "" if on else ", without the efficiency channel"
        for col, mei in (("capability_share", 0.005), ("frontier_gap", 0.02)):
            for scen in export_controls.DIRECTIONS:
                d = _paired(last.loc[scen, col], last.loc["baseline", col])
                label = export_controls.SCENARIOS[scen][0]
                name = f"{col}, {label} minus baseline{channel}"
                yield Quantity("E6", name, d, mei, "2 directions", 2)


QUANTITIES = {
    "dual_track": e1,
    "local_competition": e2,
    "circulation": e3,
    "waico_adoption": e4,
    "convergence": e5,
    "export_controls": e6,
}


COLUMNS = ["experiment", "quantity", "effect", "lo", "hi", "sd", "n_now", "n_needed", "basis"]
COLUMNS += ["family", "n_family", "verdict"]


def row(q: Quantity, fraction: float = FRACTION, level: float = LEVEL) -> dict:
    """One line of the power table for ``q``."""
    values = q.values[np.isfinite(q.values)]
    now, effect = len(values), float(values.mean())
    sd = float(values.std(ddof=1)) if now > 1 else float("nan")
    half = half_width(sd, now, level) if now > 1 else float("nan")
    lo, hi = effect - half, effect + half
    resolved = lo > 0 or hi < 0
    strict = 1 - (1 - level) / q.m  # Holm's first step over the family
    if resolved:
        n, n_family = seeds_needed(sd, effect, fraction, level), None
        if q.m > 1:
            n_family = seeds_needed(sd, effect, fraction, strict)
        basis = f"CI half-width <= {fraction:g} x |effect|"
    else:
        n = seeds_to_detect(sd, q.mei, level=level)
        n_family = seeds_to_detect(sd, q.mei, level=strict) if q.m > 1 else None
        basis = f"effect not resolved; to detect {q.mei:g} with {POWER:.0%} power"
    if now < 2:
        verdict = "one seed: no sd to judge from"
    elif n is None:
        verdict = "no feasible n"
    elif now >= max(n, n_family or 0):
        verdict = "enough"
    elif now >= n:
        verdict = "enough one by one, not for Holm over the family"
    else:
        verdict = f"needs {n - now} more seeds"
    return {
        "experiment": q.experiment,
        "quantity": q.name,
        "effect": effect,
        "lo": lo,
        "hi": hi,
        "sd": sd,
        "n_now": now,
        "n_needed": n,
        "basis": basis,
        "family": q.family,
        "n_family": n_family,
        "verdict": verdict,
    }


def table(
    sweeps: Path = RESULTS / "sweeps",
    quick: bool = False,
    fraction: float = FRACTION,
    level: float = LEVEL,
) -> pd.DataFrame:
    """The power table of every headline quantity whose sweep has been aggregated under
    ``sweeps`` (``<name>_quick`` with ``quick``); an experiment not run yet is left out."""
    rows = []
    for name, quantities in QUANTITIES.items():
        root = sweeps / (f"{name}_quick" if quick else name)
        if not (root / "sweep.json").is_file():
            continue
        rows += [row(q, fraction, level) for q in quantities(Sweep.load(root))]
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"n_needed": "Int64", "n_family": "Int64"})


def text(power: pd.DataFrame) -> str:
    """The table as printed: quantity, effect, sd, seeds now, seeds needed, verdict."""
    lines = [f"{'quantity':72s} {'effect':>10s} {'sd':>9s} {'now':>4s} {'needed':>7s} verdict"]
    for r in power.itertuples():
        need = "-" if pd.isna(r.n_needed) else str(r.n_needed)
        if not r.basis.startswith("CI"):
            need += "*"
        if not pd.isna(r.n_family):
            need += f" ({r.n_family} Holm)"
        lines.append(
            f"{r.experiment} {r.quantity[:69]:69s} {r.effect:+10.3g} "
            f"{'n/a' if pd.isna(r.sd) else format(r.sd, '.3g'):>9s} "
            f"{r.n_now:4d} {need:>7s} {r.verdict}"
        )
    lines.append(
        f"needed: seeds for a 95% CI half-width <= {FRACTION:g} x |effect|; * the effect's CI "
        f"covers 0: seeds to detect the minimal effect of interest with {POWER:.0%} power; "
        "(n Holm): the same at Holm's strictest level over the family"
    )
    return "\n".join(lines)


def main(
    quick: bool = False, committed: bool = False, sweeps: Path = RESULTS / "sweeps"
) -> Path | None:
    """Print the power table; write it to ``results/sweeps/power.csv`` (``power_quick.csv``),
    or to the committed ``results/figures/power.csv`` only for ``reproduce``."""
    power = table(sweeps, quick)
    if power.empty:
        print(f"power: no aggregated sweep under {sweeps}; run the experiments first")
        return None
    print(text(power))
    out = RESULTS / "figures" / "power.csv" if committed and not quick else None
    out = out or sweeps / ("power_quick.csv" if quick else "power.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    power.to_csv(out, index=False)
    print(f"power: {out}")
    return out

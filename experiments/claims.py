"""The claims table: every claim of the sources the model represents, measured with its mechanism
switched on and off (docs/ODD.md, "Claims and their ablations").

    python -m experiments claims            # results/sweeps/claims/claims.{csv,md}
    python -m experiments claims --quick    # 3 seeds, 12 quarters (CI, tests)
    python -m experiments reproduce         # also results/claims.{csv,md} and the ODD table

A claim's *effect* is a contrast between a treated and a control world (or, without a contrast,
a level) measured on the same seeds in both; it is measured once in the default model (mechanism
on) and once with the claim's switch (mechanism off). The mechanism earns the claim when the effect
shows with it on (its confidence interval excludes zero) and shrinks to under a fifth of that, or
to an interval covering zero, with it off; a claim whose mechanism changes an effect that exists
without it (``expect="changes"``) is earned when the paired on-minus-off difference is clear.
The specification of each claim is in ``experiments/claim_list.py``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats

from experiments.claim_list import CLAIMS, Claim
from experiments.spec import RESULTS
from sim.model import RegulatoryCompetition
from sim.tools.outputs import atomic_write

ODD = Path("docs") / "ODD.md"  # like results/, relative to where the reader runs reproduce
START, END = "<!-- claims:start -->", "<!-- claims:end -->"
LEVEL = 0.95
MASTER_SEED = 1013
# Ten paired seeds detect an effect of about one standard deviation of the paired difference
# (two-sided t-test, alpha 0.05, power 0.8: n = (2.26 + 0.88)^2 / 1 ~ 10); the effects the table
# reports are several standard deviations, so ten suffice; a closer claim says so in its row.
SEEDS, QUICK_SEEDS, QUICK_STEPS = 10, 3, 12


@dataclass(frozen=True)
class Arm:
    """One run of a claim: the mechanism on or off, the treated or control world, one seed."""

    claim: str
    mechanism: str  # "on" | "off"
    world: str  # "treated" | "control" | "level"
    seed: int


def seeds(n: int) -> list[int]:
    """Replicate seeds spawned from the table's master seed (the same on any machine)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(MASTER_SEED).spawn(n)]


def _overrides(claim: Claim, arm: Arm, steps: int | None) -> tuple[str, dict]:
    world = {"treated": claim.treated, "control": claim.control}.get(arm.world, {})
    over = {**claim.base, **world, **(claim.off if arm.mechanism == "off" else {})}
    if steps is not None:
        over["steps"] = steps
    scenario = over.pop("scenario", "baseline")
    return scenario, over


def run_arm(claim: Claim, arm: Arm, steps: int | None) -> float:
    """The claim's metric at the end of one run."""
    scenario, over = _overrides(claim, arm, steps)
    model = RegulatoryCompetition(seed=arm.seed, scenario=scenario, **over)
    return float(claim.metric(model.run()))


def arms(claim: Claim, replicate_seeds: list[int]) -> list[Arm]:
    worlds = ("treated", "control") if claim.treated or claim.control else ("level",)
    return [
        Arm(claim.key, mech, world, seed)
        for mech in ("on", "off")
        for world in worlds
        for seed in replicate_seeds
    ]


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    mean = float(x.mean())
    if len(x) < 2 or np.allclose(x, x[0]):
        return mean, mean, mean
    half = stats.t.ppf(0.5 + LEVEL / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return mean, mean - half, mean + half


def summarise(claim: Claim, values: dict[Arm, float]) -> dict:
    """Effect with the mechanism on and off, each with its 95% interval over paired seeds."""
    row = {
        "key": claim.key,
        "claim": claim.claim,
        "source": claim.source,
        "mechanism": claim.mechanism,
        "switch": claim.switch_text,
        "effect": claim.effect,
        "test": claim.test,
    }
    effects = {}
    for mech in ("on", "off"):
        mine = {a: v for a, v in values.items() if a.mechanism == mech}
        by_seed = sorted({a.seed for a in mine})
        if any(a.world == "level" for a in mine):
            x = np.array([mine[Arm(claim.key, mech, "level", s)] for s in by_seed])
        else:
            x = np.array(
                [
                    mine[Arm(claim.key, mech, "treated", s)]
                    - mine[Arm(claim.key, mech, "control", s)]
                    for s in by_seed
                ]
            )
        effects[mech] = x
        mean, lo, hi = _interval(x)
        row.update({f"{mech}": mean, f"{mech}_lo": lo, f"{mech}_hi": hi})
    row["seeds"] = len(by_seed)
    row["shows"] = bool(row["on_lo"] > 0 or row["on_hi"] < 0)
    covers_zero = row["off_lo"] <= 0 <= row["off_hi"]
    row["vanishes"] = bool(covers_zero or abs(row["off"]) < 0.2 * abs(row["on"]))
    # the same seeds with the mechanism on and off: does switching it change the effect?
    change, lo, hi = _interval(effects["on"] - effects["off"])
    row.update({"change": change, "change_lo": lo, "change_hi": hi})
    row["changes"] = bool(lo > 0 or hi < 0)
    if claim.expect == "changes":
        row["earned"] = row["changes"]
    else:
        row["earned"] = row["shows"] and row["vanishes"]
    return row


def measure(claims: list[Claim], n_seeds: int, steps: int | None, jobs: int = -1) -> pd.DataFrame:
    """Run every claim's arms in parallel and summarise them, one row per claim."""

    def replicate(c: Claim) -> list[int]:  # quick runs (fewer than the table) stay quick
        return seeds(max(n_seeds, c.seeds or 0) if n_seeds >= SEEDS else n_seeds)

    tasks = [(c, group) for c in claims for group in same_world(arms(c, replicate(c)))]
    out = Parallel(n_jobs=jobs)(delayed(run_arms)(c, group, steps) for c, group in tasks)
    values: dict[str, dict[Arm, float]] = {c.key: {} for c in claims}
    for (c, group), vs in zip(tasks, out, strict=True):
        values[c.key].update(zip(group, vs, strict=True))
    return pd.DataFrame([summarise(c, values[c.key]) for c in claims])


def same_world(arms_: list[Arm]) -> list[list[Arm]]:
    """The arms in groups of one configuration (mechanism and world), in order: a worker
    composes a configuration once for all its seeds (0.7 s each), not once per worker."""
    groups: dict[tuple[str, str], list[Arm]] = {}
    for arm in arms_:
        groups.setdefault((arm.mechanism, arm.world), []).append(arm)
    return list(groups.values())


def run_arms(claim: Claim, group: list[Arm], steps: int | None) -> list[float]:
    """:func:`run_arm` for each arm of a group, one after the other."""
    return [run_arm(claim, arm, steps) for arm in group]


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.1e}"


def markdown(table: pd.DataFrame, n_steps: str) -> str:
    """The table as docs/ODD.md shows it."""
    lines = [
        f"Measured by `python -m experiments reproduce` ({table.seeds.min()} paired seeds, more "
        "where a row's power analysis asks for it (column *seeds*), "
        f"{n_steps}; 95% intervals). *On*: the default model; *off*: the switch; *on - off*: the "
        "paired difference (whether the mechanism changes the effect at all).",
        "",
        "| claim | source | mechanism | switch (off) | effect measured | on | off | on - off | "
        "seeds | test |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in table.itertuples():
        flag = "" if r.earned else " **(not earned)**"
        on = f"{_fmt(r.on)} [{_fmt(r.on_lo)}, {_fmt(r.on_hi)}]{flag}"
        off = f"{_fmt(r.off)} [{_fmt(r.off_lo)}, {_fmt(r.off_hi)}]"
        change = f"{_fmt(r.change)} [{_fmt(r.change_lo)}, {_fmt(r.change_hi)}]"
        lines.append(
            f"| {r.claim} | {r.source} | `{r.mechanism}` | `{r.switch}` | {r.effect} | {on} | "
            f"{off} | {change} | {r.seeds} | `{r.test}` |"
        )
    return "\n".join(lines) + "\n"


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text))


def write_odd(text: str, path: Path = ODD) -> None:
    """Replace the table between the claims markers of ``path`` (docs/ODD.md)."""
    doc = path.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise RuntimeError(f"{path}: no {START} ... {END} markers for the claims table")
    _write_text(path, pattern.sub(lambda _: f"{START}\n{text}{END}", doc))


def main(quick: bool, committed: bool, jobs: int = -1) -> Path:
    """Measure every claim; write the table (into results/ and the ODD only when committed)."""
    n, steps = (QUICK_SEEDS, QUICK_STEPS) if quick else (SEEDS, None)
    table = measure(CLAIMS, n, steps, jobs)
    horizon = f"{steps} quarters" if steps else "the scenarios' horizon (40 quarters)"
    text = markdown(table, horizon)
    out = RESULTS if committed else RESULTS / "sweeps" / "claims"
    if quick:
        out = RESULTS / "sweeps" / "claims_quick"
    out.mkdir(parents=True, exist_ok=True)
    _write_text(out / "claims.csv", table.to_csv(index=False))
    _write_text(out / "claims.md", text)
    if committed and not quick:
        if ODD.is_file():
            write_odd(text)
        else:
            print(f"claims: no {ODD} here, so the table is only in {out / 'claims.md'}")
    for r in table.itertuples():
        verdict = "earned" if r.earned else "NOT earned"
        print(f"claims: {r.key:28s} on {_fmt(r.on):>9s}  off {_fmt(r.off):>9s}  {verdict}")
    return out / "claims.md"


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m experiments.claims")
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    print(main(a.quick, committed=False))

"""What E7 costs: each arm's CPU seconds per run, measured here, and the full experiment's wall
time projected from them for the sizes of ``configs/experiment/sensitivity.yaml``.

    python -m experiments.sensitivity.cost              # k = the schemas' uncertainties
    python -m experiments.sensitivity.cost --k 100 --seeds 6 --cores 2

CPU time (not wall), so other load on the machine counts little; the projection counts the runs
of each stage (a sobol question runs its own arms only) and divides by the cores.
"""

from __future__ import annotations

import argparse
import time

from experiments.sensitivity import ARMS, HEADLINES
from experiments.sensitivity.jobs import seeds
from experiments.sensitivity.outcomes import question_arms
from experiments.sensitivity.settings import load
from sim.tools.sweep import experiment_file


def arm_costs(steps: int, n_seeds: int, master: int) -> dict[str, float]:
    """CPU seconds per run of each arm at the default point (a point's config write and
    conversion, the model's build, run and finals), after one warm-up run."""
    from experiments.sensitivity.point import ArmConfig, run_point

    replicate_seeds = seeds(master, n_seeds)
    run_point({}, ["baseline"], replicate_seeds[:1], steps)  # imports, compiled kernels
    out = {}
    for arm in ARMS:
        ArmConfig.get(arm, steps)  # composed once per worker: not a run's cost
        t0 = time.process_time()
        rows = run_point({}, [arm], replicate_seeds, steps)
        out[arm] = (time.process_time() - t0) / len(rows)
    return out


def runs(s: dict, k: int) -> dict[str, dict[str, int]]:
    """Runs per stage and arm for ``k`` uncertainties."""
    every = dict.fromkeys(ARMS, 1)
    out = {
        "morris": {a: s["morris"]["r"] * (k + 1) * s["morris"]["seeds"] for a in every},
        "sobol": dict.fromkeys(ARMS, 0),
        "explore": {a: s["explore"]["n"] * s["explore"]["seeds"] for a in every},
        "defaults": {a: s["defaults"]["seeds"] for a in every},
    }
    points = s["sobol"]["n"] * (min(s["select"]["top_k"], k) + 2) * s["sobol"]["seeds"]
    for q in HEADLINES:
        for a in question_arms(q):
            out["sobol"][a] += points
    return {st: n for st, n in out.items() if st in s["stages"]}


def main(argv: list[str] | None = None) -> int:
    from sim.config.roles import uncertainties

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, help="uncertainties (default: the schemas')")
    parser.add_argument("--seeds", type=int, default=6, help="runs per arm measured")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    s = load(experiment_file("sensitivity"), args.quick, ())
    k = args.k or len(uncertainties())
    cost = arm_costs(s["steps"], args.seeds, s["master_seed"])
    for arm, c in cost.items():
        print(f"{arm:16s} {c:.3f} CPU-s per run ({s['steps']} quarters)")
    total = 0.0
    for stage, by_arm in runs(s, k).items():
        cpu = sum(n * cost[a] for a, n in by_arm.items())
        total += cpu
        print(f"{stage:9s} {sum(by_arm.values()):7,d} runs {cpu:9,.0f} CPU-s")
    print(f"k = {k}: {total:,.0f} CPU-s / {args.cores} cores = {total / args.cores / 60:.0f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

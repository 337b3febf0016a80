"""Benchmark the regulatory-competition model against two Boltzmann wealth references.

Run ``python benchmarks/bench.py`` (about a minute or two) or ``--quick`` (under ~20 s). It
prints one table: the default world's construction and 40-step time, a large world's time and
peak memory measured in a fresh subprocess, and firm-steps per second beside the agent-steps per
second of the Mesa tutorial's Boltzmann wealth model written with Mesa and with NumPy.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np

TIME_TARGET_S = 15.0
MEMORY_TARGET_MB = 2048.0


def time_steps(model: Any, steps: int) -> tuple[float, int]:
    """Step a model and time only the steps.

    Args:
        model: a ``RegulatoryCompetition``.
        steps: number of quarters to run.

    Returns:
        Seconds spent in ``model.step()`` and firm-steps (living firms at the start of each
        step, summed over the steps).
    """
    seconds, firm_steps = 0.0, 0
    for _ in range(steps):
        firm_steps += model.firms.n
        t0 = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - t0
    return seconds, firm_steps


def bench_default(seed: int, repeats: int, steps: int) -> dict[str, list[float]]:
    """Build the default world and run it ``repeats`` times with the same seed.

    Returns:
        Lists over repeats of ``build`` and ``run`` seconds and ``rate`` (firm-steps per second).
    """
    from sim.model import RegulatoryCompetition

    RegulatoryCompetition(seed=seed, **{"firms.n_initial": 100}).run(1)  # warm up Hydra
    out: dict[str, list[float]] = {"build": [], "run": [], "rate": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = RegulatoryCompetition(seed=seed, scenario="baseline")
        out["build"].append(time.perf_counter() - t0)
        seconds, firm_steps = time_steps(model, steps)
        out["run"].append(seconds)
        out["rate"].append(firm_steps / seconds)
    return out


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, else KiB


def large_world_child(seed: int, n_initial: int, steps: int) -> dict[str, float]:
    """Build and run a large world; meant to run alone in a fresh (spawned) process.

    Returns:
        ``build`` and ``run`` seconds, ``rate`` (firm-steps/s), ``final_firms``, and peak RSS in
        MB after the imports (``rss_imports``) and at the end (``rss_peak``).
    """
    from sim.model import RegulatoryCompetition

    rss_imports = _maxrss_mb()
    t0 = time.perf_counter()
    model = RegulatoryCompetition(seed=seed, **{"firms.n_initial": n_initial})
    build = time.perf_counter() - t0
    seconds, firm_steps = time_steps(model, steps)
    return {
        "build": build,
        "run": seconds,
        "rate": firm_steps / seconds,
        "final_firms": model.firms.n,
        "rss_imports": rss_imports,
        "rss_peak": _maxrss_mb(),
    }


def bench_large(seed: int, n_initial: int, steps: int) -> dict[str, float]:
    """Run :func:`large_world_child` in a fresh spawned process so its peak RSS is its own."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(large_world_child, (seed, n_initial, steps))


class MoneyAgent(mesa.Agent):
    """Boltzmann wealth agent (Mesa tutorial): gives one unit to a random agent if it can."""

    def __init__(self, model: MoneyModel) -> None:
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        """Give one unit of wealth to a uniformly random agent (possibly itself)."""
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class MoneyModel(mesa.Model):
    """Boltzmann wealth model in idiomatic Mesa 3.3, with a list for O(1) random choice."""

    def __init__(self, n: int, seed: int) -> None:
        super().__init__(seed=seed)
        MoneyAgent.create_agents(self, n)
        self.agent_list = list(self.agents)  # indexing an AgentSet is O(N)

    def step(self) -> None:
        """Activate every agent once in random order."""
        self.agents.shuffle_do("step")


def boltzmann_mesa(n: int, steps: int, seed: int) -> float:
    """Seconds for ``steps`` steps of the Mesa Boltzmann model with ``n`` agents."""
    model = MoneyModel(n, seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t0


def boltzmann_numpy(n: int, steps: int, seed: int) -> float:
    """Seconds for ``steps`` steps of a vectorised Boltzmann model with ``n`` agents."""
    rng = np.random.default_rng(seed)
    wealth = np.ones(n, np.int64)
    t0 = time.perf_counter()
    for _ in range(steps):
        givers = np.flatnonzero(wealth > 0)
        wealth[givers] -= 1
        wealth += np.bincount(rng.integers(0, n, len(givers)), minlength=n)
    seconds = time.perf_counter() - t0
    assert wealth.sum() == n, "wealth is not conserved"
    return seconds


def median_rate(fn: Callable[[int, int, int], float], n: int, steps: int, args: Any) -> float:
    """Median agent-steps per second of ``fn(n, steps, seed)`` over ``args.repeats`` seeds."""
    runs = [fn(n, steps, args.seed + r) for r in range(args.repeats)]
    return n * steps / statistics.median(runs)


def _row(label: str, value: str, target: str = "", status: str = "") -> None:
    print(f"  {label:<44} {value:>16}  {target:>8}  {status}")


def _check(value: float, limit: float, enabled: bool) -> str:
    if not enabled:
        return "n/a (quick)"
    return "PASS" if value < limit else "MISS"


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the benchmarks and print the table. Returns the exit status (0)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small version, under ~20 s")
    parser.add_argument("--seed", type=int, default=42, help="master seed (default 42)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 5; quick 2)")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (2 if args.quick else 5)
    steps = 40
    n_large = 20_000 if args.quick else 100_000
    n_ref, mesa_steps, np_steps = 10_000, (20 if args.quick else 100), (500 if args.quick else 5000)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}")
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, Mesa {mesa.__version__}; "
        f"seed {args.seed}, repeats {args.repeats}{', QUICK' if args.quick else ''}"
    )
    wall = time.perf_counter()
    base = bench_default(args.seed, args.repeats, steps)
    large = bench_large(args.seed, n_large, steps)
    ref_mesa = median_rate(boltzmann_mesa, n_ref, mesa_steps, args)
    ref_np = median_rate(boltzmann_numpy, n_ref, np_steps, args)
    med, low = statistics.median, min

    print(f"\n  {'metric':<44} {'value':>16}  {'target':>8}  status")
    print("  " + "-" * 84)
    print(f"1. Default world (baseline, 3000 firms), {steps} steps, {args.repeats} repeats")
    _row("construction, median / min [s]", f"{med(base['build']):.3f} / {low(base['build']):.3f}")
    _row(f"{steps} steps, median / min [s]", f"{med(base['run']):.3f} / {low(base['run']):.3f}")
    _row("firm-steps/s, median", f"{med(base['rate']):,.0f}")
    print(f"2. Large world (firms.n_initial={n_large:,}), {steps} steps, fresh subprocess")
    on = not args.quick
    _row("construction [s]", f"{large['build']:.2f}")
    run, total, limit = large["run"], large["build"] + large["run"], f"< {TIME_TARGET_S:.0f} s"
    _row(f"{steps} steps [s]", f"{run:.2f}", limit, _check(run, TIME_TARGET_S, on))
    _row("construction + steps [s]", f"{total:.2f}", limit, _check(total, TIME_TARGET_S, on))
    _row("firm-steps/s", f"{large['rate']:,.0f}")
    _row("living firms after the run", f"{large['final_firms']:,.0f}")
    _row("RSS after imports [MB]", f"{large['rss_imports']:,.0f}")
    peak, share = large["rss_peak"], large["rss_peak"] - large["rss_imports"]
    _row("peak RSS [MB]", f"{peak:,.0f}", "< 2 GB", _check(peak, MEMORY_TARGET_MB, on))
    _row("  of which the model (peak - imports) [MB]", f"{share:,.0f}")
    print(f"3. Throughput vs Boltzmann wealth references ({n_ref:,} agents)")
    _row(f"Mesa 3.3 AgentSet.shuffle_do, {mesa_steps} steps", f"{ref_mesa:,.0f}")
    _row(f"NumPy vectorised, {np_steps} steps", f"{ref_np:,.0f}")
    for name, rate in (("default", med(base["rate"])), ("large", large["rate"])):
        _row(f"model ({name} world) / Mesa Boltzmann", f"{rate / ref_mesa:.2f}x")
        _row(f"model ({name} world) / NumPy Boltzmann", f"{rate / ref_np:.3f}x")
    print(f"\nTotal benchmark wall time {time.perf_counter() - wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

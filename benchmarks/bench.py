"""Benchmark the model against the speed targets of issue 14, and two Boltzmann wealth references.

Run ``python benchmarks/bench.py`` (a few minutes: it runs a 1,000,000-firm world) or
``--quick`` (under a minute; skips the two large worlds). It prints one table: each target of
issue 14 beside its figure with PASS or MISS, then firm-steps per second beside the agent-steps
per second of the Mesa tutorial's Boltzmann wealth model written with Mesa and with NumPy.

Times are wall seconds, median over the repeats, with the process (CPU) time beside them: on a
shared machine the CPU time is the steadier figure. Large worlds run in a fresh spawned process
each, so that their peak RSS is their own.

The 300-locality row runs the baseline with ``local.per_state=100`` (three states with localities,
each cut into 100); ``--localities300 KEY=VALUE ...`` replaces those overrides.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import mesa
import numpy as np

STEPS = 40
BASELINE_RUN_S = 0.05  # baseline, 40 quarters, in process
BUILD_S = 0.02  # a model from an already composed config
LARGE_N, LARGE_RUN_S = 100_000, 1.5
HUGE_N, HUGE_RUN_S, HUGE_PEAK_MB = 1_000_000, 20.0, 3 * 1024.0
LOCALITIES_EXTRA = 0.10  # 300 localities cost at most 10% more than 46
LOCALITIES_300: dict[str, Any] = {"local.per_state": 100}


def time_steps(model: Any, steps: int) -> tuple[float, float, int]:
    """Step a model and time only the steps.

    Returns:
        Wall and process (CPU) seconds spent in ``model.step()``, and firm-steps (living firms
        at the start of each step, summed over the steps).
    """
    firm_steps = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        firm_steps += model.firms.n
        model.step()
    return time.perf_counter() - wall, time.process_time() - cpu, firm_steps


@contextlib.contextmanager
def _timed_populate() -> Iterator[list[float]]:
    """Time ``sim.start.populate`` (the firm population, part of the build) while inside."""
    from sim import start

    seconds, original = [0.0], start.populate

    def timed(*args: Any, **kwargs: Any) -> None:
        t0 = time.process_time()
        original(*args, **kwargs)
        seconds[0] += time.process_time() - t0

    start.populate = timed
    try:
        yield seconds
    finally:
        start.populate = original


def bench_world(seed: int, repeats: int, overrides: dict[str, Any]) -> dict[str, list[float]]:
    """Compose a world once, then build and run it ``repeats`` times (seeds ``seed + r``).

    Returns:
        Lists over repeats: ``build`` and ``build_cpu`` (from the composed config), ``run`` and
        ``run_cpu`` (40 steps), ``rate`` (firm-steps per wall second).
    """
    from sim.model import RegulatoryCompetition
    from sim.tools.compose import compose_config

    cfg = compose_config("baseline", overrides)
    RegulatoryCompetition(config=cfg, seed=seed).run(1)  # warm up caches and imports
    keys = ("build", "build_cpu", "populate_cpu", "run", "run_cpu", "rate")
    out: dict[str, list[float]] = {k: [] for k in keys}
    for r in range(repeats):
        with _timed_populate() as populate:
            wall, cpu = time.perf_counter(), time.process_time()
            model = RegulatoryCompetition(config=cfg, seed=seed + r)
            out["build"].append(time.perf_counter() - wall)
            out["build_cpu"].append(time.process_time() - cpu)
        out["populate_cpu"].append(populate[0])
        seconds, cpu_seconds, firm_steps = time_steps(model, STEPS)
        out["run"].append(seconds)
        out["run_cpu"].append(cpu_seconds)
        out["rate"].append(firm_steps / seconds)
    out["localities"] = [len(model.localities)]
    return out


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, else KiB


def large_world_child(seed: int, n_initial: int, steps: int) -> dict[str, float]:
    """Build and run a large world; meant to run alone in a fresh (spawned) process.

    Returns:
        ``build`` and ``run`` seconds, ``run_cpu``, ``rate`` (firm-steps/s), ``final_firms``,
        and peak RSS in MB after the imports (``rss_imports``) and at the end (``rss_peak``).
    """
    from sim.model import RegulatoryCompetition
    from sim.tools.compose import compose_config

    cfg = compose_config("baseline", {"firms.n_initial": n_initial})
    rss_imports = _maxrss_mb()
    t0 = time.perf_counter()
    model = RegulatoryCompetition(config=cfg, seed=seed)
    build = time.perf_counter() - t0
    seconds, cpu_seconds, firm_steps = time_steps(model, steps)
    return {
        "build": build,
        "run": seconds,
        "run_cpu": cpu_seconds,
        "rate": firm_steps / seconds,
        "final_firms": model.firms.n,
        "rss_imports": rss_imports,
        "rss_peak": _maxrss_mb(),
    }


def bench_large(seed: int, n_initial: int, steps: int) -> dict[str, float]:
    """Run :func:`large_world_child` in a fresh spawned process so its peak RSS is its own."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(large_world_child, (seed, n_initial, steps))


def localities_overrides(args: argparse.Namespace) -> dict[str, Any] | None:
    """The 300-locality overrides: ``--localities300`` else ``LOCALITIES_300``; None if they do
    not compose."""
    from sim.tools.compose import compose_config
    from sim.tools.validate import ConfigError

    overrides = LOCALITIES_300
    if args.localities300:
        overrides = dict(item.split("=", 1) for item in args.localities300)
    try:
        cfg = compose_config("baseline", overrides)
    except ConfigError as exc:
        print(f"  (300 localities: {exc}; not measured)")
        return None
    return overrides if cfg is not None else None


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
    print(f"  {label:<46} {value:>18}  {target:>9}  {status}")


def _status(value: float, limit: float) -> str:
    return "PASS" if value <= limit else "MISS"


def _times(wall: list[float], cpu: list[float]) -> str:
    return f"{statistics.median(wall):.3f} ({statistics.median(cpu):.3f} cpu)"


def report_baseline(base: dict[str, list[float]]) -> None:
    """Rows 1-2: the baseline's 40 quarters and its build, against their targets."""
    run, build = statistics.median(base["run"]), statistics.median(base["build"])
    print(f"1. Baseline (3000 firms), {STEPS} quarters, in process")
    target = f"<= {BASELINE_RUN_S} s"
    _row(
        f"{STEPS} quarters [s]",
        _times(base["run"], base["run_cpu"]),
        target,
        _status(run, BASELINE_RUN_S),
    )
    target = f"<= {BUILD_S} s"
    _row(
        "build from a composed config [s]",
        _times(base["build"], base["build_cpu"]),
        target,
        _status(build, BUILD_S),
    )
    populate = statistics.median(base["populate_cpu"])
    _row("  of which the firm population (cpu) [s]", f"{populate:.3f}")
    _row("firm-steps/s", f"{statistics.median(base['rate']):,.0f}")
    _row("localities", f"{base['localities'][0]}")


def report_large(
    label: str, world: dict[str, float] | None, limit: float, peak: float | None
) -> None:
    """A large world's rows: its 40 quarters (and peak RSS) against the targets."""
    print(label)
    if world is None:
        _row(f"{STEPS} quarters [s]", "skipped (quick)", f"<= {limit:g} s")
        return
    _row("build [s]", f"{world['build']:.2f}")
    times = f"{world['run']:.2f} ({world['run_cpu']:.2f} cpu)"
    _row(f"{STEPS} quarters [s]", times, f"<= {limit:g} s", _status(world["run"], limit))
    _row("firm-steps/s", f"{world['rate']:,.0f}")
    _row("RSS after imports [MB]", f"{world['rss_imports']:,.0f}")
    if peak is None:
        _row("peak RSS [MB]", f"{world['rss_peak']:,.0f}")
    else:
        target = f"<= {peak / 1024:g} GB"
        _row("peak RSS [MB]", f"{world['rss_peak']:,.0f}", target, _status(world["rss_peak"], peak))


def report_localities(base: dict[str, list[float]], wide: dict[str, list[float]] | None) -> None:
    """The 300-locality row: extra cost of 300 localities over the baseline's 46 ."""
    print("4. Localities: 300 against the baseline's 46, 40 quarters in process")
    target = f"<= +{LOCALITIES_EXTRA:.0%}"
    if wide is None:
        _row("extra cost of 300 localities", "not measured", target)
        return
    extra = statistics.median(wide["run_cpu"]) / statistics.median(base["run_cpu"]) - 1.0
    n = wide["localities"][0]
    _row(f"40 quarters with {n} localities [s]", _times(wide["run"], wide["run_cpu"]))
    _row(
        "extra cost (cpu) of 300 localities",
        f"{extra:+.1%}",
        target,
        _status(extra, LOCALITIES_EXTRA),
    )


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the benchmarks and print the table. Returns the exit status (0)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the large worlds")
    parser.add_argument("--seed", type=int, default=42, help="master seed (default 42)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 7; quick 3)")
    parser.add_argument(
        "--localities300",
        nargs="+",
        metavar="KEY=VALUE",
        help="overrides for 300 localities",
    )
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 7)
    n_ref, mesa_steps, np_steps = 10_000, (20 if args.quick else 100), (500 if args.quick else 5000)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}")
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, Mesa {mesa.__version__}; "
        f"seed {args.seed}, repeats {args.repeats}{', QUICK' if args.quick else ''}"
    )
    wall = time.perf_counter()
    base = bench_world(args.seed, args.repeats, {})
    wide_overrides = localities_overrides(args)
    wide = bench_world(args.seed, args.repeats, wide_overrides) if wide_overrides else None
    large = None if args.quick else bench_large(args.seed, LARGE_N, STEPS)
    huge = None if args.quick else bench_large(args.seed, HUGE_N, STEPS)
    ref_mesa = median_rate(boltzmann_mesa, n_ref, mesa_steps, args)
    ref_np = median_rate(boltzmann_numpy, n_ref, np_steps, args)

    print(f"\n  {'measure (wall, median)':<46} {'value':>18}  {'target':>9}  status")
    print("  " + "-" * 88)
    report_baseline(base)
    report_large(f"2. Large world ({LARGE_N:,} firms), fresh process", large, LARGE_RUN_S, None)
    report_large(f"3. Huge world ({HUGE_N:,} firms), fresh process", huge, HUGE_RUN_S, HUGE_PEAK_MB)
    report_localities(base, wide)
    print(f"5. Throughput vs Boltzmann wealth references ({n_ref:,} agents)")
    _row(f"Mesa 3.3 AgentSet.shuffle_do, {mesa_steps} steps", f"{ref_mesa:,.0f}")
    _row(f"NumPy vectorised, {np_steps} steps", f"{ref_np:,.0f}")
    rate = statistics.median(base["rate"])
    _row("model (baseline) / Mesa Boltzmann", f"{rate / ref_mesa:.2f}x")
    _row("model (baseline) / NumPy Boltzmann", f"{rate / ref_np:.3f}x")
    print(f"\nTotal benchmark wall time {time.perf_counter() - wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the firm population against the targets of issue 14 (speed).

Run ``python benchmarks/firms_bench.py`` (a few minutes: the million-firm world dominates) or
``--quick`` (no million-firm world). Every world is built and run in a fresh spawned process,
so its peak memory is its own. Prints each figure beside its target:

- the baseline world (3,000 firms): build from a composed config, 40 quarters, firm-steps/s;
- 100,000 firms x 40 quarters (target 1.5 s) and 1,000,000 firms x 40 quarters (target 20 s,
  3 GB peak), with the memory estimate of ``sim/tools/memory.py`` beside the measured peak;
- firm-steps per second by scale (should grow with scale);
- the compiled kernels' cost: compiling on a cold cache, and what importing them and loading
  them from the cache adds to a fresh process (worker start-up in sweeps).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time

TARGETS = {100_000: (1.5, None), 1_000_000: (20.0, 3.0)}  # seconds, GB peak


def _maxrss_gb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**30 if sys.platform == "darwin" else rss / 2**20  # bytes on macOS, else KiB


def world_child(n_initial: int, steps: int, seed: int, builds: int) -> dict[str, float]:
    """Build (``builds`` times, from one composed config) and run a world; in a fresh process."""
    from sim.model import RegulatoryCompetition
    from sim.tools.compose import compose_config
    from sim.tools.memory import estimate_bytes

    cfg = compose_config("baseline", {"firms.n_initial": n_initial, "steps": steps})
    small = compose_config("baseline", {"firms.n_initial": 300, "steps": 1})
    RegulatoryCompetition(config=small, seed=seed).run()  # warm up: kernels, lazy imports
    imports_gb = _maxrss_gb()
    build = []
    for b in range(builds):
        t0 = time.perf_counter()
        model = RegulatoryCompetition(config=cfg, seed=seed + b)
        build.append(time.perf_counter() - t0)
    firm_steps, cpu0, t0 = 0, time.process_time(), time.perf_counter()
    for _ in range(steps):
        firm_steps += model.firms.n
        model.step()
    run, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "build": min(build),
        "run": run,
        "cpu": cpu,
        "rate": firm_steps / cpu,  # per CPU second: robust to a loaded machine
        "firms": model.firms.n,
        "peak_gb": _maxrss_gb(),
        "model_gb": _maxrss_gb() - imports_gb,
        "estimate_gb": estimate_bytes(cfg) / 2**30,
    }


def in_fresh_process(fn, *args):
    """Run ``fn(*args)`` in a fresh spawned process and return its result."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


_START_UP = """
import time
import mesa
import numpy as np
t1 = time.process_time()
import numba
t2 = time.process_time()
from sim.agents import kernels
t3 = time.process_time()
rng = np.random.default_rng(0)
n, s = 200, 15
serve = rng.random((n, s)) < 0.2
home = rng.integers(0, s, n).astype(np.int16)
k, q, f = rng.random(n), rng.random(s), rng.random((s, s))
out, rev = np.empty((n, s)), np.empty(n)
total = kernels.served_weight(k, f, home, serve)
kernels.market_revenue(k, f, home, serve, q, k, total, out, rev)
kernels.compliance_costs(serve, serve[:, 0].copy(), q, out, 0.1, 0.2, rev.copy(), rev.copy())
kernels.revenue_weighted(out, q)
kernels.choose_markets(np.arange(n), k, f, home, serve, serve[:, 0].copy(), q, q, out,
                       np.ones((s, s), bool), np.ones(5), total)
ones = np.ones(n, np.int64)
kernels.flows(serve[:, 0].copy(), home, ones, serve[:, 1].copy(), ones, rev, out, s)
kernels.frontier(serve[:, 0].copy(), home, k, s, 3)
kernels.stocks(serve[:, 0].copy(), home, home.astype(np.int32), k, k, s, 4)
print(t2 - t1, time.process_time() - t3)
"""


def kernel_start_up() -> dict[str, float]:
    """Import and first-call CPU seconds of the kernels in fresh processes: with a cold cache
    (the compile) and with a warm one (what a sweep's worker pays)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        for label in ("cold", "warm"):
            res = subprocess.run(
                [sys.executable, "-c", _START_UP], env=env, capture_output=True, text=True
            )
            res.check_returncode()
            imp, first = map(float, res.stdout.split())
            out[f"{label}_import"], out[f"{label}_first_calls"] = imp, first
    return out


def _row(label: str, value: str, target: str = "", status: str = "") -> None:
    print(f"  {label:<52} {value:>12}  {target:>10}  {status}")


def _status(value: float, limit: float) -> str:
    return "PASS" if value <= limit else f"MISS (x{value / limit:.1f})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table. Returns the exit status (0)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="without the million-firm world")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    steps = 40
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (wall times are noisy)")

    base = in_fresh_process(world_child, 3_000, steps, args.seed, 5)
    print(f"\n  {'measure':<52} {'value':>12}  {'target':>10}  status")
    print("1. Baseline world (3,000 firms), 40 quarters")
    _row("build from a composed config, best of 5 [s]", f"{base['build']:.3f}", "0.02 s (all)")
    _row("40 quarters [s] (whole model)", f"{base['run']:.3f}", "0.05 s (all)")
    _row("firm-steps per CPU second", f"{base['rate'] / 1e6:.2f} M")

    sizes = [20_000, 100_000] + ([] if args.quick else [1_000_000])
    rates = {3_000: base["rate"]}
    print("2. Large worlds, 40 quarters, each in a fresh process")
    for n in sizes:
        r = in_fresh_process(world_child, n, steps, args.seed, 1)
        rates[n] = r["rate"]
        seconds, gb = TARGETS.get(n, (None, None))
        _row(f"{n:,} firms: build [s]", f"{r['build']:.2f}")
        status = _status(r["run"], seconds) if seconds else ""
        _row(f"{n:,} firms: 40 quarters [s] (CPU {r['cpu']:.2f} s)", f"{r['run']:.2f}",
             f"{seconds} s" if seconds else "", status)  # fmt: skip
        status = _status(r["peak_gb"], gb) if gb else ""
        _row(f"{n:,} firms: peak RSS [GB]", f"{r['peak_gb']:.2f}", f"{gb} GB" if gb else "", status)
        ok = "PASS" if r["estimate_gb"] >= r["model_gb"] else "MISS (under)"
        _row(f"{n:,} firms: peak RSS of the model [GB]", f"{r['model_gb']:.2f}")
        estimate = f"{r['estimate_gb']:.2f}"
        _row(f"{n:,} firms: its memory estimate [GB] (>= that)", estimate, "", ok)
        _row(f"{n:,} firms: living firms after 40 quarters", f"{r['firms']:,}")
    print("3. Firm-steps per CPU second by scale (should grow with scale)")
    for n, rate in rates.items():
        _row(f"{n:,} firms", f"{rate / 1e6:.2f} M")
    grows = all(b >= a for a, b in zip(rates.values(), list(rates.values())[1:], strict=False))
    _row("grows with scale", str(grows), "True", "PASS" if grows else "MISS")

    s = kernel_start_up()
    print("4. Compiled kernels (numba), fresh processes")
    _row("import numba (added to a fresh process) [CPU s]", f"{s['cold_import']:.2f}")
    _row("compile every kernel, cold cache [CPU s]", f"{s['cold_first_calls']:.2f}")
    _row("import numba again (OS file cache warm) [CPU s]", f"{s['warm_import']:.2f}")
    _row("load every kernel from numba's cache [CPU s]", f"{s['warm_first_calls']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

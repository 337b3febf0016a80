"""Cost of the local governments: 46 localities against 300, and a long horizon.

    python benchmarks/localities_bench.py            # about a minute on 2 cores
    python benchmarks/localities_bench.py --quick    # no long horizon

It times 40 quarters of the baseline (seed 1, built from a config composed once) with the world
file's 46 localities and with ``local.per_state=100`` (300 localities: the same world cut finer,
``sim/local_world.py``), in CPU seconds of this process (the best of ``--repeats``), and the
share of it spent by the central regulators and their localities (``step_localities`` and the
reviews). The issue's target is printed beside the ratio: 300 localities cost at most 10% more
than 46. Then a 400-quarter run: instruments per locality at quarters 40 and 400 (they must stay
bounded) and the CPU time of the first and the last 40-quarter block (the cost must stay linear in
the horizon). The script exits 0 unless something crashes.
"""

from __future__ import annotations

import argparse
import time

from sim.agents.central_regulator import CentralRegulator
from sim.model import RegulatoryCompetition
from sim.tools.compose import compose_config

RATIO_TARGET = 1.10  # 300 localities cost at most 10% more than 46
WORLDS = {"46 localities": {}, "300 localities": {"local.per_state": 100}}


class CentreClock:
    """CPU seconds spent in the central regulators' locality steps and reviews."""

    def __init__(self) -> None:
        self.seconds = 0.0
        for name in ("step_localities", "review"):
            setattr(CentralRegulator, name, self._timed(getattr(CentralRegulator, name)))

    def _timed(self, method):
        def timed(*args, **kwargs):
            t0 = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - t0

        return timed


def run_40(overrides: dict, repeats: int, clock: CentreClock) -> tuple[float, float, int]:
    """Best CPU seconds of 40 quarters over ``repeats``, the centres' seconds in that run, and
    the number of localities."""
    config = compose_config("baseline", overrides)
    RegulatoryCompetition(seed=1, config=config).run(2)  # warm up
    best = None
    for _ in range(repeats):
        model = RegulatoryCompetition(seed=1, config=config)
        clock.seconds = 0.0
        t0 = time.process_time()
        model.run(40)
        seconds = time.process_time() - t0
        if best is None or seconds < best[0]:
            best = (seconds, clock.seconds, len(model.localities))
    return best


def long_horizon(steps: int = 400, block: int = 40) -> None:
    """Instruments per locality and CPU seconds per block of quarters over a long run."""
    model = RegulatoryCompetition(seed=1, steps=steps)
    rows, t0 = [], time.process_time()
    for q in range(1, steps + 1):
        model.step()
        if q % block == 0:
            held = [loc.n_instruments for loc in model.localities]
            now = time.process_time()
            rows.append((q, sum(held) / len(held), max(held), now - t0))
            t0 = now
    print(f"\nlong horizon ({steps} quarters, seed 1): instruments per locality must stay bounded")
    print(f"{'quarter':>8} {'mean':>6} {'max':>4} {'CPU s of the block':>19}")
    for q, mean, most, seconds in rows:
        print(f"{q:>8} {mean:>6.2f} {most:>4} {seconds:>19.3f}")
    growth = rows[-1][1] / rows[0][1]
    cost = rows[-1][3] / rows[0][3]
    print(f"instruments per locality, quarter {steps} / quarter {block}: {growth:.2f}")
    print(f"CPU of the last block / the first: {cost:.2f} (1 = linear in the horizon)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the long horizon")
    args = parser.parse_args()
    clock = CentreClock()
    results = {name: run_40(ov, args.repeats, clock) for name, ov in WORLDS.items()}
    print(f"baseline, 40 quarters, CPU seconds (best of {args.repeats})")
    print(f"{'world':<16} {'run':>7} {'centres':>8} {'share':>6} {'per locality-quarter':>21}")
    for name, (seconds, centres, n) in results.items():
        per = centres / (n * 40) * 1e6
        share = centres / seconds
        print(f"{name:<16} {seconds:>7.3f} {centres:>8.3f} {share:>6.0%} {per:>18.1f} us")
    ratio = results["300 localities"][0] / results["46 localities"][0]
    verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
    print(f"300 / 46 localities: {ratio:.2f}  (target <= {RATIO_TARGET:.2f})  {verdict}")
    if not args.quick:
        long_horizon()


if __name__ == "__main__":
    main()

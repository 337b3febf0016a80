"""How long a step of the dashboard takes to render, page by page, for the default world.

Run ``python benchmarks/dashboard_bench.py`` (about a minute; needs the [viz] extra). It renders
the app as the server does (``solara.render`` inside an ``AppLayout``), shows each page in turn
and clicks Step ``--clicks`` times on it: one click is a model step plus the redrawing of the
page's figures as PNG images. It prints the median and largest wall time per click, and the
median and largest CPU time of the process (what the dashboard itself costs, whatever the load),
against the target of 0.5 s; ``--late N`` first runs the model N quarters (its tables grow with
the run, and the default horizon is 40). The load average and a yardstick loop are
printed beside them, since other processes on a shared machine stretch wall times. Exits 0
unless something crashes.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
import warnings

TARGET_S = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=8, help="Step clicks per page")
    parser.add_argument("--late", type=int, default=0, help="quarters to run before timing")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # Mesa's SolaraViz trips one of Solara's hook checks
    logging.getLogger("MESA").setLevel(logging.WARNING)

    import ipyvuetify as v
    import solara

    from sim.app import Page
    from sim.dashboard.pages import PAGE_TITLES

    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    tabs = rc.find(v.Tabs).widget
    for _ in range(args.late):
        step.click()
    t0 = time.perf_counter()
    sum(range(10**6))  # a yardstick to compare machines and loads by
    yardstick = (time.perf_counter() - t0) * 1000
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"sum(range(10**6)) took {yardstick:.0f} ms; target < {TARGET_S} s"
    )
    print(f"{'page':<34} {'wall s':>7} {'max':>6} {'cpu s':>7} {'max':>6}  verdict")
    for index, title in enumerate(PAGE_TITLES):
        tabs.v_model = index
        step.click()  # the first drawing of a page (and the side-by-side twin) is not a step
        wall, cpu = [], []
        for _ in range(args.clicks):
            t0, c0 = time.perf_counter(), time.process_time()
            step.click()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        median, cpu_median = statistics.median(wall), statistics.median(cpu)
        verdict = "PASS" if max(median, cpu_median) < TARGET_S else "MISS"
        print(
            f"{index} {title:<32} {median:>7.3f} {max(wall):>6.3f} "
            f"{cpu_median:>7.3f} {max(cpu):>6.3f}  {verdict}"
        )


if __name__ == "__main__":
    main()

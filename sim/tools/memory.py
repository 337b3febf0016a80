"""How much memory a world needs, estimated before it is built (docs/ODD.md 7.10).

The firms dominate: every slot of the population's arrays holds scalar attributes and one row
per market (served flags, revenue), and building the world makes temporaries of the same shape
(a firm's Mesa agent is made only on request: sim/agents/firms.py). Entry crowding
(docs/ODD.md 7.7k) bounds the population at ``firms.entry_crowding`` times each state's initial
firms, so the peak is known before the first quarter. A process's one-off costs (its imports, and
the compiled kernels of sim/agents/kernels.py, about 15 MB once loaded) are not the world's.
"""

from __future__ import annotations

import os

# Peak memory per firm slot, measured with tracemalloc (5,000-100,000 firms, 15 states: 330-450
# bytes, the peak during the build's market settling), with a margin: a fixed part (scalar
# arrays and their temporaries) and a part per market (served flags, revenue and its successor).
SLOT_BYTES, SLOT_BYTES_PER_MARKET = 250, 20
# Collected rows (states and localities) per quarter, each a dict of about 30 values.
ROW_BYTES = 1500
GROWTH = 1.25  # the population's arrays grow by a quarter when full (sim/agents/firms.py)


def peak_slots(cfg) -> int:
    """Firm slots the arrays can reach: the initial headroom, or the crowding capacity of every
    state (which follows its market, grown to the horizon: docs/ODD.md 7.14) with the arrays'
    growth step."""
    from sim.agents.firms import start_reference
    from sim.economy import Economy

    firms0, _ = start_reference(cfg, 1.0)
    market = Economy(cfg.economy, cfg.states).market(max(int(cfg.steps) - 1, 0))
    capacity = float(cfg.firms.entry_crowding) * float(firms0 @ market)
    # Nor can it outgrow entry: at most entry_rate entrants per firm a quarter, at twice the
    # initial attractiveness (a generous bound; exits are ignored).
    by_entry = firms0.sum() * (1.0 + 2.0 * float(cfg.firms.entry_rate)) ** int(cfg.steps)
    capacity = min(capacity, by_entry)
    return int(max(GROWTH * cfg.firms.n_initial + 16, GROWTH * capacity))


def estimate_bytes(cfg) -> int:
    """Peak memory of a run of ``cfg``: firm slots times their size, plus the collected data."""
    markets = len(cfg.states)
    per_slot = SLOT_BYTES + SLOT_BYTES_PER_MARKET * markets
    rows = cfg.steps * (markets + len(cfg.localities))
    return int(peak_slots(cfg) * per_slot + rows * ROW_BYTES)


def available_bytes() -> int | None:
    """Memory the machine can give a new process now (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_check(cfg) -> str | None:
    """A one-line error when the world will not fit in the available memory, else None."""
    need, have = estimate_bytes(cfg), available_bytes()
    if have is None or need <= have:
        return None
    gb = 1024**3
    return (
        f"firms.n_initial = {cfg.firms.n_initial}: this world needs about {need / gb:.1f} GB "
        f"(up to {peak_slots(cfg):,} firm slots over {len(cfg.states)} markets, "
        f"{cfg.steps} quarters of outputs) but {have / gb:.1f} GB of memory is available; "
        "lower firms.n_initial, firms.entry_crowding or steps"
    )

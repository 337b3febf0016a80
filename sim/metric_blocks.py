"""The reporters of ``sim/metrics.py`` that share their inputs, computed a table at a time.

Each block returns several columns at once from one pass over the agents (the pole shares from
one capability array, China's localities gathered once, the states' local columns in one loop),
with the same arithmetic as the per-agent or per-model reporter of the same name, so the values
are the same bits; ``tests/test_recorder.py`` checks them against Mesa's DataCollector running
the plain reporters. The recorder (``sim/recorder.py``) uses a block's column in place of the
reporter of that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.config import POLES
from sim.metrics import (
    _china_localities,
    _dispersion,
    _mean_facilitation,
    _own_localities,
    _pole_share,
    _waste_share,
    capability,
    mean,
    std,
    trailing_releases,
)

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


def model_block(model: RegulatoryCompetition) -> dict[str, float]:
    """Pole shares of capability and of recent releases; China's local metrics."""
    out: dict[str, float] = {}
    for kind, values in (
        ("capability", capability(model)),
        ("foundation_model", trailing_releases(model)),
    ):
        for pole in POLES:
            out[f"{kind}_share_{pole}"] = _pole_share(model, values, pole)
    locs = _china_localities(model)
    out["local_facilitation"] = _mean_facilitation(locs)
    out["local_spending"] = float(sum(loc.spending for loc in locs))
    out["local_waste_share"] = _waste_share(locs)
    out["local_policy_dispersion"] = _dispersion(locs)
    return out


def state_block(model: RegulatoryCompetition) -> dict[str, list]:
    """Each state's local columns, codified instruments and law pressure, in state order."""
    cols: dict[str, list] = {k: [] for k in (*STATE_LOCAL, "codified_instruments")}
    for state in model.states:
        locs = _own_localities(state)
        values = _local_values(locs) if locs else NO_LOCALITIES
        for name, value in zip(STATE_LOCAL, values, strict=True):
            cols[name].append(value)
        codified = len(state.centre.codified) if state.centre is not None else 0
        cols["codified_instruments"].append(codified)
    dyn = model.regimes
    threshold = dyn.p.law_threshold
    # element by element the same division as regime.law_pressure
    law = (dyn.law / threshold).tolist() if threshold > 0 else [0.0] * len(model.states)
    cols["law_pressure"] = law
    return cols


STATE_LOCAL = (
    "local_facilitation",
    "local_waste_share",
    "local_dispersion",
    "local_transfer",
    "local_crowded_out",
)
# what the state_local_* reporters give a state without localities
NO_LOCALITIES = (float("nan"), float("nan"), float("nan"), 0.0, 0.0)


def _local_values(locs: list) -> tuple:
    """The state_local_* reporters' values for one state's localities, read in one pass (the
    sums run over the localities in the same order, so the bits are the same)."""
    F, spending, waste, transfer, crowded = zip(
        *[(loc.F, loc.spending, loc.waste, loc.transfer, loc.crowded_out) for loc in locs],
        strict=True,
    )
    total = sum(spending)
    share = sum(waste) / total if total > 0 else float("nan")
    F = list(F)
    return mean(F), share, std(F), float(sum(transfer)), float(sum(crowded))

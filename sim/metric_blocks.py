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
    cols: dict[str, list] = {
        k: []
        for k in (
            "local_facilitation",
            "local_waste_share",
            "local_dispersion",
            "local_transfer",
            "local_crowded_out",
            "codified_instruments",
        )
    }
    for state in model.states:
        locs = _own_localities(state)
        cols["local_facilitation"].append(_mean_facilitation(locs))
        cols["local_waste_share"].append(_waste_share(locs))
        cols["local_dispersion"].append(_dispersion(locs))
        cols["local_transfer"].append(float(sum(loc.transfer for loc in locs)))
        cols["local_crowded_out"].append(float(sum(loc.crowded_out for loc in locs)))
        cols["codified_instruments"].append(
            len(state.centre.codified) if state.centre is not None else 0
        )
    dyn = model.regimes
    threshold = dyn.p.law_threshold
    # element by element the same division as regime.law_pressure
    law = (dyn.law / threshold).tolist() if threshold > 0 else [0.0] * len(model.states)
    cols["law_pressure"] = law
    return cols

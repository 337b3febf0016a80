"""Named reporters for Mesa's DataCollector (no lambdas, so runs pickle for batch_run).

Model-level reporters give one row per step (``model.parquet``); state reporters give one row
per step and state (``states.parquet``); local reporters one row per step and locality
(``localities.parquet``). Local model-level metrics are over China's localities, the paper's
case; the state-level columns give them for every state with localities. Shares "by pole" sum
the states whose ``pole`` is that pole; foundation-model shares are over the trailing four
quarters, like the annual counts of the
stylised facts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import institution_metrics
from sim.agents import regime
from sim.config import POLES

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition


def _pole_share(model: RegulatoryCompetition, values: np.ndarray, pole: str) -> float:
    total = values.sum()
    return float(values[model.pole_index[pole]].sum() / total) if total > 0 else float("nan")


def year(model: RegulatoryCompetition) -> int:
    """Calendar year of the quarter that has just ended (step 0: the quarter before the start)."""
    return model.calendar(model.steps)[0]


def quarter(model: RegulatoryCompetition) -> int:
    """Quarter (1-4) that has just ended; step 0 reports the quarter before the start."""
    return model.calendar(model.steps)[1]


def time(model: RegulatoryCompetition) -> float:
    """Decimal years at the end of the step (step 0: the start, e.g. 2025.0)."""
    y0, q0 = model.start
    return y0 + (q0 - 1) / 4 + model.steps / 4


def capability(model: RegulatoryCompetition) -> np.ndarray:
    """National capability of every state (capability units)."""
    return np.array([s.capability for s in model.states])


def trailing_releases(model: RegulatoryCompetition) -> np.ndarray:
    """Foundation models released by each state's firms over the last four quarters."""
    return np.sum(model.release_history, axis=0) if model.release_history else np.zeros(model.S)


def fragmentation(model: RegulatoryCompetition) -> float:
    """Market-weighted dispersion of stances (R, F, E), scaled to [0, 1].

    sqrt of the market-weighted variance averaged over R, F and E, times 2 (the largest standard
    deviation of a variable in [0, 1] is 0.5).
    """
    w = np.array([s.ai_market for s in model.states])
    w = w / w.sum()
    x = np.array([[s.R, s.F, s.E] for s in model.states])
    mean = w @ x
    return float(2.0 * np.sqrt((w @ (x - mean) ** 2).mean()))


def frontier_gap_us_china(model: RegulatoryCompetition) -> float:
    """Relative gap between the US and Chinese frontiers, 1 - frontier_china / frontier_us
    (negative when China leads): the quantity compared with benchmark gaps."""
    us, china = model.state("us").frontier, model.state("china").frontier
    return float(1.0 - china / us) if us > 0 else float("nan")


def world_ai_market(model: RegulatoryCompetition) -> float:
    """The world's AI market this quarter (USD bn/yr, annual rate)."""
    return float(sum(s.ai_market for s in model.states))


def world_investment(model: RegulatoryCompetition) -> float:
    """The world's private AI investment this quarter (USD bn/yr, annual rate)."""
    return float(sum(s.ai_investment for s in model.states))


def incidents(model: RegulatoryCompetition) -> int:
    """Incidents caused by all firms in the quarter."""
    return int(sum(s.incidents for s in model.states))


def foundation_models(model: RegulatoryCompetition) -> int:
    """Foundation models released in the quarter."""
    return int(sum(s.releases for s in model.states))


def open_model_share(model: RegulatoryCompetition) -> float:
    """Share of the last four quarters' foundation models released with open weights."""
    total = np.sum(model.release_history)
    return float(np.sum(model.open_release_history) / total) if total > 0 else float("nan")


def firms(model: RegulatoryCompetition) -> int:
    """Living firms."""
    return model.firms.n


def entries(model: RegulatoryCompetition) -> int:
    """Firms that entered in the quarter."""
    return int(model.last_tallies["entries"].sum())


def exits(model: RegulatoryCompetition) -> int:
    """Firms that exited in the quarter."""
    return int(model.last_tallies["exits"].sum())


def mean_safety(model: RegulatoryCompetition) -> float:
    """Mean safety effort of living firms."""
    pop = model.firms
    safety = pop.safety[pop.alive]
    # np.mean's own steps (pairwise sum, one division) without its Python overhead
    return float(np.add.reduce(safety) / len(safety)) if len(safety) else float("nan")


# -- the local level (dual-track regulation) ----------------------------------------------


def _china_localities(model: RegulatoryCompetition) -> list:
    return [loc for loc in model.localities if loc.state.pole == "china"]


def _waste_share(localities: list) -> float:
    spending = sum(loc.spending for loc in localities)
    return sum(loc.waste for loc in localities) / spending if spending > 0 else float("nan")


def mean(values: list[float]) -> float:
    """``float(np.mean(values))`` to the bit, without np.mean's Python overhead (the same
    pairwise sum, then one division)."""
    return float(np.add.reduce(np.array(values, dtype=float)) / len(values))


def std(values: list[float]) -> float:
    """``float(np.std(values))`` to the bit: numpy's own steps (mean, squared deviations, their
    pairwise sum over n, square root) without its Python overhead."""
    a = np.array(values, dtype=float)
    x = a - np.add.reduce(a) / a.size
    x *= x
    return math.sqrt(np.add.reduce(x) / a.size)


def _dispersion(localities: list) -> float:
    return std([loc.F for loc in localities]) if localities else float("nan")


def _mean_facilitation(localities: list) -> float:
    return mean([loc.F for loc in localities]) if localities else float("nan")


def codified_instruments(model: RegulatoryCompetition) -> int:
    """Local instruments codified into national policy so far, all states."""
    return sum(len(c.codified) for c in model.centres)


def local_waste_share(model: RegulatoryCompetition) -> float:
    """Waste over spending of China's localities this quarter (share)."""
    return _waste_share(_china_localities(model))


def local_facilitation(model: RegulatoryCompetition) -> float:
    """Mean facilitation of China's localities."""
    return _mean_facilitation(_china_localities(model))


def local_policy_dispersion(model: RegulatoryCompetition) -> float:
    """Standard deviation of facilitation across China's localities."""
    return _dispersion(_china_localities(model))


def local_spending(model: RegulatoryCompetition) -> float:
    """Spending of China's localities this quarter (USD bn)."""
    return float(sum(loc.spending for loc in _china_localities(model)))


def relocations(model: RegulatoryCompetition) -> int:
    """Firms that moved between localities of their state this quarter."""
    return int(sum(loc.moved_in for loc in model.localities))


def _own_localities(state) -> list:
    return state.centre.localities if state.centre is not None else []


def state_local_facilitation(state) -> float:
    """Mean facilitation of the state's localities (NaN without localities)."""
    return _mean_facilitation(_own_localities(state))


def state_local_waste_share(state) -> float:
    """Waste over spending of the state's localities this quarter."""
    return _waste_share(_own_localities(state))


def state_local_dispersion(state) -> float:
    """Standard deviation of facilitation across the state's localities."""
    return _dispersion(_own_localities(state))


def state_local_crowded_out(state) -> float:
    """Public AI money the state's local spending took from its firms this quarter, above the
    settled start (USD bn; negative: money returned to firms)."""
    return float(sum(loc.crowded_out for loc in _own_localities(state)))


def state_local_transfer(state) -> float:
    """Central transfers financing the state's local AI spending this quarter (USD bn)."""
    return float(sum(loc.transfer for loc in _own_localities(state)))


def state_codified(state) -> int:
    """Instruments the state's centre has codified so far."""
    return len(state.centre.codified) if state.centre is not None else 0


def _pole_reporter(kind: str, pole: str):
    source = capability if kind == "capability" else trailing_releases

    def report(model: RegulatoryCompetition) -> float:
        return _pole_share(model, source(model), pole)

    report.__name__ = f"{kind}_share_{pole}"
    report.__qualname__ = report.__name__
    report.__doc__ = f"Share of world {kind.replace('_', ' ')} held by the {pole} pole."
    return report


for _kind in ("capability", "foundation_model"):
    for _pole in POLES:
        _fn = _pole_reporter(_kind, _pole)
        globals()[_fn.__name__] = _fn

MODEL_REPORTERS = {
    "year": year,
    "quarter": quarter,
    "time": time,
    **{
        f"{k}_share_{p}": globals()[f"{k}_share_{p}"]
        for k in ("capability", "foundation_model")
        for p in POLES
    },
    "fragmentation": fragmentation,
    "frontier_gap_us_china": frontier_gap_us_china,
    "world_ai_market": world_ai_market,
    "world_investment": world_investment,
    "incidents": incidents,
    "foundation_models": foundation_models,
    "open_model_share": open_model_share,
    "firms": firms,
    "entries": entries,
    "exits": exits,
    "mean_safety": mean_safety,
    "codified_instruments": codified_instruments,
    "local_facilitation": local_facilitation,
    "local_spending": local_spending,
    "local_waste_share": local_waste_share,
    "local_policy_dispersion": local_policy_dispersion,
    "relocations": relocations,
    "binding_regimes": regime.binding_regimes,
    **institution_metrics.MODEL_REPORTERS,
}

STATE_REPORTERS = {
    "state": "name",
    "pole": "pole",
    "governance": "governance",
    "mode": "mode",
    "law_pressure": regime.law_pressure,
    "R": "R",
    "F": "F",
    "E": "E",
    "capability": "capability",
    "frontier": "frontier",
    "ai_market": "ai_market",
    "investment": "ai_investment",
    "efficiency": "efficiency",
    "productivity": "productivity",
    "firms": "firms",
    "foundation_models": "releases",
    "foundation_models_total": "foundation_models",
    "incidents": "incidents",
    "incidents_in_market": "incidents_in_market",
    "compute_access": "compute_access",
    "chips": "chips",
    "effective_access": "effective_access",
    "chip_investment": "chip_investment",
    "alignment_us": "alignment_us",
    "safety": "mean_safety",
    "TP": "TP",
    "RP": "RP",
    "IP": "IP",
    "local_facilitation": state_local_facilitation,
    "local_waste_share": state_local_waste_share,
    "local_dispersion": state_local_dispersion,
    "local_transfer": state_local_transfer,
    "local_crowded_out": state_local_crowded_out,
    "codified_instruments": state_codified,
    **institution_metrics.STATE_REPORTERS,
}


class Attribute:
    """An agent attribute as a reporter (``None`` where the agent lacks it, as Mesa's own).

    Mesa wraps an attribute name in a function local to the DataCollector, which pickle cannot
    reach; this class can be pickled, so a model pickles with its data before and after a run.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, agent: object) -> object:
        return getattr(agent, self.name, None)


class DataCollector(mesa.DataCollector):
    """Mesa's DataCollector with picklable attribute reporters; the tables are the same."""

    def _new_agent_reporter(self, name, reporter):
        if isinstance(reporter, str):
            reporter = Attribute(reporter)
        super()._new_agent_reporter(name, reporter)

    def _new_agenttype_reporter(self, agent_type, name, reporter):
        if isinstance(reporter, str):
            reporter = Attribute(reporter)
        super()._new_agenttype_reporter(agent_type, name, reporter)


LOCAL_REPORTERS = {
    "state": "state_name",
    "locality": "name",
    "advantage": "advantage",
    "facilitation": "F",
    "R": "R",
    "spending": "spending",
    "waste": "waste",
    "budget": "budget",
    "transfer": "transfer",
    "crowded_out": "crowded_out",
    "hurdle": "hurdle_value",
    "dropped": "dropped",
    "productivity": "productivity",
    "instruments": "instrument_list",
    "n_instruments": "n_instruments",
    "llm_bet": "llm_bet",
    "firms": "firms",
    "capability": "capability",
    "growth": "growth",
    "rank_pressure": "rank_pressure",
    "pilot_zone": "pilot_zone",
    "promotions": "promotions",
    "turnovers": "turnovers",
    "official_tenure": "official_tenure",
    "official_stance": "official_stance",
    "promotion_odds": "promotion_odds",
    "standing": "standing",
    "moved_in": "moved_in",
    "moved_out": "moved_out",
}

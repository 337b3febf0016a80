"""What the model says about each target, read from one of two views of a run:

- :class:`InitialWorld`, the world at step 0 (the end of 2024, the start of the balanced-growth
  path): its stocks, and its *expected* flows (releases, incidents) a year at step 0, no random
  draws; earlier years are backcast along the path with the model's growth rates. The in-sample
  targets (2024 and earlier) are measured here, so the fit needs no simulation.
- :class:`SimulatedWorld`, the quarters a run simulated (2025 = steps 1-4, 2026 = steps 5-8),
  from the model's tables. The held-out targets (2025-2026) are measured here.

Both views answer the same questions (``flow``, ``level``, ``scalar``, ``modes``), so one
measurement per quantity serves both tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.metrics import STATE_REPORTERS
from sim.model import RegulatoryCompetition
from sim.tools.validate import parse_quarter

if TYPE_CHECKING:
    from omegaconf import DictConfig

    from sim.tools.calibrate.targets import Target

QUARTERS = 4
# Aggregates of the record's regions; any other region is a state (or, for firm shares, a locality).
REGIONS = {
    "europe": ("eu", "uk"),  # the AI Index's "Europe" includes non-EU states
    "asia": ("china", "japan", "south_korea", "taiwan", "singapore", "india", "asean"),
}
HSMAP_TOP10 = (  # Ma 2024 (002), Table 1 (HSMAP 2024), in rank order
    "beijing",
    "shenzhen",
    "shanghai",
    "guangzhou",
    "hangzhou",
    "xian",
    "nanjing",
    "chengdu",
    "wuhan",
    "suzhou",
)
# The model's flows as states.parquet names them.
FLOW_COLUMNS = {"releases": "foundation_models", "incidents": "incidents"}


def annual_growth(model: RegulatoryCompetition) -> dict[str, np.ndarray]:
    """The model's growth along its balanced-growth path over one year, per state, of each
    quantity the initial world backcasts (``sim/economy.py``):

    - investment: the state's private-investment rate;
    - releases: a firm releases by its capability against the world's, ``(k / kbar)^eta``, so a
      state's releases grow as its capability relative to the world's, to the power eta (zero
      growth when every state grows alike);
    - incidents: capability against the world's, times the use of AI (the world's money index).
    """
    eco, p = model.economy, model.firm_params
    capability = np.array([s.capability for s in model.states])
    own = eco.capability_rate(model.money_rate, p.rd_elasticity)  # per quarter
    world = float(capability @ own / max(capability.sum(), 1e-12))
    standing = ((1.0 + own) / (1.0 + world)) ** QUARTERS
    return {
        "investment": eco.investment(QUARTERS) - 1.0,
        "releases": standing**p.fm_elasticity - 1.0,
        "open_releases": standing**p.fm_elasticity - 1.0,
        "incidents": standing * eco.money(QUARTERS) / eco.money(0) - 1.0,
    }


class InitialWorld:
    """Step 0 of a model: stocks, expected flows a year, and their backcast to earlier years."""

    def __init__(self, model: RegulatoryCompetition) -> None:
        self.model = model
        self.year = model.calendar(0)[0]
        pop, S = model.firms, model.S
        a = pop.alive
        home = pop.home[a].astype(np.int64)
        releases = pop.release_rates(model.jurisdictions())
        per_year = lambda x: QUARTERS * np.bincount(home, x[a], S)  # noqa: E731
        self._values = {
            "releases": per_year(releases),
            "open_releases": per_year(releases * pop.open),
            "incidents": per_year(pop.incident_rates()),
            "investment": self._column("investment"),
        }
        self._growth = annual_growth(model)

    def _column(self, column: str) -> np.ndarray:
        """A states.parquet column at step 0, read from the agents (the frame is slow)."""
        reporter = STATE_REPORTERS[column]
        read = reporter if callable(reporter) else lambda s: getattr(s, reporter)
        return np.array([float(read(s)) for s in self.model.states])

    def _back(self, name: str, year: int) -> np.ndarray:
        if year > self.year:
            raise ValueError(f"the initial world is {self.year}; {year} lies ahead of it")
        return self._values[name] / (1.0 + self._growth[name]) ** (self.year - year)

    def flow(self, name: str, year: int) -> np.ndarray:
        """Expected ``name`` over ``year``, per state."""
        return self._back(name, year)

    def level(self, name: str, year: int) -> np.ndarray:
        """An annual rate (USD bn a year) in ``year``, per state."""
        return self._back(name, year)

    def scalar(self, name: str, year: int) -> float:
        frame = self.model.model_frame()
        return float(frame[name].iloc[0]) if name in frame else math.nan

    def modes(self, year: int) -> list[str]:
        return [s.mode for s in self.model.states]


class SimulatedWorld:
    """The simulated quarters of a run, summed or averaged by calendar year."""

    def __init__(self, model: RegulatoryCompetition) -> None:
        self.model = model
        self.year = model.calendar(0)[0]  # the initial world's year
        frame = model.model_frame()
        self._frame = frame
        year = frame.set_index("step").year
        states = model.states_frame()
        states = states[states.step > 0]
        self._states = states.assign(year=states.step.map(year))
        self._order = [s.name for s in model.states]

    def _by_state(self, column: str, year: int, how: str) -> np.ndarray:
        rows = self._states[self._states.year == year]
        if rows.empty or column not in rows:
            return np.full(len(self._order), math.nan)
        # A year that was not simulated in full would be a partial sum.
        if rows.step.nunique() != QUARTERS:
            return np.full(len(self._order), math.nan)
        return rows.groupby("state")[column].agg(how).reindex(self._order).to_numpy(float)

    def flow(self, name: str, year: int) -> np.ndarray:
        if name not in FLOW_COLUMNS:
            return np.full(len(self._order), math.nan)
        return self._by_state(FLOW_COLUMNS[name], year, "sum")

    def level(self, name: str, year: int) -> np.ndarray:
        return self._by_state(name, year, "mean")

    def scalar(self, name: str, year: int) -> float:
        """A model-level value at the end of ``year`` (the initial world's year: step 0)."""
        rows = self._frame[self._frame.year == year]
        return float(rows[name].iloc[-1]) if len(rows) and name in rows else math.nan

    def modes(self, year: int) -> list[str]:
        last = self._states[self._states.year == year]
        if last.empty:
            return []
        last = last[last.step == last.step.max()].set_index("state")
        return [last.loc[n, "mode"] for n in self._order]


View = InitialWorld | SimulatedWorld


def region_mask(model: RegulatoryCompetition, region: str) -> np.ndarray:
    """States of ``region`` (a state, an aggregate of ``REGIONS`` or ``world``) as a mask."""
    names = [s.name for s in model.states]
    if region == "world":
        return np.ones(len(names), bool)
    members = REGIONS.get(region, (region,))
    return np.isin(names, members)


def _ratio(x: float, of: float) -> float:
    return float(x / of) if of > 0 else math.nan


def _in(view: View, t: Target, values: np.ndarray) -> float:
    return float(values[region_mask(view.model, t.region)].sum())


def share_among_listed(view: View, t: Target) -> float:
    """The region's share of releases among the regions the source lists that year."""
    releases = view.flow("releases", t.year)
    listed = sum(float(releases[region_mask(view.model, r)].sum()) for r in t.peers)
    return _ratio(_in(view, t, releases), listed)


def world_share(view: View, t: Target) -> float:
    releases = view.flow("releases", t.year)
    return _ratio(_in(view, t, releases), float(releases.sum()))


def open_share(view: View, t: Target) -> float:
    return _ratio(
        _in(view, t, view.flow("open_releases", t.year)),
        _in(view, t, view.flow("releases", t.year)),
    )


def top100(view: View, t: Target) -> float:
    """The region's firms among the 100 living firms with the highest capability."""
    pop = view.model.firms
    a = pop.alive
    top = np.argsort(-np.where(a, pop.k, -np.inf), kind="stable")[: min(100, int(a.sum()))]
    return float(region_mask(view.model, t.region)[pop.home[top]].sum())


def locality_firm_share(view: View, t: Target) -> float:
    """A locality's share of the firms in its state's localities."""
    loc = next((x for x in view.model.localities if x.name == t.region), None)
    if loc is None:
        return math.nan
    peers = [x for x in view.model.localities if x.state is loc.state]
    return _ratio(loc.firms, sum(x.firms for x in peers))


def pilot_zones(view: View, t: Target) -> float:
    locs = [x for x in view.model.localities if x.state.name == t.region]
    return float(sum(x.pilot_zone for x in locs)) if locs else math.nan


def hsmap_overlap(view: View, t: Target) -> float:
    """HSMAP's top-10 cities among the state's ten localities with the most capability."""
    locs = [x for x in view.model.localities if x.state.name == t.region]
    if len(locs) < len(HSMAP_TOP10):
        return math.nan
    ranked = sorted(locs, key=lambda x: -x.capability)[: len(HSMAP_TOP10)]
    return float(len({x.name for x in ranked} & set(HSMAP_TOP10)))


def frontier_gap_change(view: View, t: Target) -> float:
    """The US-China frontier gap at the end of the year over the gap of the initial world."""
    column = f"frontier_gap_{t.region}"
    return _ratio(view.scalar(column, t.year), view.scalar(column, view.year))


def binding_laws(view: View, t: Target) -> float:
    """States of the region whose AI regime is binding at the end of the year."""
    modes = np.array(view.modes(t.year), dtype=object)
    if not len(modes):
        return math.nan
    return float((modes[region_mask(view.model, t.region)] == "binding").sum())


MEASURES: dict[str, Callable[[View, Target], float]] = {
    "notable_models": share_among_listed,
    "foundation_models": lambda v, t: _in(v, t, v.flow("releases", t.year)),
    "foundation_model_share": world_share,
    "open_share": open_share,
    "incidents": lambda v, t: _in(v, t, v.flow("incidents", t.year)),
    "private_investment": lambda v, t: _in(v, t, v.level("investment", t.year)),
    "top100_firms": top100,
    "firm_share": locality_firm_share,
    "pilot_zones": pilot_zones,
    "top10_cities": hsmap_overlap,
    "frontier_gap_change": frontier_gap_change,
    "binding_laws": binding_laws,
}


def measure(view: View, targets: Iterable[Target]) -> dict[str, float]:
    """One value per target key (NaN where the model has nothing that means the same)."""
    return {t.key: MEASURES[t.quantity](view, t) for t in targets}


def initial_worlds(cfg: DictConfig, seeds: Iterable[int], targets: list[Target]) -> pd.DataFrame:
    """In-sample measurements on the initial world, one row per seed (no simulated quarter)."""
    rows = [
        measure(InitialWorld(RegulatoryCompetition(seed=s, config=cfg)), targets) for s in seeds
    ]
    return pd.DataFrame(rows, columns=[t.key for t in targets])


def simulated_years(cfg: DictConfig, seeds: Iterable[int], targets: list[Target]) -> pd.DataFrame:
    """Held-out measurements on simulated quarters (to the last year a target names), one row per
    seed."""
    start = parse_quarter(cfg.start, "start")[0]
    steps = QUARTERS * (max((t.year for t in targets), default=start) - start + 1)
    rows = []
    for s in seeds:
        model = RegulatoryCompetition(seed=s, config=cfg).run(steps)
        rows.append(measure(SimulatedWorld(model), targets))
    return pd.DataFrame(rows, columns=[t.key for t in targets])

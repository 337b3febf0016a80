"""AI firms: a vectorised population whose members are still Mesa agents.

All firm state lives in NumPy arrays indexed by a *slot*; a :class:`Firm` agent is a thin view
on its slot, so ``model.agents_by_type[Firm]`` and Mesa's tooling work while every per-step
update is an array operation. A slot keeps its index for the firm's whole life; a firm that exits
frees its slot for a later entrant, so no array is ever compacted and no agent re-indexed.
The agents are made on request (:meth:`FirmPopulation.living_agents`), not per entrant: a run
that never looks at them never pays for a million Python objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import mesa
import numpy as np

from sim.agents import blas, kernels
from sim.agents.entry import entry_room, median, start_reference
from sim.agents.markets import (
    choose_markets,
    compliance_costs,
    market_revenue,
    revenue_weighted,
)


@dataclass
class Jurisdictions:
    """What firms see of the states this quarter: arrays over states in model order."""

    R: np.ndarray
    F: np.ndarray
    E: np.ndarray
    sigma: np.ndarray  # R*E as it binds firms under each state's regime mode (docs/ODD.md 7.15)
    market: np.ndarray  # USD bn / yr
    investment: np.ndarray  # USD bn / yr, already scaled by attractiveness
    access: np.ndarray  # effective compute access: imports plus domestic substitutes
    talent: np.ndarray
    ban: np.ndarray  # ban[j, h]: share of market j closed to firms from h
    market_access: np.ndarray  # [j, h]: weight multiplier of h's firms in market j (default 1)
    attract: np.ndarray  # entry attractiveness multiplier
    efficiency: np.ndarray  # algorithmic efficiency won under compute constraints (1 at start)
    diverted: np.ndarray  # share of R&D spent on efficiency research instead of scaling
    compute: float = 1.0  # compute a dollar buys, relative to the start
    money: float = 1.0  # the world's money index: firm-level USD constants scale with it

    @property
    def stringency(self) -> np.ndarray:
        """R*E: how much a market's rules bind in practice."""
        return self.sigma


class Firm(mesa.Agent):
    """One AI firm. Its attributes are read from the population's arrays at ``slot``."""

    def __init__(self, model: mesa.Model, slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    @property
    def _pop(self) -> FirmPopulation:
        return self.model.firms

    @property
    def home(self) -> str:
        """Name of the firm's home state."""
        return self.model.state_names[self._pop.home[self.slot]]

    @property
    def capability(self) -> float:
        """Capability units (the US median firm starts near 1)."""
        return float(self._pop.k[self.slot])

    @property
    def capital(self) -> float:
        """Capital in USD bn."""
        return float(self._pop.capital[self.slot])

    @property
    def safety(self) -> float:
        """Safety effort in [0, 1]."""
        return float(self._pop.safety[self.slot])

    @property
    def open_weights(self) -> bool:
        """Whether the firm releases open weights."""
        return bool(self._pop.open[self.slot])

    @property
    def markets(self) -> list[str]:
        """Names of the markets the firm serves."""
        return [self.model.state_names[j] for j in np.flatnonzero(self._pop.serve[self.slot])]


class AgentsByType(Mapping):
    """Mesa's agents by type, as ``Model.agents_by_type`` gives them, except that asking for
    the Firm agents makes those not yet made (the data collector asks only for other types)."""

    def __init__(self, model: mesa.Model, by_type: dict) -> None:
        self._model, self._by_type = model, by_type

    def __getitem__(self, agent_type: type) -> mesa.agent.AgentSet:
        if agent_type is Firm:
            self._model.firms.living_agents(self._model)
        return self._by_type[agent_type]

    def __iter__(self) -> Iterator[type]:
        self._model.firms.living_agents(self._model)
        return iter(self._by_type)

    def __len__(self) -> int:
        return len(list(iter(self)))


_FLOAT = ("k", "capital", "talent", "safety", "safety_pref", "revenue", "compliance", "rd", "z")


class FirmPopulation:
    """Array state and the quarterly update of all firms (MODEL.md §3, step 5)."""

    def __init__(
        self, n_states: int, params, rng: np.random.Generator, capacity: int, layout, local
    ) -> None:
        self.p = params
        self.local = local  # local-competition parameters: relocation and placement
        self.layout = layout  # LocalLayout: the localities firms can live in
        self.rng = rng
        self.S = n_states
        self.alive = np.zeros(capacity, bool)
        self.home = np.zeros(capacity, np.int16)
        self.loc = np.full(capacity, -1, np.int32)  # locality index; -1: none
        for name in _FLOAT:
            setattr(self, name, np.zeros(capacity))
        self.open = np.zeros(capacity, bool)
        self.divisible = np.zeros(capacity, bool)
        self.serve = np.zeros((capacity, n_states), bool)
        self.revenue_fj = np.zeros((capacity, n_states))
        self.releases = np.zeros(capacity, np.int64)
        self.incidents = np.zeros(capacity, np.int64)
        self.agents: list[Firm | None] = [None] * capacity  # made on request
        # Firm efficiency z = A_s * u_f: the state's productivity term and the firm's own, both
        # inferred at the start so that every initial firm is on the balanced-growth path
        # (sim/start.py: infer_efficiency); entrants draw u around their state's term.
        self.state_efficiency = np.ones(n_states)
        self.efficiency_sigma = np.zeros(n_states)
        # kbar, set by the model each quarter: world capability relative to the start (releases
        # count relative standing); money, the world's AI market relative to the start, which
        # scales firms' USD constants and stands for the use of AI (incidents).
        self.kbar = 1.0
        self.money = 1.0
        self.reference: tuple[np.ndarray, np.ndarray] | None = None  # of entry crowding

    # -- population bookkeeping -------------------------------------------------------------

    @property
    def n(self) -> int:
        """Number of living firms."""
        return int(self.alive.sum())

    def _grow(self, need: int) -> None:
        cap = len(self.alive)
        new = max(cap + cap // 4, cap + need)
        for name, arr in vars(self).items():
            if isinstance(arr, np.ndarray) and arr.shape[:1] == (cap,):
                grown = np.zeros((new, *arr.shape[1:]), arr.dtype)
                grown[:cap] = arr
                setattr(self, name, grown)
        self.agents.extend([None] * (new - cap))

    def add(
        self,
        model: mesa.Model,
        home: np.ndarray,
        k: np.ndarray,
        capital: np.ndarray,
        open_share: np.ndarray,
    ) -> np.ndarray:
        """Create firms in free slots; returns their slots."""
        n = len(home)
        free = np.flatnonzero(~self.alive)
        if len(free) < n:
            self._grow(n - len(free))
            free = np.flatnonzero(~self.alive)
        slots = free[:n]
        p, rng = self.p, self.rng
        self.alive[slots] = True
        self.home[slots] = home
        self.loc[slots] = self.layout.place(home, rng, self.local.location_sensitivity)
        self.k[slots] = k
        self.capital[slots] = capital
        self.talent[slots] = rng.lognormal(0.0, p.talent_sigma, n)
        self.open[slots] = rng.random(n) < open_share[home]
        self.divisible[slots] = rng.random(n) < p.divisible_share
        self.safety_pref[slots] = np.clip(rng.normal(p.safety_pref_mean, p.safety_pref_sd, n), 0, 1)
        self.safety[slots] = self.safety_pref[slots]
        own = rng.lognormal(0.0, 1.0, n) ** self.efficiency_sigma[home]
        self.z[slots] = self.state_efficiency[home] * own
        self.serve[slots] = False
        self.serve[slots, home] = True
        self.revenue_fj[slots] = 0.0
        self.releases[slots] = 0
        self.incidents[slots] = 0
        return slots

    def living_agents(self, model: mesa.Model) -> list[Firm]:
        """The living firms' Mesa agents, made now for the firms that have none yet."""
        for s in np.flatnonzero(self.alive):
            if self.agents[s] is None:
                self.agents[s] = Firm(model, int(s))
        return [a for a in self.agents if a is not None]

    def remove(self, slots: np.ndarray) -> None:
        """Exit: free the slots and deregister the agents made for them."""
        for s in slots:
            if self.agents[s] is not None:
                self.agents[s].remove()
                self.agents[s] = None
        self.alive[slots] = False
        self.loc[slots] = -1
        for name in ("k", "capital", "revenue", "compliance", "rd"):
            getattr(self, name)[slots] = 0.0
        self.serve[slots] = False
        self.revenue_fj[slots] = 0.0

    # -- the quarterly update -----------------------------------------------------------------

    def step(self, model: mesa.Model, j: Jurisdictions) -> dict[str, np.ndarray]:
        """Advance every firm one quarter; returns per-state tallies for the model."""
        p, rng, a = self.p, self.rng, self.alive
        home = self.home
        self.money = j.money
        open_ok = j.ban.T < 1.0
        if not open_ok.all():  # a full ban shuts the market at once, for everyone
            self.serve &= open_ok[home]
        ktheta = np.where(a, self.k, 0.0) ** p.share_exponent

        luck = rng.lognormal(-0.5 * p.revenue_noise**2, p.revenue_noise, len(a))
        self.revenue_fj, self.revenue = market_revenue(self, ktheta, j, luck)
        self.compliance, sigma_max = compliance_costs(self, j)
        self.compliance += np.where(a, self.layout.compliance[self.loc], 0.0)

        inflow = self.inflow(ktheta, j)
        self.rd = p.rd_share * self.capital
        fixed = p.fixed_cost * j.money * a
        self.capital += p.margin * self.revenue + inflow - self.compliance - self.rd - fixed
        self.k = np.where(a, self.k * (1.0 - p.obsolescence) + self.capability_gain(j), 0.0)

        # Safety effort follows the strictest standard the firm applies (the Brussels effect):
        # a non-divisible firm applies its strictest market's standard everywhere.
        served_rev = np.maximum(self.revenue, 1e-12)
        tailored = revenue_weighted(self.revenue_fj, j.stringency) / served_rev
        standard = np.where(self.divisible, tailored, sigma_max)
        target = np.maximum(self.safety_pref, standard)
        self.safety += p.safety_adjust * (target - self.safety)

        fm = draw_counts(rng, self.release_rates(j))
        inc = draw_counts(rng, self.incident_rates())
        self.releases += fm
        self.incidents += inc

        entry_costs = choose_markets(self, j, rng, p.market_review)
        self.capital -= entry_costs

        moved_out, moved_in = self.layout.relocate(self, rng, self.local)

        # Flows are counted over the firms active this quarter, stocks after exit and entry.
        tallies = {**self.flows(fm, inc), "moved_out": moved_out, "moved_in": moved_in}
        tallies["exits"] = self._exit()
        tallies["entries"] = self._enter(model, j)
        return {**tallies, **self.stocks()}

    def capability_gain(self, j: Jurisdictions) -> np.ndarray:
        """Capability produced this quarter: effective R&D (spending not diverted to efficiency
        research, times the compute it buys: access, efficiency, price-performance) to the power
        beta, times talent, facilitation, the locality's productivity and the firm's efficiency."""
        p, home = self.p, self.home
        scaling = self.rd * (1.0 - j.diverted[home])
        effective = scaling * j.access[home] * j.efficiency[home] * j.compute
        return (
            p.productivity
            * self.z
            * effective**p.rd_elasticity
            * (j.talent[home] * self.talent) ** p.talent_elasticity
            * (1.0 + p.facilitation_boost * j.F[home])
            * self.layout.productivity[self.loc]
        )

    def release_rates(self, j: Jurisdictions) -> np.ndarray:
        """Expected foundation-model releases this quarter: a firm's standing against the
        world's capability (notable models are judged against the state of the art), with
        pre-launch review delaying releases."""
        p = self.p
        standing = np.where(self.alive, self.k, 0.0) / self.kbar
        return p.fm_rate * standing**p.fm_elasticity * (1 - p.review_drag * j.stringency[self.home])

    def frontier(self) -> np.ndarray:
        """Each state's frontier: the mean capability of its ``firms.frontier_k`` best firms."""
        a, S = self.alive, self.S
        if kernels.enabled(S) and not np.isnan(self.k).any():  # a NaN would sort differently
            return kernels.frontier(a, self.home, self.k, S, self.p.frontier_k)
        h, k = self.home[a], self.k[a]
        order = np.lexsort((-k, h))  # by state, then best first
        hs, ks = h[order], k[order]
        rank = np.arange(len(hs)) - np.searchsorted(hs, np.arange(S))[hs]
        top = rank < self.p.frontier_k
        counts = np.bincount(hs[top], minlength=S)
        return np.bincount(hs[top], ks[top], S) / np.maximum(counts, 1)

    def inflow(self, ktheta: np.ndarray, j: Jurisdictions) -> np.ndarray:
        """Investors and subsidies back capability within each state's pool (USD bn/quarter)."""
        a, home = self.alive, self.home
        pool = np.bincount(home[a], ktheta[a], self.S)
        return np.where(a, j.investment[home] / 4 * ktheta / np.maximum(pool[home], 1e-12), 0.0)

    def incident_rates(self) -> np.ndarray:
        """Expected incidents per quarter: capability (against the world's) and the use of AI
        (the world's market) raise exposure, safety effort lowers it, open weights raise it
        (misuse of released weights)."""
        p = self.p
        return (
            p.incident_rate
            * np.where(self.alive, self.k, 0.0)
            / self.kbar
            * self.money
            * (1 - self.safety)
            * (1 + p.open_incident_risk * self.open)
        )

    def by_market(self, per_firm: np.ndarray) -> np.ndarray:
        """Spread a per-firm quantity over the markets where its products are used, by revenue."""
        share = np.where(self.alive, per_firm, 0) / np.maximum(self.revenue, 1e-12)
        with blas.one_thread():
            return share @ self.revenue_fj

    def flows(self, fm: np.ndarray, inc: np.ndarray) -> dict[str, np.ndarray]:
        """Per-state sums of what living firms did this quarter."""
        a, h, S = self.alive, self.home, self.S
        in_market = {"incidents_in_market": self.by_market(inc)}
        if kernels.enabled(S):
            sums = kernels.flows(a, h, fm, self.open, inc, self.compliance, self.revenue_fj, S)
            keys = ("releases", "open_releases", "incidents", "compliance", "revenue_exposure")
            return {**dict(zip(keys, sums, strict=True)), **in_market}
        cells = (h[a, None].astype(np.int64) * S + np.arange(S)).ravel()
        exposure = np.bincount(cells, self.revenue_fj[a].ravel(), S * S).reshape(S, S)
        return {
            "releases": np.bincount(h[a], fm[a], S),
            "open_releases": np.bincount(h[a], (fm * self.open)[a], S),
            "incidents": np.bincount(h[a], inc[a], S),
            **in_market,
            "compliance": np.bincount(h[a], self.compliance[a], S),
            "revenue_exposure": exposure,
        }

    def stocks(self) -> dict[str, np.ndarray]:
        """Per-state sums over the firms alive at the end of the quarter."""
        a, h, S = self.alive, self.home, self.S
        L = self.layout.L
        if kernels.enabled(S):
            totals = kernels.stocks(a, h, self.loc, self.k, self.safety, S, L)
            keys = ("firms", "capability", "safety", "local_firms", "local_capability")
            return {**dict(zip(keys, totals, strict=True)), "frontier": self.frontier()}
        placed = a & (self.loc >= 0)
        return {
            "capability": np.bincount(h[a], self.k[a], S),
            "firms": np.bincount(h[a], minlength=S),
            "safety": np.bincount(h[a], self.safety[a], S),
            "frontier": self.frontier(),
            "local_capability": np.bincount(self.loc[placed], self.k[placed], L),
            "local_firms": np.bincount(self.loc[placed], minlength=L),
        }

    def _exit(self) -> np.ndarray:
        out = np.flatnonzero(self.alive & (self.capital < self.p.min_capital * self.money))
        counts = np.bincount(self.home[out], minlength=self.S)
        self.remove(out)
        return counts

    def _enter(self, model: mesa.Model, j: Jurisdictions) -> np.ndarray:
        p, rng = self.p, self.rng
        n_home = np.bincount(self.home[self.alive], minlength=self.S)
        room = entry_room(n_home, self._entry_reference(model), j.market, p.entry_crowding)
        expected = p.entry_rate * np.maximum(n_home, 1) * j.attract * room["factor"]
        # No quarter's entry takes a state past its capacity: the population stays bounded.
        counts = np.minimum(draw_counts(rng, expected), room["free"])
        if counts.sum() == 0:
            return counts
        home = np.repeat(np.arange(self.S), counts)
        medians = self._median_capability(model, np.flatnonzero(counts), n_home)
        k = p.entry_capability * medians[home] * rng.lognormal(0.0, p.entry_sigma, len(home))
        capital = p.entry_capital * j.money * (1.0 + j.F[home])
        self.add(model, home, k, capital, model.open_share)
        return counts

    def _median_capability(
        self, model: mesa.Model, states: np.ndarray, n_home: np.ndarray
    ) -> np.ndarray:
        """Median capability of the living firms of each of ``states`` (others: unused, 0),
        the state's scale where it has none: the yardstick of its entrants."""
        medians = np.zeros(self.S)
        living = np.flatnonzero(self.alive)
        home = self.home[living]
        for h in states:
            medians[h] = median(self.k[living[home == h]]) if n_home[h] else model.scale[h]
        return medians

    def _entry_reference(self, model: mesa.Model) -> tuple[np.ndarray, np.ndarray]:
        if self.reference is None:  # once: it depends on the config only (sim/start.py sets it)
            self.reference = start_reference(model.cfg, model.world_scale)
        return self.reference


# Expected counts above this are drawn at this value: counts summed over two million firms and
# 4,000 quarters then stay within 64-bit integers (docs/ODD.md 7.10). No default rate comes near.
MAX_EXPECTED_COUNT = 1e8


def draw_counts(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    """Poisson counts with the expected values capped at :data:`MAX_EXPECTED_COUNT` (NumPy
    refuses a mean above about 9e18; an in-range world can ask for more from a huge firm)."""
    return rng.poisson(np.minimum(expected, MAX_EXPECTED_COUNT))

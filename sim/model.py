"""The Mesa model: construction of the world, the explicit quarterly activation order, data.

One step is one quarter. The order (MODEL.md §3) is written out in :meth:`step`:

1. scheduled geopolitical events;
2. states: compute access and chips, pressures, policy learning, stance;
3. local governments compete: facilitation, imitation, herding, invention, spending and waste
   (``sim/agents/local_government.py``), ranked by their central regulator;
4. central regulators review every few quarters: promotions, codification of local instruments,
   pilot zones (``sim/agents/central_regulator.py``);
5. firms, vectorised: revenue, compliance, R&D, capability, safety, releases, incidents,
   market choice, exit and entry;
6. institutions: WAICO membership and harmonisation, the other international instruments,
   trust (``sim/agents/waico.py``);
7. data collection.
"""

from __future__ import annotations

import copy
import operator
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from omegaconf import DictConfig

from sim import events, local_world, restrictive_signal, start
from sim.agents.firms import AgentsByType, Firm, FirmPopulation, Jurisdictions
from sim.agents.local_government import LocalGovernment
from sim.agents.regime import RegimeDynamics
from sim.agents.state import State, alignment_similarity, peer_pull
from sim.agents.waico import build_institutions, step_institutions
from sim.config import POLES
from sim.economy import Economy
from sim.instruments import adoption_frame
from sim.metric_blocks import model_block, state_block
from sim.metrics import LOCAL_REPORTERS, MODEL_REPORTERS, STATE_REPORTERS
from sim.recorder import Recorder
from sim.tools.compose import compose_plain, plain_config, scenario_label
from sim.tools.validate import check_seed, parse_quarter

# Parameter groups the hot path reads, as model attributes holding plain dataclasses.
PLAIN_PARAMS = {
    "firm_params": "firms",
    "policy": "policy",
    "local": "local",
    "central": "central",
    "regime": "regime",
    "officials": "officials",
}


# State attributes the firms' update reads each quarter (RegulatoryCompetition.jurisdictions).
JURISDICTION_ATTRS = ("R", "F", "E", "gdp", "ai_market", "ai_investment", "effective_access")
JURISDICTION_ATTRS += ("talent", "efficiency", "efficiency_effort")
_jurisdiction_row = operator.attrgetter(*JURISDICTION_ATTRS)

# The firms' tallies written into the State and LocalGovernment agents each quarter (_record).
_STATE_TALLIES = ("capability", "frontier", "firms", "releases", "incidents")
_STATE_TALLIES += ("incidents_in_market", "safety")
_LOCAL_TALLIES = ("local_capability", "local_firms", "moved_in", "moved_out")


class RegulatoryCompetition(mesa.Model):
    """Regulatory competition in AI governance among states and their firms.

    Args:
        seed: master seed. ``None`` takes the config's ``seed`` (42 unless overridden); a config
            seed of ``null`` draws fresh entropy, recorded in ``model.seed``.
        scenario: a name from ``configs/scenario/`` (or from a folder in ``config_dirs``).
        config: an already composed config (the Hydra app passes its own); skips composition.
        config_dirs: users' own config folders (``my_configs/scenario/my_world.yaml``...).
        **overrides: dotted config keys, e.g. ``**{"states.china.E": 0.3, "steps": 8}``, or a
            scenario module with its option, e.g. ``export_controls="tight"``.

    Raises:
        sim.ConfigError: a one-line explanation of a bad scenario, key, type or value.
    """

    def __init__(
        self,
        seed: int | None = None,
        scenario: str = "baseline",
        config: DictConfig | None = None,
        config_dirs: Sequence[str | Path] = (),
        **overrides: Any,
    ) -> None:
        seed = check_seed(seed)
        plain = None
        if config is None:
            config, plain = compose_plain(scenario, overrides, config_dirs)
            scenario = scenario_label(scenario, overrides)
        cfg = config
        if seed is None:
            seed = cfg.seed
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        seed = int(seed)
        super().__init__(seed=seed)
        self.seed, self.scenario, self.cfg = seed, scenario, cfg
        # Plain dataclasses: attribute access on OmegaConf nodes is ~100x slower. The tree is
        # shared by models of the same config, so the groups the model exposes are its copies.
        self.plain = plain = plain if plain is not None else plain_config(cfg)
        for attr, key in PLAIN_PARAMS.items():
            setattr(self, attr, copy.copy(getattr(plain, key)))
        self.horizon = int(plain.steps)
        # Independent streams, so adding draws to one mechanism leaves the others' draws intact.
        init_seq, firm_seq, self.local_seq, institution_seq = np.random.SeedSequence(seed).spawn(4)
        init_rng, firm_rng, self.institution_rng = map(
            np.random.default_rng, (init_seq, firm_seq, institution_seq)
        )
        self.start = parse_quarter(plain.start, "start")
        self.economy = Economy(plain.economy, plain.states)

        self.states = [
            State(self, name, i, st) for i, (name, st) in enumerate(plain.states.items())
        ]
        self.state_names = [s.name for s in self.states]
        self._by_name = {s.name: s for s in self.states}
        self.S = len(self.states)
        self.stringency0 = restrictive_signal.stringency(self)  # the signal is measured from it
        self.pole_index = {p: [s.index for s in self.states if s.pole == p] for p in POLES}
        self.trust = self._initial_trust()
        self.ban = np.zeros((self.S, self.S))
        # market_access[j, h]: weight of h's firms in market j relative to the default (WAICO
        # opens members' markets to Chinese products).
        self.market_access = np.ones((self.S, self.S))
        # n_initial sets granularity: money flows scale with it, per-firm economics do not.
        self.world_scale = plain.firms.n_initial / plain.firms.reference_n
        self.scale = np.array([float(st.capability_scale) for st in plain.states.values()])
        self.open_share = np.array([float(st.open_share) for st in plain.states.values()])
        self._initial_conditions = self._conditions()
        # policy.events: false leaves the schedule empty (nothing fires, trust sees no control)
        self.schedule = (
            events.build_schedule(plain.events, plain.start) if self.policy.events else []
        )
        self.event_log: list[tuple[int, str]] = []
        self.release_history: deque[np.ndarray] = deque(maxlen=4)
        self.open_release_history: deque[np.ndarray] = deque(maxlen=4)

        local_world.build(self)
        self._locality_state = np.array([loc.state.index for loc in self.localities], np.intp)
        capacity = int(1.25 * plain.firms.n_initial) + 16  # headroom for entrants
        self.firms = FirmPopulation(
            self.S, self.firm_params, firm_rng, capacity, self.layout, self.local
        )
        start.populate(self, init_rng)
        self.initial_capability = max(sum(s.capability for s in self.states), 1e-12)
        self._settle()
        self.regimes = RegimeDynamics(self.states, self.regime)
        self.institutions = build_institutions(self)

        self.datacollector = Recorder(
            model_reporters=MODEL_REPORTERS,
            agenttype_reporters={State: STATE_REPORTERS, LocalGovernment: LOCAL_REPORTERS},
            blocks={None: [model_block], State: [state_block]},
            steps=self.horizon + 1,
        )
        self.datacollector.collect(self)

    # -- construction --------------------------------------------------------------------------

    def _initial_trust(self) -> np.ndarray:
        trust = alignment_similarity(self.states)
        for i, st in enumerate(self.plain.states.values()):
            for other, value in st.trust.items():
                trust[i, self._by_name[other].index] = value
        np.fill_diagonal(trust, 1.0)
        return trust

    def _settle(self) -> None:
        """Read the initial stances as the states' answer to the initial pressures, so that the
        baseline moves only when pressures change. A year of expected incidents seeds the
        incident memory."""
        per_market = self.firms.by_market(self.firms.incident_rates())
        capability = self._tp_basis()
        stringency = restrictive_signal.stringency(self)
        for s in self.states:
            s.incident_history.extend([float(per_market[s.index])] * 4)
            s.read_pressures(capability, stringency, self.last_tallies["revenue_exposure"][s.index])
            s.settle_anchor()
        pop = self.firms
        rd = np.bincount(pop.home[pop.alive], pop.rd[pop.alive], self.S) / self.world_scale
        for centre in self.centres:
            centre.settle()
            centre.settle_fiscal(float(rd[centre.state.index]))

    # -- views used by the agents ----------------------------------------------------------

    def state(self, name: str) -> State:
        """The State agent called ``name``."""
        return self._by_name[name]

    def _conditions(self, sigma: np.ndarray | None = None) -> np.ndarray:
        F = np.array([s.F for s in self.states])
        sigma = restrictive_signal.stringency(self) if sigma is None else sigma
        return np.stack([F, sigma], axis=1)

    def jurisdictions(self) -> Jurisdictions:
        """Arrays over states that the firms' vectorised update reads."""
        p, q = self.firm_params, max(self.steps - 1, 0)
        rows = np.array([_jurisdiction_row(s) for s in self.states])  # one pass over the states
        a = dict(zip(JURISDICTION_ATTRS, rows.T.copy(), strict=True))
        sigma = restrictive_signal.stringency(self)
        change = self._conditions(sigma) - self._initial_conditions
        attract = np.exp(
            p.attract_facilitation * change[:, 0] - p.attract_restriction * change[:, 1]
        )
        money = self.world_scale
        # Public AI funding grows with the state's AI market, private investment at its own rate.
        subsidy = p.subsidy_rate * a["F"] * a["gdp"] * 1000 * self.economy.market(q)
        public = np.maximum(subsidy - self.crowded_out(), -a["ai_investment"])
        return Jurisdictions(
            R=a["R"],
            F=a["F"],
            E=a["E"],
            sigma=sigma,
            market=a["ai_market"] * money,
            investment=(a["ai_investment"] + public) * attract * money,
            access=a["effective_access"],
            talent=a["talent"],
            ban=self.ban,
            market_access=self._access(sigma),
            attract=attract,
            efficiency=a["efficiency"],
            diverted=a["efficiency_effort"],
            compute=self.economy.compute(q),
            money=self.economy.money(q),
        )

    def _access(self, sigma: np.ndarray | None = None) -> np.ndarray:
        """Market access: WAICO's opening times the credit safety-valuing markets give stricter
        rules (``policy.signal``, ``sim/restrictive_signal.py``); ``sigma``: R*E now."""
        if not self.policy.signal:
            return self.market_access
        if sigma is None:
            sigma = restrictive_signal.stringency(self)
        factor = restrictive_signal.access_factor(
            sigma, self.stringency0, self.trust, self.policy.signal_access
        )
        return self.market_access * factor

    def crowded_out(self) -> np.ndarray:
        """Public AI money (USD bn/yr, by state) that local spending above its settled level
        takes from the state's firms (docs/ODD.md 7.12.4): central transfers come out of the
        national pool, own revenue out of local guidance funds."""
        # bincount adds in the localities' order, as a loop over them would
        crowded = [4.0 * loc.crowded_out for loc in self.localities]
        return np.bincount(self._locality_state, crowded, self.S) if crowded else np.zeros(self.S)

    def _grow(self, quarter: int) -> None:
        """Markets and private investment of every state at this quarter (the economy grows)."""
        market, invest = self.economy.market(quarter), self.economy.investment(quarter)
        for s in self.states:
            s.ai_market = s.ai_market0 * market[s.index]
            s.ai_investment = s.ai_investment0 * invest[s.index]

    def _tp_basis(self) -> np.ndarray:
        """What technological pressure compares: frontiers (default) or industry sizes."""
        attr = "frontier" if self.policy.tp_basis == "frontier" else "capability"
        return np.array([getattr(s, attr) for s in self.states])

    def calendar(self, steps_done: int) -> tuple[int, int]:
        """(year, quarter) that has ended after ``steps_done`` steps; step 0 is the quarter
        before the start (the initial state is the world at the end of 2024Q4)."""
        y0, q0 = self.start
        idx = (q0 - 1) + steps_done - 1
        return y0 + idx // 4, idx % 4 + 1

    # -- the quarter ---------------------------------------------------------------------------

    def step(self) -> None:
        """One quarter, in the order given in the module docstring."""
        quarter = self.steps - 1
        for name in events.apply_due(self, quarter):
            self.event_log.append((quarter, name))
        self._grow(quarter)

        capability = self._tp_basis()
        stringency = restrictive_signal.stringency(self)
        pol = self.policy
        # alignment similarity is recomputed each quarter: export packages move alignments
        pulls = peer_pull(self.states, self.trust, pol.learning_rate, pol.success_scale)
        for s, pull in zip(self.states, pulls, strict=True):
            s.update_chips()
            s.update_efficiency()
            s.read_pressures(capability, stringency, self.last_tallies["revenue_exposure"][s.index])
            if pol.respond:
                s.update_stance(pull)
        if pol.respond:
            self.regimes.step(self.states)
        for centre in self.centres:
            centre.step_localities(quarter)
        for centre in self.centres:
            centre.review(quarter)
        local_world.refresh_layout(self)

        pop = self.firms
        world = sum(s.capability for s in self.states)
        # a world whose firms have all gone has no state of the art: standing is read as at start
        pop.kbar = world / self.initial_capability if world > 0 else 1.0
        self._record(pop.step(self, self.jurisdictions()))
        step_institutions(self)
        self.datacollector.collect(self)
        if self.steps >= self.horizon:
            self.running = False

    def _record(self, tallies: dict[str, np.ndarray]) -> None:
        """Write the firms' per-state tallies into the State agents."""
        self.last_tallies = tallies
        self.release_history.append(tallies["releases"])
        self.open_release_history.append(tallies["open_releases"])
        # Python lists: indexing them is several times cheaper than indexing arrays, same values
        t = {key: tallies[key].tolist() for key in _STATE_TALLIES}
        for s in self.states:
            i = s.index
            s.capability = float(t["capability"][i])
            s.frontier = float(t["frontier"][i])
            s.firms = int(t["firms"][i])
            s.releases = int(t["releases"][i])
            s.foundation_models += s.releases
            s.incidents = int(t["incidents"][i])
            s.incidents_in_market = float(t["incidents_in_market"][i])
            s.incident_history.append(s.incidents_in_market)
            s.capability_history.append(s.capability)
            s.mean_safety = float(t["safety"][i] / s.firms) if s.firms else float("nan")
        t = {key: tallies[key].tolist() for key in _LOCAL_TALLIES}
        for loc in self.localities:
            i = loc.index
            loc.capability = float(t["local_capability"][i])
            loc.firms = int(t["local_firms"][i])
            loc.moved_in = int(t["moved_in"][i])
            loc.moved_out = int(t["moved_out"][i])
            loc.capability_history.append(loc.capability)

    def run(self, steps: int | None = None) -> RegulatoryCompetition:
        """Run ``steps`` quarters (default: the config's horizon); returns the model."""
        for _ in range(self.horizon if steps is None else steps):
            self.step()
        return self

    # -- tidy outputs -----------------------------------------------------------------------------

    def model_frame(self):
        """One row per step: the model-level metrics (``model.parquet``)."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(names="step")
        return df

    def states_frame(self):
        """One row per step and state (``states.parquet``)."""
        df = self.datacollector.get_agenttype_vars_dataframe(State).reset_index()
        return df.rename(columns={"Step": "step"}).drop(columns=["AgentID"])

    def localities_frame(self):
        """One row per step and locality (``localities.parquet``)."""
        if not self.localities:
            return pd.DataFrame(columns=["step", *LOCAL_REPORTERS])
        df = self.datacollector.get_agenttype_vars_dataframe(LocalGovernment).reset_index()
        return df.rename(columns={"Step": "step"}).drop(columns=["AgentID"])

    def instruments_frame(self):
        """One row per step, state and instrument in force: adopters, origin, codification
        quarter (``instruments.parquet``)."""
        codified_by = {n: c.state.name for c in self.centres for n in c.codified}
        return adoption_frame(self.localities_frame(), self.instrument_registry, codified_by)

    @property
    def firm_agents(self) -> list[Firm]:
        """The living Firm agents (a list, for O(1) indexing), made on this request."""
        return self.firms.living_agents(self)

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent, the firms' made on this request (sim/agents/firms.py)."""
        self.firms.living_agents(self)
        return super().agents

    @property
    def agents_by_type(self) -> AgentsByType:
        """Agents by type; asking for ``Firm`` makes the firms' agents (sim/agents/firms.py)."""
        return AgentsByType(self, super().agents_by_type)

"""WAICO, the World AI Cooperation Organization proposed by China (000, 003), and the
institutions' quarter.

The model calls :func:`build_institutions` once after the states and firms exist and
:func:`step_institutions` every quarter after the firms (MODEL.md §3, step 6): WAICO's membership
decisions and harmonisation, then the other instruments (``sim/agents/accords.py``), then trust
(``sim/trust.py``).

**Membership** is a random-utility (logistic) choice. At the proposal every state draws a
persistent taste ``eps_i ~ Logistic(0, 1)`` (its idiosyncratic stance towards a Chinese-led body,
which does not change from one summit to the next). Each quarter a state reconsiders with
probability ``decision_rate``; a non-member then joins if ``U_i + eps_i > 0``, so that before its
taste is known it joins with probability ``sigmoid(U_i)`` at a decision:

    U_i = utility_base
          + weight_capacity * hq_capacity[hq] * [i in global_south]
          + weight_network * (GDP of members) / (world GDP)
          + weight_trade * china_trade_i
          - weight_distance * d_i
          - weight_distrust * (1 - trust[i, china]) * (1 - c_i[hq])
          - us_pressure * alignment_us_i

with ``d_i`` the root mean square distance of ``(R, F, E)`` to the standard and ``c_i[hq]`` the
credibility state ``i`` grants the headquarters: computed from the host's features as ``i`` judges
them (:func:`host_credibility`), or one typed value per hq (``credibility_from: typed``).
A member (other than a founding one) leaves at a decision if ``U_i + eps_i < -leave_threshold``:
leaving has a switching cost, so membership changes only when its utility turns clearly negative.
Joining
spreads over time because decisions are occasional and because the network term and trust grow
as others join (a threshold cascade). The US never joins unless ``us_may_join``,
nor do the ``excluded`` states (Taiwan).

**Once founded** (``founding_lag`` quarters after the proposal) membership acts: members other
than China drift their R and F anchors towards the standard (``harmonise_rate`` times the gap of
the stance, and ``enforcement_rate`` for E); Chinese firms weigh ``market_access`` times more in
members' markets; Global South members' facilitation anchor rises by ``support_F *
hq_capacity``; trust among members grows (``sim/trust.py``). Leaving undoes the access and the
support.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.accords import Accord, build_accords
from sim.config import POLES
from sim.config.hq import FEATURES
from sim.config.institutions import COUNTER, PROPOSER
from sim.tools.validate import quarter_index
from sim.trust import TrustDynamics

if TYPE_CHECKING:
    from sim.agents.state import State
    from sim.model import RegulatoryCompetition


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def host_features(p, hq: str) -> dict[str, float]:
    """The features of headquarters ``hq`` in [0, 1]. A co-hosted one (Shanghai with Hong Kong)
    mixes its hosts' features, Hong Kong's with weight ``cohost_share``."""
    if hq == "cohost":
        hk, sh, s = host_features(p, "hong_kong"), host_features(p, "shanghai"), p.cohost_share
        return {k: s * hk[k] + (1.0 - s) * sh[k] for k in FEATURES}
    h = getattr(p.hosts, hq)
    us, china = h.alignment["us"], h.alignment["china"]
    neutrality = 1.0 - abs(us - china) / (us + china) if us + china > 0 else 1.0
    return {
        "rule_of_law": h.rule_of_law,
        "voice": h.voice,
        "independence": h.independence,
        "institutions": h.institutions,
        "neutrality": neutrality,
    }


def host_credibility(p, features: dict[str, float], remoteness: float) -> float:
    """Share of distrust of the proposer the host offsets for a state at ``remoteness`` (1 minus
    its weight on the proposer's pole): the weighted mean of the features times
    ``credibility_cap``, where the host's dependence on the proposer counts in proportion to the
    state's remoteness (a state aligned with China does not mind a host under its jurisdiction)."""
    judged = dict(features)
    judged["independence"] = 1.0 - remoteness * (1.0 - features["independence"])
    w = p.credibility_weights
    total = sum(getattr(w, k) for k in FEATURES)
    return p.credibility_cap * sum(getattr(w, k) * judged[k] for k in FEATURES) / total


class WAICO(mesa.Agent):
    """The World AI Cooperation Organization: status, headquarters, members and standard."""

    def __init__(self, model: RegulatoryCompetition) -> None:
        super().__init__(model)
        self.p = p = copy.copy(model.plain.waico)
        self.proposal = quarter_index(p.proposed, model.plain.start, "waico.proposed")
        self.founding_quarter = self.proposal + p.founding_lag
        self.status = "inactive"
        self.hq = p.hq
        self.features = host_features(p, p.hq)
        self.standard = np.array([p.standard_R, p.standard_F, p.standard_E])
        states = model.states
        self.china = model.state(PROPOSER).index
        self.founding = {model.state(n).index for n in p.founding} | {self.china}
        self.members: set[int] = set()
        self.taste = np.zeros(len(states))  # drawn at the proposal
        self.log: list[tuple[int, str, str]] = []  # (quarter, state, "join" or "leave")
        self.trade = np.array([p.china_trade.get(s.name, 1.0) for s in states])
        self.south = np.array([s.name in p.global_south for s in states])
        gdp = np.array([s.gdp for s in states])
        self.gdp_weight = gdp / gdp.sum()
        self.eligible = np.array(
            [(p.us_may_join or s.name != COUNTER) and s.name not in p.excluded for s in states]
        )
        # What has been written into anchors and market access, per state, to reconcile later.
        self.access_applied = np.ones(len(states))
        self.support_applied = np.zeros(len(states))

    # -- views ---------------------------------------------------------------------------------

    @property
    def founded(self) -> bool:
        """Whether membership acts (harmonisation, access, support, trust)."""
        return self.status == "founded"

    def gdp_share(self) -> float:
        """Members' share of world GDP."""
        return float(sum(self.gdp_weight[i] for i in self.members))

    def distance(self, s: State) -> float:
        """Root mean square distance of the state's (R, F, E) to the standard, in [0, 1]."""
        x = np.array([s.R, s.F, s.E])
        return float(np.sqrt(np.mean((x - self.standard) ** 2)))

    def credibility(self, s: State) -> float:
        """Share of state ``s``'s distrust of China the headquarters offsets."""
        if self.p.credibility_from == "typed":
            return float(self.p.credibility[self.hq])
        remoteness = 1.0 - float(s.alignment[POLES.index(PROPOSER)])
        return host_credibility(self.p, self.features, remoteness)

    def utility_terms(self, s: State) -> dict[str, float]:
        """Each term of the joining utility of state ``s`` (signed), named as in the docs."""
        p, i = self.p, s.index
        distrust = (1.0 - self.model.trust[i, self.china]) * (1.0 - self.credibility(s))
        return {
            "base": p.utility_base,
            "capacity": p.weight_capacity * p.hq_capacity[self.hq] * float(self.south[i]),
            "network": p.weight_network * self.gdp_share(),
            "trade": p.weight_trade * float(self.trade[i]),
            "distance": -p.weight_distance * self.distance(s),
            "distrust": -p.weight_distrust * distrust,
            "us_pressure": -p.us_pressure * s.alignment_us,
        }

    def utility(self, s: State) -> float:
        """Utility of membership for state ``s`` now."""
        return float(sum(self.utility_terms(s).values()))

    def join_probability(self, s: State) -> float:
        """Probability that non-member ``s`` joins in a quarter, before its taste is known:
        ``decision_rate * sigmoid(U)`` (0 if it may not join)."""
        if not self.eligible[s.index]:
            return 0.0
        return float(self.p.decision_rate * sigmoid(self.utility(s)))

    def decides_to_join(self, s: State) -> bool:
        """Whether non-member ``s`` joins at a decision, given its taste."""
        return bool(self.eligible[s.index]) and self.utility(s) + self.taste[s.index] > 0

    def decides_to_leave(self, s: State) -> bool:
        """Whether member ``s`` leaves at a decision (never for a founding member)."""
        if s.index in self.founding:
            return False
        return self.utility(s) + self.taste[s.index] < -self.p.leave_threshold

    # -- the quarter ---------------------------------------------------------------------------

    def step(self, quarter: int) -> None:
        """Proposal, founding, membership decisions and the members' harmonisation."""
        if quarter < self.proposal:
            return
        if self.status == "inactive":
            self.status = "proposed"
            self.taste = self.model.institution_rng.logistic(0.0, 1.0, len(self.model.states))
            for i in sorted(self.founding):
                self._join(self.model.states[i], quarter)
        if quarter >= self.founding_quarter:
            self.status = "founded"
        self._decide(quarter)
        if self.founded:
            self._harmonise()
        self._reconcile()

    def _decide(self, quarter: int) -> None:
        """The states drawn to reconsider decide at once, on the same membership."""
        states = self.model.states
        drawn = self.model.institution_rng.random(len(states)) < self.p.decision_rate
        joins = [
            s
            for s in states
            if drawn[s.index] and s.index not in self.members and self.decides_to_join(s)
        ]
        leaves = [
            s
            for s in states
            if drawn[s.index] and s.index in self.members and self.decides_to_leave(s)
        ]
        for s in joins:
            self._join(s, quarter)
        for s in leaves:
            self._leave(s, quarter)

    def _join(self, s: State, quarter: int) -> None:
        self.members.add(s.index)
        s.waico_member = True
        self.log.append((quarter, s.name, "join"))

    def _leave(self, s: State, quarter: int) -> None:
        self.members.discard(s.index)
        s.waico_member = False
        self.log.append((quarter, s.name, "leave"))

    def _harmonise(self) -> None:
        p = self.p
        for i in self.members:
            if i == self.china:  # the proposer does not harmonise towards its own offer
                continue
            s = self.model.states[i]
            s.anchor["R"] += p.harmonise_rate * (p.standard_R - s.R)
            s.anchor["F"] += p.harmonise_rate * (p.standard_F - s.F)
            s.anchor["E"] += p.enforcement_rate * (p.standard_E - s.E)

    def _reconcile(self) -> None:
        """Bring market access for Chinese firms and Global South support in line with
        membership, as changes relative to what was applied before (others may edit the same
        entries)."""
        p, c = self.p, self.china
        active = np.zeros(len(self.access_applied), dtype=bool)
        if self.founded:
            active[list(self.members)] = True
        active[c] = False
        access = np.where(active, p.market_access, 1.0)
        self.model.market_access[:, c] *= access / self.access_applied
        self.access_applied = access
        support = np.where(active & self.south, p.support_F * p.hq_capacity[self.hq], 0.0)
        for s, delta in zip(self.model.states, support - self.support_applied, strict=True):
            if delta:
                s.anchor["F"] += float(delta)
        self.support_applied = support


def build_institutions(model: RegulatoryCompetition) -> list:
    """The run's institution agents: WAICO (when enabled) and the accords. Also creates
    ``model.trust_dynamics``."""
    waico = WAICO(model) if model.plain.waico.enabled else None
    accords = build_accords(model)
    model.trust_dynamics = TrustDynamics(model, accords, waico)
    return ([waico] if waico is not None else []) + accords


def waico_of(model: RegulatoryCompetition) -> WAICO | None:
    """The run's WAICO agent, or None when it is disabled."""
    for agent in model.institutions:
        if isinstance(agent, WAICO):
            return agent
    return None


def step_institutions(model: RegulatoryCompetition) -> None:
    """WAICO, the accords, then trust, for the quarter just simulated."""
    quarter = model.steps - 1
    for agent in model.institutions:
        if isinstance(agent, WAICO | Accord):
            agent.step(quarter)
    model.trust_dynamics.step(quarter)

"""Central regulators: the national level of a state that has localities (Ma 2024, Table 2).

What the centre does depends on the state's governance structure:

- ``dual_track`` (China's CAC, the reference): a political regulator. Its target R weighs the
  restrictive signal (the access its firms gain in safety-valuing markets,
  ``sim/restrictive_signal.py``) against its firms' compliance and attractiveness cost
  (``central.restrictive_floor``: the old floor that only rises, for comparison); its
  enforcement is kept below its rules by a tolerance ("tolerant and prudent"); it promotes local
  officials with odds that rise with their locality's observed relative growth, and replaces
  them (the tournament that drives competitive liberalisation, ``sim/agents/officials.py``);
  every review it *codifies* local instruments whose adopters outperform into national policy,
  by their measured value, and designates pilot zones (NIDS) up to a cap.
- ``single_track`` (the EU): the centre holds restrictive and facilitative power; its
  restrictive framework damps the effect of members' facilitation; no yardstick, no codification.
- ``silos`` (the US): federal and state regulators each act in their own domain; states may hold
  restrictive rules of their own; no yardstick couples one state's policy to another's results.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import mesa
import numpy as np

from sim.agents import locality_block
from sim.agents.local_government import Rules
from sim.agents.officials import Snapshot, Tournament, standings
from sim.restrictive_signal import net_marginal_value


class Ranking:
    """Localities ranked by growth, sorted once: how many are above each by a binary search
    instead of a pass over every peer for every locality."""

    def __init__(self, names: list[str], growth: np.ndarray) -> None:
        self.names, self.growth = names, growth
        ranked = np.sort(growth[~np.isnan(growth)])  # NaN is above nobody, below nobody
        above = len(ranked) - np.searchsorted(ranked, growth, "right")
        self.counts = np.where(np.isnan(growth), 0, above).tolist()

    def above(self, i: int) -> Above:
        """The localities whose growth exceeds that of locality ``i``."""
        return Above(self, self.growth[i], self.counts[i])


class Above(Sequence):
    """The names of the localities above a growth, in the localities' order; the list is only
    built when a locality draws a peer from it (imitation)."""

    def __init__(self, ranking: Ranking, g: float, count: int) -> None:
        self.ranking, self.g, self.count, self._names = ranking, g, count, None

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        if self._names is None:
            r = self.ranking
            self._names = [r.names[j] for j in np.flatnonzero(r.growth > self.g)]
        return self._names[i]


class CentralRegulator(mesa.Agent):
    """The national regulator of a state with localities."""

    def __init__(
        self, model: mesa.Model, state, localities: list, rng: np.random.Generator
    ) -> None:
        super().__init__(model)
        self.state = state
        self.stream = rng  # its own stream: one state's local draws never shift another's
        self.localities = localities
        self.codified: list[str] = []
        self.designated: list[str] = []  # pilot zones designated during the run
        self.streak: dict[str, int] = {}  # consecutive reviews in which adopters outgrew others
        self.codify_steps: dict[str, float] = {}  # rise of the F anchor at each codification
        self.floor = 0.0
        self.net0 = 0.0  # the net marginal value of R at the start (the centre's optimum)
        self.net_history: deque[float] = deque(maxlen=4)  # a year of accounts: quarters are noisy
        self.growth_scale = 0.0  # mean over sd of the localities' growth (for the bet's return)
        state.centre = self
        self.tournament = Tournament(self, model.officials, model.central.promotion_share)
        if self.yardstick:
            self.tournament.appoint_all(rng)

    def settle(self) -> None:
        """Start the restrictive floor at the initial answer to pressure (after the anchors), and
        read the initial R as the centre's optimum: only changes of the signal's net value move
        its target."""
        self.floor = self.state.pressure_response()["R"]
        self.net0 = net_marginal_value(self.model, self.state)
        self.net_history.extend([self.net0] * 4)

    @property
    def yardstick(self) -> bool:
        """Whether localities are ranked against each other for promotion (dual track only)."""
        return self.state.governance == "dual_track"

    @property
    def damping(self) -> float:
        """How much of members' facilitation reaches firms: a single-track centre's restrictive
        framework damps it in proportion to the national R (Ma 2024)."""
        if self.state.governance == "single_track":
            return 1.0 - self.model.policy.single_track_damping * self.state.R
        return 1.0

    # -- national stance ---------------------------------------------------------------------------

    def shape_target(self, target: dict[str, float], response: dict[str, float]) -> None:
        """A dual-track centre's target R: the answer to pressure plus, with ``policy.signal``,
        ``signal_response`` times the change since the start of the net marginal value of R to
        its firms, averaged over a year (the first-order condition of a quadratic political
        cost around the answer to pressure), so R can end above or below its start.
        ``central.restrictive_floor``: the old floor, the largest restrictive pressure seen so
        far."""
        if not self.yardstick:
            return
        pol = self.model.policy
        if pol.signal:
            self.net_history.append(net_marginal_value(self.model, self.state))
            shift = pol.signal_response * (np.mean(self.net_history) - self.net0)
            target["R"] = min(1.0, max(0.0, target["R"] + shift))
        if self.model.central.restrictive_floor:
            self.floor = max(self.floor, response["R"])
            target["R"] = min(1.0, max(target["R"], self.state.anchor["R"] + self.floor))

    def constrain(self) -> None:
        """After the stance update, 'tolerant and prudent': enforcement stays below the rules,
        E <= (1 - tolerance) R; with ``central.restrictive_floor`` R also stays on its floor
        whatever peers pull for."""
        if self.yardstick:
            state = self.state
            if self.model.central.restrictive_floor:
                state.R = max(state.R, min(1.0, state.anchor["R"] + self.floor))
            state.E = min(state.E, (1.0 - self.model.central.tolerance) * state.R)

    # -- localities ----------------------------------------------------------------------------

    def step_localities(self, quarter: int) -> None:
        """Rank the localities, let each update its policy, then account for spending."""
        locs, rng = self.localities, self.stream
        growth = np.array([loc.growth for loc in locs])
        snapshot = Snapshot((loc.name, list(loc.instruments)) for loc in locs)
        if self.yardstick:
            self._standings(growth, snapshot)
            ranking = Ranking([loc.name for loc in locs], growth)
        rules = self.rules()
        for loc in locs:
            loc.facilitate(rules)
        if rules.yardstick and self.model.local.adoption_by_value:
            locality_block.weigh_adoptions(locs, rules.codified)
        for i, loc in enumerate(locs):
            above = ranking.above(i) if rules.yardstick else []
            loc.rank_pressure = len(above) / max(len(locs) - 1, 1) if rules.yardstick else 0.0
            loc.choose(snapshot, above, rng, quarter, rules)
        # what draws nothing and reads each locality's own state only, over all of them at once
        if self.model.local.fiscal:
            locality_block.prune(locs)
        for loc in locs:
            loc.renew_or_lapse(quarter)
        index = float(self.model.economy.market(quarter)[self.state.index])
        locality_block.spend(locs, self.damping, index)

    def rules(self) -> Rules:
        """What each of the centre's localities reads alike this quarter."""
        lp, cp = self.model.local, self.model.central
        yardstick = self.yardstick
        comp = lp.competition if yardstick else 0.0
        return Rules(
            yardstick=yardstick,
            competition=comp,
            imitation=min(1.0, comp * lp.imitation_rate),
            herding=min(1.0, comp * lp.herding),
            codified=self.codified,
            leeway=cp.pilot_leeway,
            invention=lp.invention_rate * 1.0,  # the product of the rule, as outside a pilot zone
            pilot_invention=lp.invention_rate * cp.pilot_invention,
        )

    def _standings(self, growth: np.ndarray, snapshot: dict[str, list[str]]) -> None:
        """Each locality's relative growth (in sd) and its official's expected promotion odds."""
        sd = float(growth.std())
        self.growth_scale = max(float(growth.mean()), 0.0) / sd if sd > 0 else 0.0
        for loc, z in zip(self.localities, standings(growth), strict=True):
            loc.standing = float(z)
            self.tournament.prospects(loc, snapshot, self.model.local.competition)

    def review(self, quarter: int) -> None:
        """Every ``central.review_every`` quarters: promotions, codification, pilot zones."""
        cp = self.model.central
        if not self.yardstick or (quarter + 1) % cp.review_every:
            return
        growth = {loc.name: loc.growth for loc in self.localities}
        ranked = sorted(self.localities, key=lambda loc: -growth[loc.name])
        if self.model.officials.tournament:
            comp = self.model.local.competition
            self._carry_upward(self.tournament.review(self.stream, quarter, comp))
        else:
            for loc in ranked[: math.ceil(cp.promotion_share * len(ranked))]:
                loc.promotions += 1
        self._codify(quarter)
        self._designate(ranked, growth)

    @staticmethod
    def _group_growth(group: list) -> float:
        """Yearly capability growth of a group of localities taken together (less noisy than
        the mean of their own growth rates, which small localities dominate)."""
        then = sum(loc.capability_history[0] for loc in group)
        now = sum(loc.capability_history[-1] for loc in group)
        return now / then - 1.0 if then > 0 else 0.0

    def _codify(self, quarter: int) -> None:
        """Make national the local instruments whose adopters together outgrow the others in
        ``central.codify_reviews`` consecutive reviews (one good year can be luck)."""
        cp, registry = self.model.central, self.model.instrument_registry
        for name in dict.fromkeys(n for loc in self.localities for n in loc.instruments):
            inst = registry[name]
            if name in self.codified or not inst.codifiable:
                continue
            adopters = [loc for loc in self.localities if name in loc.instruments]
            others = [loc for loc in self.localities if name not in loc.instruments]
            if len(adopters) < cp.codify_min_adopters or not others:
                continue
            lead = self._group_growth(adopters) - self._group_growth(others)
            self.streak[name] = self.streak.get(name, 0) + 1 if lead > cp.codify_margin else 0
            if self.streak[name] >= cp.codify_reviews:
                self.codified.append(name)
                inst.codified_at = quarter
                step = self._codify_step(inst, adopters)
                self.codify_steps[name] = step
                anchor = self.state.anchor
                anchor["F"] = min(1.0, anchor["F"] + step)

    def _codify_step(self, inst, adopters: list) -> float:
        """Rise of national facilitation when ``inst`` becomes national policy: its measured
        value, the mean gain pi x fit its adopters realise, times ``central.codify_value_F``
        (adopters are the localities it suits, so the centre sees it at its best); or the
        fixed ``central.codify_F`` with ``central.codify_by_value`` off."""
        cp = self.model.central
        if not cp.codify_by_value:
            return cp.codify_F
        value = np.mean([inst.productivity * inst.fit(loc.advantage) for loc in adopters])
        return float(cp.codify_value_F * value)

    def settle_fiscal(self, rd: float) -> None:
        """Settle every locality's fiscal state at the start (docs/ODD.md 7.12.4): the R&D of
        the state's firms (USD bn/quarter) is split by the localities' firm shares."""
        shares = np.array([loc.firm_share for loc in self.localities])
        shares = shares / shares.sum() if shares.sum() > 0 else shares
        beta = self.model.firm_params.rd_elasticity
        for loc, share in zip(self.localities, shares, strict=True):
            loc.settle_fiscal(share * rd, beta)

    def _carry_upward(self, carried: list[str]) -> None:
        """Instruments carried up by promoted officials enter the codification review with a
        head start: one more review in which their adopters lead codifies them."""
        head_start = self.model.central.codify_reviews - 1
        for name in carried:
            self.streak[name] = max(self.streak.get(name, 0), head_start)

    def _designate(self, ranked: list, growth: dict[str, float]) -> None:
        """Designate the best non-pilot locality if it outgrows the median pilot zone."""
        pilots = [loc for loc in self.localities if loc.pilot_zone]
        if len(pilots) >= self.model.central.pilot_cap:
            return
        bar = np.median([growth[p.name] for p in pilots]) if pilots else -np.inf
        best = next((loc for loc in ranked if not loc.pilot_zone), None)
        if best is not None and growth[best.name] >= bar:
            best.pilot_zone = True
            self.designated.append(best.name)

"""Central regulators: the national level of a state that has localities (Ma 2024, Table 2).

What the centre does depends on the state's governance structure:

- ``dual_track`` (China's CAC, the reference): a political regulator. Its restrictive answer to
  regulatory and incident pressure is a *floor* that only rises; its enforcement is kept below
  its rules by a tolerance ("tolerant and prudent"); it promotes local officials with odds that
  rise with their locality's observed relative growth, and replaces them (the tournament that
  drives competitive liberalisation, ``sim/agents/officials.py``); every
  review it *codifies* local instruments whose adopters outperform into national policy, which
  then spreads to every locality (Figure 1), and designates pilot zones (NIDS) up to a cap.
- ``single_track`` (the EU): the centre holds restrictive and facilitative power; its
  restrictive framework damps the effect of members' facilitation; no yardstick, no codification.
- ``silos`` (the US): federal and state regulators each act in their own domain; states may hold
  restrictive rules of their own; no yardstick couples one state's policy to another's results.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.agents.officials import Tournament, standings


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
        self.floor = 0.0
        self.growth_scale = 0.0  # mean over sd of the localities' growth (for the bet's return)
        state.centre = self
        self.tournament = Tournament(self, model.officials, model.central.promotion_share)
        if self.yardstick:
            self.tournament.appoint_all(rng)

    def settle(self) -> None:
        """Start the restrictive floor at the initial answer to pressure (after the anchors)."""
        self.floor = self.state.pressure_response()["R"]

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
        """A dual-track centre's restrictive floor: its target R answers the largest restrictive
        pressure seen so far, so a pressure that eases leaves the rules in place."""
        if not self.yardstick:
            return
        self.floor = max(self.floor, response["R"])
        target["R"] = min(1.0, max(target["R"], self.state.anchor["R"] + self.floor))

    def constrain(self) -> None:
        """After the stance update: R stays on its floor whatever peers pull for, and, 'tolerant
        and prudent', enforcement stays below the rules, E <= (1 - tolerance) R."""
        if self.yardstick:
            state = self.state
            state.R = max(state.R, min(1.0, state.anchor["R"] + self.floor))
            state.E = min(state.E, (1.0 - self.model.central.tolerance) * state.R)

    # -- localities ----------------------------------------------------------------------------

    def step_localities(self, quarter: int) -> None:
        """Rank the localities, let each update its policy, then account for spending."""
        locs, rng = self.localities, self.stream
        growth = np.array([loc.growth for loc in locs])
        snapshot = {loc.name: list(loc.instruments) for loc in locs}
        if self.yardstick:
            self._standings(growth, snapshot)
        for loc, g in zip(locs, growth, strict=True):
            above = [o.name for o, og in zip(locs, growth, strict=True) if og > g]
            loc.rank_pressure = len(above) / max(len(locs) - 1, 1) if self.yardstick else 0.0
            loc.update(snapshot, above if self.yardstick else [], rng, quarter)
        for loc in locs:
            loc.spend(self.damping)

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
                anchor = self.state.anchor
                anchor["F"] = min(1.0, anchor["F"] + cp.codify_F)

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

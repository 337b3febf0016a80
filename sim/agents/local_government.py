"""Local governments: economic regulators that compete by liberalising (Ma 2024).

A locality (a Chinese city or province, a US state, an EU member state) has a fiscal budget for
AI, a comparative advantage in AI, a facilitation level ``F`` (the share of that budget it
spends) and a set of named instruments. Each quarter, under a dual-track centre's yardstick, it
raises ``F`` as far as its official's promotion odds reward relative growth (competitive
liberalisation; ``sim/agents/officials.py``), copies instruments of better-ranked peers, joins the
sector bet when the centre's comparison makes that pay for its official (the local LLM race), and,
under every governance structure, sometimes invents an instrument (entrepreneurial regulation).
Spending on an instrument the locality lacks the advantage for is *waste* (the Henan case).
Under the fiscal constraint (``local.fiscal``, ``sim/fiscal.py``) the instruments share the
spending with diminishing returns, the money has an alternative use (investment in firms), and
a locality drops instruments, and adopts codified ones, by their net value.
docs/ODD.md, "Dual-track regulation", gives the equations.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

import mesa

from sim.agents.local_fiscal import FiscalChoices
from sim.agents.officials import Official, bet_share
from sim.agents.portfolio import Portfolio, Terms
from sim.fiscal import term_gain
from sim.instruments import invent


class Rules(NamedTuple):
    """What every locality of a centre reads alike in a quarter: the centre computes it once
    (``CentralRegulator.rules``), not each locality."""

    yardstick: bool
    competition: float  # local.competition under a yardstick, 0 otherwise
    imitation: float  # chance to copy a better-ranked peer
    herding: float  # chance to reconsider the sector bet
    codified: list[str]
    leeway: float  # rise of a pilot zone's target F (yardstick only)
    invention: float  # chance to invent, outside a pilot zone
    pilot_invention: float  # chance to invent in a pilot zone


class LocalGovernment(FiscalChoices, mesa.Agent):
    """One locality's economic regulator."""

    def __init__(self, model: mesa.Model, name: str, index: int, cfg, state) -> None:
        super().__init__(model)
        self.name = name
        self.index = index  # position in the model's locality arrays
        self.state = state  # the State agent it belongs to
        self.label = cfg.label
        self.advantage = float(cfg.advantage)
        self.budget0 = self.budget = float(cfg.budget) * model.local.budget_scale
        # Share of spending paid by central transfers, and the share of the money whose
        # alternative use is investment in the state's AI firms (docs/ODD.md 7.12.4).
        self.transfer_share = float(model.central.transfer_share.get(state.name, 0.0))
        own = model.local.own_alternative
        self.alt_share = self.transfer_share + (1.0 - self.transfer_share) * own
        self.transfer = self.crowded_out = 0.0
        self.spending0 = 0.0  # settled spending at the start (start money)
        self.hurdle = 0.0  # value of a unit of money (USD bn/quarter) in its alternative use
        self.damping = 1.0
        self.dropped = 0
        self.firm_share = float(cfg.firm_share)
        self.F = self.anchor_F = float(cfg.F)
        self.R = float(cfg.R)
        self.instruments: list[str] = list(dict.fromkeys(cfg.instruments))  # ordered, no repeats
        self.taken_up: dict[str, int] = {}  # quarter each instrument's current term began
        self.pilot_zone = bool(cfg.pilot_zone)
        self.rank_pressure = 0.0
        self.promotions = self.turnovers = 0
        self.official = Official()  # replaced by the centre's draw under a tournament
        self.standing = 0.0  # relative growth in sd of the peers' growth (dual track)
        self.promotion_odds = self.marginal_odds = 0.0
        self.inventions = 0
        self.spending = self.waste = 0.0
        self.productivity = 1.0
        # Outcomes written by the model after the firms' step.
        self.capability = 0.0
        self.firms = 0
        self.moved_in = self.moved_out = 0
        self.capability_history: deque[float] = deque(maxlen=5)
        # Each weighed instrument's fiscal term, what the instruments in force fix (sim/agents/
        # portfolio.py), the net values of the portfolios evaluated at the current spending
        # (pruning looks at many drop-one variants of one portfolio), and the first quarter in
        # which an instrument in force may end its term (renewal has nothing to do before).
        self._registry = model.instrument_registry
        self._terms = Terms(self._registry, self.advantage, model.local.half_cost)
        self._portfolio: Portfolio | None = None
        self._nets: dict[tuple[str, ...], float] = {}
        self._nets_at: tuple[float, ...] = ()
        self._due: tuple[tuple[str, ...], float] = ((), -math.inf)
        self._kept: tuple = ()  # what pruning last kept whole, and at which envelope
        self._weighed: tuple = (None, None, None)  # the centre's net values for adoption

    # -- views -------------------------------------------------------------------------------------

    @property
    def growth(self) -> float:
        """Capability growth of the locality's firms over the last four quarters (share): the
        yardstick by which the centre ranks localities."""
        h = self.capability_history
        return h[-1] / h[0] - 1.0 if len(h) > 1 and h[0] > 0 else 0.0

    @property
    def _has_official(self) -> bool:
        return self.model.officials.tournament and self.state.centre.yardstick

    @property
    def official_stance(self) -> float:
        """Growth orientation of the official in office (mean 1; NaN without a tournament)."""
        return self.official.stance if self._has_official else float("nan")

    @property
    def official_tenure(self) -> float:
        """Years the official in office has served (NaN without a tournament)."""
        if not self._has_official:
            return float("nan")
        return (self.model.steps - self.official.appointed) / 4.0

    @property
    def hurdle_value(self) -> float:
        """The hurdle as ``localities.parquet`` shows it: NaN for a locality without firms,
        whose hurdle is infinite (no instrument can pay there)."""
        return self.hurdle if math.isfinite(self.hurdle) else float("nan")

    @property
    def state_name(self) -> str:
        """Name of the state the locality belongs to."""
        return self.state.name

    @property
    def n_instruments(self) -> int:
        """Number of instruments in force."""
        return len(self.instruments)

    @property
    def llm_bet(self) -> bool:
        """Whether the locality runs the sector bet (``local.bet``, the local LLM by default)."""
        return self.model.local.bet in self.instruments

    @property
    def instrument_list(self) -> str:
        """The instruments in force, sorted and joined by ';' (a column of localities.parquet)."""
        return self.portfolio().listing

    # -- the quarter ----------------------------------------------------------------------------

    def update(
        self,
        snapshot: dict[str, list[str]],
        better: Sequence[str],
        rng,
        quarter: int,
        rules: Rules | None = None,
    ):
        """Facilitation, imitation, herding, invention and adoption of codified instruments,
        then pruning and renewal.

        Args:
            snapshot: every same-state locality's instruments at the start of the quarter, so
                the order in which localities move does not matter.
            better: same-state localities ranked above this one (empty without a yardstick).
            rng: the local-government stream.
            quarter: index of the current quarter.
            rules: the centre's rules this quarter (``CentralRegulator.rules()`` if None).
        """
        rules = self.state.centre.rules() if rules is None else rules
        self.facilitate(rules)
        self.choose(snapshot, better, rng, quarter, rules)
        if self.model.local.fiscal:
            self.prune()
        self.renew_or_lapse(quarter)

    def facilitate(self, rules: Rules) -> None:
        """Move F towards the target the official's effort sets (competitive liberalisation)."""
        lp = self.model.local
        yardstick = rules.yardstick
        effort = self.state.centre.tournament.effort(self, rules.competition) if yardstick else 0.0
        headroom = min(1.0, lp.liberalisation * effort) * (1 - self.anchor_F)
        leeway = rules.leeway if self.pilot_zone and yardstick else 0.0
        target = min(1.0, self.anchor_F + headroom + leeway)
        self.F += lp.speed * (target - self.F)

    def choose(self, snapshot, better, rng, quarter: int, rules: Rules) -> None:
        """The part of ``update`` that draws random numbers: imitation, herding, adoption and
        invention. Facilitation, pruning and renewal read only the locality's own state, so the
        centre runs them over all its localities, before and after (``locality_block``)."""
        lp = self.model.local
        yardstick = rules.yardstick
        if yardstick:
            self._imitate(snapshot, better, rng, rules.imitation)
            self._herd(snapshot, rng, rules.herding)
            self._adopt_codified(rules.codified, rng)
        chance = rules.pilot_invention if self.pilot_zone and yardstick else rules.invention
        if rng.random() < chance:
            self.inventions += 1
            new = invent(
                self.name,
                self.inventions,
                quarter,
                rng,
                lp.invention_productivity,
                lp.invention_sigma,
            )
            self.model.instrument_registry[new.name] = new
            self.instruments.append(new.name)

    def _imitate(self, snapshot: dict[str, list[str]], better: list[str], rng, p: float) -> None:
        """Copy one instrument of a randomly drawn better-ranked peer (not its sector bet)."""
        if not better or rng.random() >= p:
            return
        peer = better[int(rng.integers(len(better)))]
        bet = self.model.local.bet
        options = [n for n in snapshot[peer] if n not in self.instruments and n != bet]
        if options:
            self.instruments.append(options[int(rng.integers(len(options)))])

    def _herd(self, snapshot: dict[str, list[str]], rng, p: float) -> None:
        """Join the sector bet: with ``officials.noise_herding``, when the official reconsiders
        (probability p) and joining raises the expected promotion odds; otherwise with a
        probability p times the share of peers in it."""
        bet = self.model.local.bet
        if bet in self.instruments or bet not in self.model.instrument_registry:
            return
        tournament = self.state.centre.tournament
        if self.model.officials.noise_herding:
            comp = self.model.local.competition
            if rng.random() < p and tournament.joins_bet(self, snapshot, comp):
                self.instruments.append(bet)
        elif rng.random() < p * bet_share(self, snapshot, bet):
            self.instruments.append(bet)

    def spend(self, damping: float, index: float = 1.0) -> None:
        """Quarterly spending, waste and the productivity multiplier of local firms.

        Spending F x budget is split over the instruments by weight; the part an instrument
        cannot turn into value for lack of advantage (1 - fit) is waste. Instruments of one kind
        substitute for each other (a second talent programme does not double the talent), so
        firms gain the best fitted gain of each kind, summed over kinds, scaled by ``damping``
        (a single-track centre's restrictive framework damps members' facilitation). Without
        the fiscal constraint the gain scales with F; with it, each instrument's gain saturates
        in the spending it gets (``sim/fiscal.py``). ``index`` is the state's market relative to
        the start: budgets grow with it.
        """
        money = self.account(damping, index)
        if money is not None:
            self.set_gain(term_gain(self.portfolio().terms, money))

    def account(self, damping: float, index: float) -> float | None:
        """``spend`` but the fiscal gain: spending, transfers, crowding out and waste. Returns
        the start money (spending over the market index) at which the gain is to be evaluated
        (``set_gain``), or None if the productivity is already set."""
        lp = self.model.local
        pf = self.portfolio()
        self.damping = damping
        index = index if lp.fiscal else 1.0  # switch off: the fixed budgets of before
        self.budget = self.budget0 * index
        self.spending = self.F * self.budget / 4.0
        if lp.fiscal and not pf.key:
            self.spending = 0.0  # nothing to spend on: the money stays with its other use
        self.transfer = self.transfer_share * self.spending
        grown = self.spending0 * index
        self.crowded_out = self.alt_share * (self.spending - grown) if lp.fiscal else 0.0
        if not pf.key:
            self.waste, self.productivity = 0.0, 1.0
            return None
        # the share of the money that no instrument can use (1 - fit), weighted by spending
        self.waste = float(self.spending * pf.waste_share)
        if lp.fiscal:
            return self.spending / index
        self.productivity = 1.0 + lp.boost * damping * self.F * pf.flat_gain
        return None

    def set_gain(self, gain: float) -> None:
        """Local firms' productivity multiplier from the portfolio's fiscal gain."""
        self.productivity = 1.0 + self.model.local.boost * self.damping * gain

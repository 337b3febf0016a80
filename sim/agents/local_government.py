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

from sim.agents.officials import Official, bet_share
from sim.agents.portfolio import Portfolio, Terms
from sim.fiscal import Term, alternative_value, term_gain, term_net
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


class LocalGovernment(mesa.Agent):
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

    def portfolio(self) -> Portfolio:
        """The instruments in force and what they fix, recomputed when they or the registry's
        entries change."""
        pf = self._portfolio
        if self._terms.version != self._registry.replaced:
            self._stale()
            pf = None
        if pf is None or pf.key != tuple(self.instruments):
            pf = self._portfolio = Portfolio(tuple(self.instruments), self._terms)
        return pf

    def _stale(self) -> None:
        """A registry entry was replaced: forget what was computed from the old one."""
        self._terms.renew()
        self._nets, self._portfolio = {}, None

    def _term(self, name: str) -> Term:
        return self._terms_of((name,))[0]

    def _terms_of(self, names) -> list[Term]:
        if self._terms.version != self._registry.replaced:
            self._stale()
        terms = self._terms
        return [terms[name] for name in names]

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

    # -- the fiscal constraint (docs/ODD.md 7.12.4) ------------------------------------------

    def _envelope(self) -> tuple[float, float]:
        """The quarter's start money F x B / 4 that the yardstick weighs, and the scale of its
        productivity gain (``local.boost`` x the centre's damping)."""
        return self.F * self.budget0 / 4.0, self.model.local.boost * self.damping

    def net(self, names: list[str]) -> float:
        """U(P): the gain the instruments ``names`` give local firms at this locality's fit and
        spending (start money), less the money's value in its alternative use
        (``sim.fiscal.net_value``)."""
        spending, scale = self._envelope()
        terms = self._terms_of(names)  # first: a replaced registry entry clears the values
        at = (spending, scale, self.hurdle)
        if at != self._nets_at or len(self._nets) > 256:
            self._nets, self._nets_at = {}, at
        key = tuple(names)
        value = self._nets.get(key)
        if value is None:
            value = self._nets[key] = term_net(terms, spending, scale, self.hurdle)
        return value

    def _adopt_codified(self, codified: list[str], rng) -> None:
        """Adopt, at ``local.adoption_rate``, a codified instrument that would be the best of its
        kind and (``local.adoption_by_value``) raises the net value: its gain at the locality's
        fit beats what the money it takes returns elsewhere. Every quarter each codified
        instrument is weighed, in the centre's order; after an adoption the rest are weighed
        against the new portfolio."""
        lp = self.model.local
        spending, scale = self._envelope()
        start = 0
        while True:
            pf = self.portfolio()
            adders = pf.adders(codified, self._terms)
            weighed = self._weighed if self._weighed[:3] == (pf, spending, scale) else None
            base = None
            for pos, name, t in adders:
                if pos < start:
                    continue
                if lp.adoption_by_value:
                    if weighed is not None and weighed[3] is adders:  # the centre's pass
                        base, with_it = weighed[4], weighed[5][name]
                    else:
                        base = self.net(self.instruments) if base is None else base
                        with_it = term_net([*pf.terms, t], spending, scale, self.hurdle)
                    if not with_it > base:
                        continue
                if rng.random() < lp.adoption_rate:
                    self.instruments.append(name)
                    start = pos + 1
                    break
            else:
                return

    def weighed(self, adders: list, base: float, with_each: dict[str, float]) -> None:
        """Record the net values of the portfolio and of it with each of ``adders`` (its
        ``Portfolio.adders``) that the centre computed for all its localities at once, at the
        current portfolio and envelope; ``_adopt_codified`` reads them while both hold."""
        self._weighed = (self.portfolio(), *self._envelope(), adders, base, with_each)

    def _committed(self, name: str) -> bool:
        # a sector bet (LLM training capacity) is a commitment for its term
        return self._term(name).kind == "sector_bet"

    def prune(self, keep_committed: bool = True) -> None:
        """Drop, one at a time, the instrument whose money returns more in the locality's other
        instruments (the envelope F x B is the yardstick's): a misfit that crowds out
        instruments that fit, or a dominated duplicate. The last instrument is not dropped
        here: it lapses at the end of its term if it is not worth its money (renewal)."""
        if len(self.instruments) < 2:
            return
        spending, scale = self._envelope()
        kept = (tuple(self.instruments), spending, scale, self.hurdle, keep_committed)
        if kept == self._kept and self._terms.version == self._registry.replaced:
            return  # the same choice as when it last dropped nothing (a steady envelope)
        base = self.net(self.instruments)
        while len(self.instruments) > 1:
            terms, best = self.portfolio().terms, None
            for i, name in enumerate(self.instruments):
                if keep_committed and terms[i].kind == "sector_bet":  # see _committed
                    continue
                value = term_net(terms[:i] + terms[i + 1 :], spending, scale, self.hurdle)
                if value > base + 1e-12 and (best is None or value > best[0]):
                    best = (value, name)
            if best is None:
                self._kept = (tuple(self.instruments), spending, scale, self.hurdle, keep_committed)
                return
            base = best[0]  # the net value of what is left
            self.drop(best[1])

    def drop(self, name: str) -> None:
        """Drop the instrument ``name`` before its term ends (pruning)."""
        self.instruments.remove(name)
        self.taken_up.pop(name, None)
        self.dropped += 1

    def settle_fiscal(self, local_rd: float, rd_elasticity: float) -> None:
        """Read the start as a fiscal equilibrium, as the states' anchors are read: the hurdle
        is the alternative use of money (beta / R&D of the locality's firms, USD bn/quarter),
        or the portfolio's average return where the locality's own choice shows it accepts
        less, so the initial instruments are kept while nothing changes."""
        self.hurdle = alternative_value(self.alt_share, rd_elasticity, local_rd)
        spending = self.F * self.budget0 / 4.0
        if self.instruments and spending > 0:
            lp = self.model.local
            gain = term_gain(self.portfolio().terms, spending)
            self.hurdle = min(self.hurdle, lp.boost * self.damping * gain / spending)

    def _best_of_kind(self) -> set[str]:
        """The instrument of each kind that firms gain from (the first held wins a tie)."""
        return self.portfolio().best_names

    def _kind_best(self) -> dict[str, float]:
        """The largest gain pi x fit of each kind held."""
        return self.portfolio().kind_best

    def _adds(self, name: str, best: dict[str, float] | None = None) -> bool:
        """Whether adopting ``name`` would raise the gain of its kind (docs/ODD.md 7.12.3);
        ``best`` is ``_kind_best()`` when the caller has it."""
        new = self._term(name)
        best = self._kind_best() if best is None else best
        return new.kind not in best or new.value > best[new.kind]

    def renew_or_lapse(self, quarter: int) -> None:
        """At the end of its term an instrument is renewed if it is the best of its kind the
        locality holds (and, under the fiscal constraint, worth its money), and lapses otherwise
        (it adds nothing to firms, only to spending)."""
        held = tuple(self.instruments)
        if held == self._due[0] and quarter < self._due[1]:
            return  # no instrument in force ends its term yet
        term, fiscal = self.model.local.instrument_term, self.model.local.fiscal
        taken_up = self.taken_up
        due = [quarter - taken_up.setdefault(name, quarter) >= term for name in held]
        if any(due):
            best = self._best_of_kind()
            without = lambda name: [n for n in held if n != name]  # noqa: E731
            kept = []
            for name, ends in zip(held, due, strict=True):
                if not ends:
                    kept.append(name)
                elif name in best and (
                    not fiscal or self.net(without(name)) <= self.net(list(held)) + 1e-12
                ):
                    self.taken_up[name] = quarter
                    kept.append(name)
                else:
                    del self.taken_up[name]
            self.instruments = kept
        ends = min((taken_up[name] for name in self.instruments), default=math.inf) + term
        self._due = (tuple(self.instruments), ends)

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

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

import mesa

from sim.agents.officials import Official, bet_share
from sim.fiscal import Term, alternative_value, array_sum, term, term_gain, term_net
from sim.instruments import Instrument, invent


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
        # Each held instrument's fiscal term (with the Instrument it was made from, so a
        # replaced registry entry is seen) and the net values of the portfolios evaluated at
        # the current spending: pruning looks at many drop-one variants of one portfolio.
        self._terms: dict[str, tuple[Instrument, Term]] = {}
        self._nets: dict[tuple[str, ...], float] = {}
        self._nets_at: tuple[float, ...] = ()

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
        return ";".join(sorted(self.instruments))

    def _term(self, name: str) -> Term:
        return self._terms_of((name,))[0]

    def _terms_of(self, names) -> list[Term]:
        registry, cache, out = self.model.instrument_registry, self._terms, []
        for name in names:
            inst = registry[name]
            cached = cache.get(name)
            if cached is None or cached[0] is not inst:
                made = term(inst, self.advantage, self.model.local.half_cost)
                cached = cache[name] = (inst, made)
            out.append(cached[1])
        return out

    # -- the quarter ----------------------------------------------------------------------------

    def update(self, snapshot: dict[str, list[str]], better: Sequence[str], rng, quarter: int):
        """Facilitation, imitation, herding, invention and adoption of codified instruments.

        Args:
            snapshot: every same-state locality's instruments at the start of the quarter, so
                the order in which localities move does not matter.
            better: same-state localities ranked above this one (empty without a yardstick).
            rng: the local-government stream.
            quarter: index of the current quarter.
        """
        lp = self.model.local
        self._nets = {}  # the registry may have changed since the last quarter
        centre = self.state.centre
        yardstick = centre.yardstick
        comp = lp.competition if yardstick else 0.0
        effort = centre.tournament.effort(self, comp) if yardstick else 0.0
        headroom = min(1.0, lp.liberalisation * effort) * (1 - self.anchor_F)
        leeway = self.model.central.pilot_leeway if self.pilot_zone and yardstick else 0.0
        target = min(1.0, self.anchor_F + headroom + leeway)
        self.F += lp.speed * (target - self.F)

        if yardstick:
            self._imitate(snapshot, better, rng, min(1.0, comp * lp.imitation_rate))
            self._herd(snapshot, rng, min(1.0, comp * lp.herding))
            self._adopt_codified(centre.codified, rng)
        pilot = self.model.central.pilot_invention if self.pilot_zone and yardstick else 1.0
        if rng.random() < lp.invention_rate * pilot:
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
        if lp.fiscal:
            self.prune()
        self._renew_or_lapse(quarter)

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
        at = (spending, scale, self.hurdle)
        if at != self._nets_at:
            self._nets, self._nets_at = {}, at
        key = tuple(names)
        value = self._nets.get(key)
        if value is None:
            value = self._nets[key] = term_net(self._terms_of(key), spending, scale, self.hurdle)
        return value

    def _adopt_codified(self, codified: list[str], rng) -> None:
        """Adopt, at ``local.adoption_rate``, a codified instrument that would be the best of its
        kind and (``local.adoption_by_value``) raises the net value: its gain at the locality's
        fit beats what the money it takes returns elsewhere. The portfolio's terms are read once
        and again only after an adoption: every quarter each codified instrument is weighed."""
        lp = self.model.local
        spending, scale = self._envelope()
        held = None
        for name in codified:
            if name in self.instruments:
                continue
            if held is None:
                held, best, base = self._terms_of(self.instruments), self._kind_best(), None
            if not self._adds(name, best):
                continue
            if lp.adoption_by_value:
                base = self.net(self.instruments) if base is None else base
                with_it = term_net([*held, self._term(name)], spending, scale, self.hurdle)
                if not with_it > base:
                    continue
            if rng.random() < lp.adoption_rate:
                self.instruments.append(name)
                held = None

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
        base = self.net(self.instruments)
        while len(self.instruments) > 1:
            terms, best = self._terms_of(self.instruments), None
            for i, name in enumerate(self.instruments):
                if keep_committed and terms[i].kind == "sector_bet":  # see _committed
                    continue
                value = term_net(terms[:i] + terms[i + 1 :], spending, scale, self.hurdle)
                if value > base + 1e-12 and (best is None or value > best[0]):
                    best = (value, name)
            if best is None:
                return
            base = best[0]  # the net value of what is left
            self.instruments.remove(best[1])
            self.taken_up.pop(best[1], None)
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
            gain = term_gain(self._terms_of(self.instruments), spending)
            self.hurdle = min(self.hurdle, lp.boost * self.damping * gain / spending)

    def _best_of_kind(self) -> set[str]:
        """The instrument of each kind that firms gain from (the first held wins a tie)."""
        best: dict[str, tuple[float, str]] = {}
        for name in self.instruments:
            t = self._term(name)
            if t.kind not in best or t.value > best[t.kind][0]:
                best[t.kind] = (t.value, name)
        return {name for _, name in best.values()}

    def _kind_best(self) -> dict[str, float]:
        """The largest gain pi x fit of each kind held."""
        best: dict[str, float] = {}
        for t in self._terms_of(self.instruments):
            best[t.kind] = max(best.get(t.kind, t.value), t.value)
        return best

    def _adds(self, name: str, best: dict[str, float] | None = None) -> bool:
        """Whether adopting ``name`` would raise the gain of its kind (docs/ODD.md 7.12.3);
        ``best`` is ``_kind_best()`` when the caller has it."""
        new = self._term(name)
        best = self._kind_best() if best is None else best
        return new.kind not in best or new.value > best[new.kind]

    def _renew_or_lapse(self, quarter: int) -> None:
        """At the end of its term an instrument is renewed if it is the best of its kind the
        locality holds (and, under the fiscal constraint, worth its money), and lapses otherwise
        (it adds nothing to firms, only to spending)."""
        term, fiscal = self.model.local.instrument_term, self.model.local.fiscal
        taken_up = self.taken_up
        due = [quarter - taken_up.setdefault(name, quarter) >= term for name in self.instruments]
        if not any(due):
            return
        best = self._best_of_kind()
        held = list(self.instruments)
        without = lambda name: [n for n in held if n != name]  # noqa: E731
        kept = []
        for name, ends in zip(held, due, strict=True):
            if not ends:
                kept.append(name)
            elif name in best and (not fiscal or self.net(without(name)) <= self.net(held) + 1e-12):
                self.taken_up[name] = quarter
                kept.append(name)
            else:
                del self.taken_up[name]
        self.instruments = kept

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
        lp = self.model.local
        held = self._terms_of(self.instruments)
        self.damping = damping
        index = index if lp.fiscal else 1.0  # switch off: the fixed budgets of before
        self.budget = self.budget0 * index
        self.spending = self.F * self.budget / 4.0
        if lp.fiscal and not held:
            self.spending = 0.0  # nothing to spend on: the money stays with its other use
        self.transfer = self.transfer_share * self.spending
        grown = self.spending0 * index
        self.crowded_out = self.alt_share * (self.spending - grown) if lp.fiscal else 0.0
        if not held:
            self.waste, self.productivity = 0.0, 1.0
            return
        total = array_sum([t.weight for t in held])
        # the reference's NumPy expression, term by term: shares x (1 - fit), summed
        unused = [(t.weight / total if total > 0 else 0.0) * (1.0 - t.fit) for t in held]
        self.waste = float(self.spending * array_sum(unused))
        if lp.fiscal:
            gain = term_gain(held, self.spending / index)
            self.productivity = 1.0 + lp.boost * damping * gain
            return
        best: dict[str, float] = {}
        for t in held:
            best[t.kind] = max(best.get(t.kind, 0.0), t.value)
        gain = sum(best.values())
        self.productivity = 1.0 + lp.boost * damping * self.F * gain

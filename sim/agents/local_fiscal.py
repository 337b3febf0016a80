"""A locality's portfolio under the fiscal constraint (docs/ODD.md 7.12.4): the net value of a
set of instruments, pruning, renewal and the adoption of codified instruments by value. A mixin of
``LocalGovernment`` (``sim/agents/local_government.py``), which holds the state it reads."""

from __future__ import annotations

import math

from sim.agents.portfolio import Portfolio
from sim.fiscal import Term, alternative_value, term_gain, term_net


class FiscalChoices:
    """The portfolio choices of a ``LocalGovernment``."""

    # -- the portfolio in force ----------------------------------------------------------------

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

"""What a locality's set of instruments fixes whatever it spends (issue 14: speed).

A locality reads its portfolio many times a quarter (pruning, adoption, renewal, spending, the
recorder), but the portfolio itself changes rarely: an adoption, a copy, an invention, a drop or
a lapse. A :class:`Portfolio` holds everything that depends on the instruments held and not on
the money: their fiscal terms, the best gain of each kind, the share of spending wasted and the
listing the recorder shows. Every number is computed by the operations of the reference
(``sim/fiscal.py``, ``LocalGovernment.spend``) in the same order, so the bits are the same; the
locality only recomputes it when its list of instruments or the registry's entries change.
"""

from __future__ import annotations

from sim.agents.local_kernels import kind_code
from sim.fiscal import Term, array_sum, plain_sum, term


class Terms:
    """One locality's fiscal term of every instrument it has weighed, by name, made from the
    registry's entries as of ``version`` (its count of replaced entries)."""

    def __init__(self, registry, advantage: float, half_cost: float) -> None:
        self.registry, self.advantage, self.half_cost = registry, advantage, half_cost
        self.version = registry.replaced
        self.by_name: dict[str, Term] = {}

    def renew(self) -> None:
        """Forget every term: a registry entry was replaced."""
        self.version, self.by_name = self.registry.replaced, {}

    def __getitem__(self, name: str) -> Term:
        made = self.by_name.get(name)
        if made is None:
            made = self.by_name[name] = term(self.registry[name], self.advantage, self.half_cost)
        return made


def columns(terms: list[Term]) -> tuple[list, list, list, list]:
    """The terms' weights, gains pi x fit, kind codes and half-costs, as lists."""
    return (
        [t.weight for t in terms],
        [t.value for t in terms],
        [kind_code(t.kind) for t in terms],
        [t.half for t in terms],
    )


class Portfolio:
    """The instruments ``key`` held by a locality, and what they fix."""

    __slots__ = (
        "_adders",
        "best_names",
        "columns",
        "flat_gain",
        "key",
        "kind_best",
        "listing",
        "terms",
        "waste_share",
    )

    def __init__(self, key: tuple[str, ...], terms: Terms) -> None:
        self.key = key
        held = self.terms = [terms[name] for name in key]
        # the largest gain pi x fit of each kind held (LocalGovernment._kind_best)
        best: dict[str, float] = {}
        for t in held:
            best[t.kind] = max(best.get(t.kind, t.value), t.value)
        self.kind_best = best
        # the instrument of each kind that firms gain from, the first held winning a tie
        first: dict[str, tuple[float, str]] = {}
        for name, t in zip(key, held, strict=True):
            if t.kind not in first or t.value > first[t.kind][0]:
                first[t.kind] = (t.value, name)
        self.best_names = {name for _, name in first.values()}
        # spending's shares x (1 - fit), summed: waste is the spending times this
        total = array_sum([t.weight for t in held])
        unused = [(t.weight / total if total > 0 else 0.0) * (1.0 - t.fit) for t in held]
        self.waste_share = array_sum(unused)
        # without the fiscal constraint firms gain the best value of each kind (from 0)
        flat: dict[str, float] = {}
        for t in held:
            flat[t.kind] = max(flat.get(t.kind, 0.0), t.value)
        self.flat_gain = plain_sum(flat.values())
        self.listing = ";".join(sorted(key))
        # weights, gains pi x fit, kind codes, half-costs: what the compiled passes read
        self.columns = columns(held)
        self._adders: tuple[int, list[tuple[int, str, Term]]] = (0, [])

    def adders(self, codified: list[str], terms: Terms) -> list[tuple[int, str, Term]]:
        """The codified instruments (position, name, term) that the portfolio lacks and that
        would raise the gain of their kind (docs/ODD.md 7.12.3). A centre's list of codified
        instruments only grows, so its length tells whether it changed."""
        seen, out = self._adders
        if seen != len(codified):
            held, best = set(self.key), self.kind_best
            for pos in range(seen, len(codified)):
                name = codified[pos]
                if name in held:
                    continue
                t = terms[name]
                if t.kind not in best or t.value > best[t.kind]:
                    out = [*out, (pos, name, t)]
            self._adders = (len(codified), out)
        return out

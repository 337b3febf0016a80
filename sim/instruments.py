"""Facilitative policy instruments: named objects that localities adopt, copy, invent and that a
dual-track centre codifies (Ma 2024, Table 1 and Figure 1).

The catalogue comes from the world file (``instruments.*``); localities add inventions during a
run. Every instrument keeps its origin and the quarter it was codified, so a user can follow its
path from one city to the national level and back down to the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config.local import INSTRUMENT_KINDS

# What a locality can invent: every kind except a sector bet, which is herded into, not invented.
INVENTABLE = tuple(k for k in INSTRUMENT_KINDS if k != "sector_bet")


@dataclass
class Instrument:
    """One facilitative instrument."""

    name: str
    label: str
    kind: str
    productivity: float  # gain of local firms' capability production at full fit and F = 1
    need: float  # comparative advantage needed for the full return
    weight: float  # share of a locality's spending, relative to its other instruments
    origin: str = "catalogue"  # the locality that invented it
    created: int = -1  # quarter of invention (-1: in the world file)
    codified_at: int | None = None  # quarter a centre made it national policy

    @property
    def codifiable(self) -> bool:
        """A sector bet is an investment, not a regulatory practice the centre could generalise."""
        return self.kind != "sector_bet"

    def fit(self, advantage: float) -> float:
        """Share of the instrument's value a locality with ``advantage`` can realise."""
        return min(1.0, advantage / self.need)


class Registry(dict):
    """The instruments by name. It counts the entries replaced (not those added, as inventions
    are), so a locality's cached terms are dropped when an instrument they were made from is."""

    replaced = 0

    def __setitem__(self, name, inst) -> None:
        if name in self:
            self.replaced += 1
        super().__setitem__(name, inst)


def catalogue(specs) -> Registry:
    """The instruments of the world file, by name."""
    registry = Registry()
    for name, s in specs.items():
        pi, need, weight = float(s.productivity), float(s.need), float(s.weight)
        registry[name] = Instrument(name, s.label, s.kind, pi, need, weight)
    return registry


def invent(
    locality: str, count: int, quarter: int, rng: np.random.Generator, median: float, sigma: float
) -> Instrument:
    """A new instrument of a random kind, log-normal productivity and uniform need."""
    kind = INVENTABLE[int(rng.integers(len(INVENTABLE)))]
    return Instrument(
        name=f"{locality}_{kind}_{count}",
        label=f"{kind} experiment of {locality}",
        kind=kind,
        productivity=float(median * rng.lognormal(0.0, sigma)),
        need=float(rng.uniform(0.05, 0.95)),
        weight=1.0,
        origin=locality,
        created=quarter,
    )


def adoption_frame(
    localities: pd.DataFrame, registry: dict[str, Instrument], codified_by: dict[str, str]
) -> pd.DataFrame:
    """One row per step, state and instrument in force: how many of the state's localities have
    it, its origin, and the quarter the state's centre codified it (``codified_by`` maps an
    instrument to that state; other states' rows have none). This is the path of Ma's Figure 1:
    invented in one city, copied, codified, adopted everywhere (``instruments.parquet``)."""
    columns = ["step", "state", "instrument", "kind", "origin", "created", "codified_at"]
    if localities.empty:
        return pd.DataFrame(columns=[*columns, "adopters", "localities"])
    held = localities[["step", "state", "instruments"]].assign(
        instrument=localities.instruments.str.split(";")
    )
    size = localities.groupby(["step", "state"]).size().rename("localities")
    held = held.explode("instrument")
    held = held[held.instrument.fillna("") != ""]
    out = held.groupby(["step", "state", "instrument"]).size().rename("adopters").reset_index()
    meta = pd.DataFrame(
        [(i.name, i.kind, i.origin, i.created, i.codified_at) for i in registry.values()],
        columns=["instrument", "kind", "origin", "created", "codified_at"],
    )
    out = out.merge(meta, on="instrument", how="left").join(size, on=["step", "state"])
    own = out.instrument.map(codified_by) == out.state
    out["codified_at"] = out.codified_at.astype("Int64").where(own)
    return out[[*columns, "adopters", "localities"]]

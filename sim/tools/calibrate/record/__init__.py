"""The record as data: facts of 2022-2026 for calibration (issue 12, part 5) and the growth rates
of the AI economy, each with its source and address.

A fact of 2024 or earlier is ``in_sample`` (a fit may use it); a fact of 2025-2026 is
``held_out`` (a fit must not see it). ``error`` is the basis of the fact's sampling error where
one exists (a count is Poisson; a share of n items is binomial); "none given" means the source
gives none, and the fit has to take the model's Monte Carlo error or a stated band instead.
``note`` says how far the figure was verified: "official" (the publisher's own page), "secondary"
(a report quoting the source, figures cross-checked where a second report exists) or what was
not verified. Editions of the AI Index revise earlier years (Epoch's model database and the
investment data are updated), so a series should be read within one edition; the edition is in
``source``. Searched in Dec 2026; /work/research/record.md has the same rows with comments.
"""

from __future__ import annotations

from sim.tools.calibrate.record.facts import FACTS
from sim.tools.calibrate.record.growth import GROWTH
from sim.tools.calibrate.record.schema import HELD_OUT, IN_SAMPLE, LAST_IN_SAMPLE, Fact, Growth

__all__ = ["FACTS", "GROWTH", "HELD_OUT", "IN_SAMPLE", "LAST_IN_SAMPLE", "Fact", "Growth"]


def in_sample() -> tuple[Fact, ...]:
    """The facts a fit may use (2024 and earlier)."""
    return tuple(f for f in FACTS if f.split == IN_SAMPLE)


def held_out() -> tuple[Fact, ...]:
    """The facts a fit must not see (2025-2026)."""
    return tuple(f for f in FACTS if f.split == HELD_OUT)


def value(key: str, year: int) -> float:
    """The figure of ``key`` in ``year``."""
    found = [f.value for f in FACTS if f.key == key and f.year == year]
    if len(found) != 1:
        raise KeyError(f"record: no single fact {key} in {year}")
    return found[0]


def cagr(key: str, first: int, last: int) -> float:
    """Compound annual growth factor of ``key`` between two years of the record."""
    return (value(key, last) / value(key, first)) ** (1 / (last - first))

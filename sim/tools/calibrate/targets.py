"""Calibration targets: the record's figures turned into comparisons with the model, kept in two
tables that never mix, in-sample (2024 and earlier: the fit sees them) and held-out (2025-2026:
reported, never fitted).

A target says what is compared (a share among the regions a source lists, a count, a level), on
the model's scale, with the source's standard error and its basis."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sim.tools.calibrate import record, stylised
from sim.tools.calibrate.record import HELD_OUT, IN_SAMPLE

# The record (sources, URLs, split, error basis) and the stylised facts of MODEL.md it lacks.
RECORD = (*record.FACTS, *stylised.FACTS)
SPLITS = (IN_SAMPLE, HELD_OUT)
STATED_ERROR = 0.1  # relative error of a figure whose source gives none (stated assumption)
# How a record key is compared: (quantity, region); None: not compared (reason in NOT_COMPARED).
ALIASES = {
    "incidents": ("incidents", "world"),
    "asia_binding_laws": ("binding_laws", "asia"),
    "investment": "private_investment",
    "frontier_gap.arena": ("frontier_gap_change", "us_china"),
    "frontier_gap.mmlu": None,
    "frontier_gap.humaneval": None,
    "investment.us_cumulative": None,
    "investment.china_cumulative": None,
}
# The frontier gap is compared as its change since the initial world (the record's gap is in
# Elo or benchmark points, the model's a capability ratio): this year is the base.
GAP_BASE_YEAR = 2024

# Counts below this are too small for a binomial standard error of their share: the share's error
# is then taken as relative, 1/sqrt(count), the Poisson error of the count itself.
SMALL_COUNT = 10
LAST_IN_SAMPLE_YEAR = 2024  # the model's step 0 is the end of 2024; later facts are held out
Z = 2.0  # a band is target +- Z standard errors (about 95% of the draws a source could give)

# Quantities whose regions are compared as shares among the regions the source lists that year
# (notable models are a curated count, not the model's foundation models, so only the split
# between origins carries over).
SHARE_AMONG_LISTED = {"notable_models"}

# Facts of MODEL.md section 4 that are inputs of the world or quantities the model lacks: listed
# in the in-sample report with the reason, never compared.
NOT_COMPARED = (
    (
        "Shanghai",
        "100,000 professionals: the model has no head-counts; the 1 bn yuan fund is an input",
    ),
    (
        "Hong Kong Science Park",
        "the model has no Hong Kong locality, and its firms are a scaled sample",
    ),
    (
        "China's national AI pilot zones (NIDS)",
        "18 by Dec 2021 is the input of configs/world/localities.yaml (row pilot_zones.china.2024)",
    ),
    (
        "US export controls on advanced chips to China",
        "input: they predate the start and are coded as states.china.compute_access",
    ),
    (
        "Bletchley Declaration signatories",
        "the model aggregates states into blocs (configs/world/institutions.yaml)",
    ),
    ("WAICO proposed", "input: a scheduled event of the waico_* scenarios"),
    ("EU AI Act", "input: scheduled events of the scenario"),
    (
        "US-China gap on MMLU and HumanEval (record: frontier_gap.mmlu, .humaneval)",
        "benchmark points saturate near full marks, so a closing gap in points is not a "
        "closing gap in capability; the Chatbot Arena series is compared instead",
    ),
    (
        "private AI investment summed over 2013-2022 (record: investment.*_cumulative)",
        "a decade before the model's path; the yearly series is compared",
    ),
)
# The rows of MODEL.md section 4 the targets cover (for the test that every fact has a row).
TOPICS = {
    "foundation_model_share": "share of the world's foundation models, 2023",
    "top100_firms": "global top-100 AI firms",
    "notable_models": "notable AI models by origin",
    "private_investment": "private AI investment, 2023",
    "open_share": "foundation models released 2023 that were open",
    "firm_share": "Shanghai",
    "pilot_zones": "China's national AI pilot zones (NIDS)",
    "top10_cities": "top-10 Chinese AI cities (HSMAP 2024)",
}


@dataclass(frozen=True)
class Target:
    """One comparison with the model.

    Attributes:
        key: ``quantity.region.year``, unique.
        quantity: what the model measures (a key of ``measures.MEASURES``).
        region: a state, an aggregate of ``measures.REGIONS`` or a locality.
        year: the year compared; the model's step 0 is the end of 2024.
        value: the target on the model's scale (a share where the source's count is compared
            as a share).
        stated: the source's figure as it reads.
        label, unit, source, url: from the record.
        split: ``in_sample`` or ``held_out``.
        se: the source's standard error on the target's scale.
        basis: how ``se`` was obtained, in words.
        peers: the regions a share is taken among (empty: not a share among listed regions).
    """

    key: str
    quantity: str
    region: str
    year: int
    value: float
    stated: str
    label: str
    unit: str
    source: str
    url: str
    split: str
    se: float
    basis: str
    peers: tuple[str, ...] = ()


def _standard_error(value: float, rule: str, unit: str) -> tuple[float, str]:
    """The source's standard error of ``value`` from the record's error basis, and the basis
    in words: ``count: Poisson``, ``share of N: binomial``, ``relative X: why``, ``exact: why``,
    or ``none given`` (a stated relative error, ``STATED_ERROR``)."""
    if "Poisson" in rule:
        return math.sqrt(max(value, 1.0)), f"Poisson on a count of {value:g}"
    if m := re.match(r"share of ([\d.]+): binomial", rule):
        n = float(m.group(1))
        of_n = unit.startswith("firms of")  # a count out of n, not a share
        p = value / n if of_n else value
        se = math.sqrt(p * (1 - p) / n)
        return (se * n if of_n else se), f"binomial on {n:g} items"
    if m := re.match(r"relative ([\d.]+): (.+)", rule):
        x = float(m.group(1))
        return abs(value) * x, f"relative {x:.0%}: {m.group(2)}"
    if rule.startswith("exact"):
        return 0.0, "exact count (no sampling error; the band is the model's Monte Carlo error)"
    if rule == record.schema.NO_ERROR:
        return abs(value) * STATED_ERROR, f"relative {STATED_ERROR:.0%} (the source gives none)"
    raise ValueError(f"unknown sampling-error basis {rule!r}")


def _compared(key: str) -> tuple[str, str] | None:
    """(quantity, region) of a record key, or None when it is not compared."""
    if key in ALIASES:
        return ALIASES[key]
    quantity, _, region = key.partition(".")
    alias = ALIASES.get(quantity, quantity)
    return (alias, region or "world") if isinstance(alias, str) else alias


def _share_targets(facts: list) -> list[Target]:
    """Each region's share among the regions the source lists for that year."""
    total = sum(f.value for f in facts)
    peers = tuple(f.key.split(".", 1)[1] for f in facts)  # notable_models.<region>
    out = []
    for f, region in zip(facts, peers, strict=True):
        share = f.value / total
        if min(f.value, total - f.value) >= SMALL_COUNT:
            se, basis = math.sqrt(share * (1 - share) / total), f"binomial on {total:g} models"
        else:
            se = share / math.sqrt(max(f.value, 1.0))
            basis = f"relative, Poisson on a count of {f.value:g} (a small share)"
        out.append(
            Target(
                f"{f.key}.{f.year}",
                f.key.split(".")[0],
                region,
                f.year,
                share,
                f"{f.value:g} of {total:g}",
                f.label,
                "share",
                f.source,
                f.url,
                f.split,
                se,
                basis,
                peers,
            )
        )
    return out


def build(facts: Iterable = RECORD) -> list[Target]:
    """Every comparable target of the facts, in their order."""
    facts = list(facts)
    grouped: dict[tuple[str, int], list] = defaultdict(list)
    for f in facts:
        grouped[(f.key.split(".")[0], f.year)].append(f)
    base = {f.key: f.value for f in facts if f.year == GAP_BASE_YEAR}
    out, done = [], set()
    for f in facts:
        compared = _compared(f.key)
        if compared is None:
            continue
        quantity, region = compared
        if quantity in SHARE_AMONG_LISTED:
            if (quantity, f.year) not in done:
                done.add((quantity, f.year))
                out.extend(_share_targets(grouped[(quantity, f.year)]))
            continue
        value, stated, unit = float(f.value), f"{f.value:g} {f.unit}", f.unit
        if quantity == "frontier_gap_change":
            if f.year == GAP_BASE_YEAR or f.key not in base:
                continue
            value, unit = value / base[f.key], "ratio"
            stated = f"{f.value:g} against {base[f.key]:g} {f.unit} in {GAP_BASE_YEAR}"
        se, basis = _standard_error(value, f.error, unit)
        out.append(
            Target(
                f"{f.key}.{f.year}",
                quantity,
                region,
                f.year,
                value,
                stated,
                f.label,
                unit,
                f.source,
                f.url,
                f.split,
                se,
                basis,
            )
        )
    if len({t.key for t in out}) != len(out):
        raise ValueError("the record has two figures with the same key and year")
    for t in out:
        if (t.split == IN_SAMPLE) != (t.year <= LAST_IN_SAMPLE_YEAR) or t.split not in SPLITS:
            raise ValueError(f"{t.key}: split {t.split!r} does not fit the year {t.year}")
    return out


def in_sample(facts: Iterable = RECORD) -> list[Target]:
    """The targets the fit may see: facts of 2024 and earlier."""
    return [t for t in build(facts) if t.split == IN_SAMPLE]


def held_out(facts: Iterable = RECORD) -> list[Target]:
    """The targets the fit never sees: facts of 2025-2026."""
    return [t for t in build(facts) if t.split == HELD_OUT]


__all__ = ["HELD_OUT", "IN_SAMPLE", "NOT_COMPARED", "RECORD", "Target", "Z", "build", "held_out"]

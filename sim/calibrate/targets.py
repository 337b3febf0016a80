"""Calibration targets: the record's figures turned into comparisons with the model, kept in two
tables that never mix, in-sample (2024 and earlier: the fit sees them) and held-out (2025-2026:
reported, never fitted).

A target says what is compared (a share among the regions a source lists, a count, a level), on
the model's scale, with the source's standard error and its basis."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sim.calibrate.interim import HELD_OUT, IN_SAMPLE, RECORD

SPLITS = (IN_SAMPLE, HELD_OUT)

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
        "private AI investment, 2023",
        "input: states.*.ai_investment in configs/world/default.yaml; compared through the "
        "backcast of the initial world's investment (rows private_investment.*)",
    ),
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
    """The source's standard error of ``value`` from its sampling-error rule, and the basis."""
    kind, _, arg = rule.partition(":")
    if kind == "poisson":
        return math.sqrt(max(value, 1.0)), f"Poisson on a count of {value:g}"
    if kind == "binomial":
        n = float(arg)
        p = value / n if unit.startswith("firms of") else value
        se = math.sqrt(p * (1 - p) / n)
        return (se * n if unit.startswith("firms of") else se), f"binomial on {n:g} items"
    if kind == "relative":
        return abs(value) * float(arg), f"relative {float(arg):.0%} (source gives no error)"
    if kind == "exact":
        return 0.0, "exact count (no sampling error; the band is the model's Monte Carlo error)"
    raise ValueError(f"unknown sampling-error basis {rule!r}")


def _share_targets(facts: list) -> list[Target]:
    """Each region's share among the regions the source lists for that year."""
    total = sum(f.value for f in facts)
    peers = tuple(f.key.split(".", 1)[1] for f in facts)
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


def build(record: Iterable = RECORD) -> list[Target]:
    """Every comparable target of the record, in its order."""
    record = list(record)
    grouped: dict[tuple[str, int], list] = defaultdict(list)
    for f in record:
        grouped[(f.key.split(".")[0], f.year)].append(f)
    out, done = [], set()
    for f in record:
        quantity, region = f.key.split(".", 1)
        if quantity in SHARE_AMONG_LISTED:
            if (quantity, f.year) not in done:
                done.add((quantity, f.year))
                out.extend(_share_targets(grouped[(quantity, f.year)]))
            continue
        se, basis = _standard_error(f.value, f.sampling_error, f.unit)
        stated = f"{f.value:g} {f.unit}"
        out.append(
            Target(
                f"{f.key}.{f.year}",
                quantity,
                region,
                f.year,
                float(f.value),
                stated,
                f.label,
                f.unit,
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


def in_sample(record: Iterable = RECORD) -> list[Target]:
    """The targets the fit may see: facts of 2024 and earlier."""
    return [t for t in build(record) if t.split == IN_SAMPLE]


def held_out(record: Iterable = RECORD) -> list[Target]:
    """The targets the fit never sees: facts of 2025-2026."""
    return [t for t in build(record) if t.split == HELD_OUT]


__all__ = ["HELD_OUT", "IN_SAMPLE", "NOT_COMPARED", "RECORD", "Target", "Z", "build", "held_out"]

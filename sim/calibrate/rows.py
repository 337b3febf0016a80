"""The rows of the calibration report: one :class:`Fact` per stylised fact, comparable (with
a target and a tolerance from ``sources.py``) or not (with the reason)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.calibrate.sources import (
    CHINA_FIRMS,
    FM_2023,
    FM_CHINA_BAND,
    FM_HALF,
    FM_SHARE,
    FM_US_BAND,
    HSMAP_LOW,
    HSMAP_TOP10,
    INCIDENTS,
    INVESTMENT,
    NIDS_2021,
    NIDS_PLAN,
    NOTABLE,
    NOTABLE_HALF,
    NOTABLE_SHARES,
    OPEN_BAND,
    OPEN_SHARE,
    RATIO_BAND,
    SHANGHAI_BAND,
    SHANGHAI_FIRMS,
    TOP100_BAND,
    US_TOP100,
    WHY_BINOMIAL,
    WHY_HSMAP,
    WHY_INCIDENTS,
    WHY_NIDS,
    WHY_NOTABLE,
    WHY_POISSON,
    WHY_RATIO,
    WHY_SHANGHAI,
    WHY_TOP100,
)

YEAR = 4  # quarters in the first simulated year
INSIDE, OUTSIDE, NOT_COMPARABLE = "inside", "OUTSIDE", "not comparable"
COLUMNS = [
    "fact",
    "target",
    "stated",
    "source",
    "model",
    "sd",
    "distance",
    "tolerance",
    "low",
    "high",
    "status",
    "note",
    "tolerance_reason",
    "topic",
]


@dataclass(frozen=True)
class Fact:
    """One row of the report.

    Attributes:
        fact: what is compared.
        stated: the source's figure as it reads.
        source: where the figure comes from.
        topic: the row of MODEL.md section 4 it belongs to (or "extra").
        measure: key of the model's measurement in :func:`first_year`; ``None``: not comparable.
        target: the target as a number on the model's scale.
        low, high: the tolerance band; the status is ``inside`` when low <= model mean <= high.
        tolerance: the band as text.
        why: the reason for the tolerance.
        note: the definitional difference (comparable rows) or why the row is not comparable.
        digits: decimals shown.
    """

    fact: str
    stated: str
    source: str
    topic: str
    measure: str | None = None
    target: float = math.nan
    low: float = math.nan
    high: float = math.nan
    tolerance: str = ""
    why: str = ""
    note: str = ""
    digits: int = 3


def _pm(target: float, half: float, digits: int, lo: float = -math.inf) -> dict[str, Any]:
    """Band fields for a symmetric tolerance target +- half (clipped below at ``lo``)."""
    return {
        "target": target,
        "low": max(lo, target - half),
        "high": target + half,
        "tolerance": f"±{half:.{digits}f}",
    }


def _range(target: float, low: float, high: float, digits: int) -> dict[str, Any]:
    """Band fields for an explicit range."""
    return {
        "target": target,
        "low": low,
        "high": high,
        "tolerance": f"{low:.{digits}f} to {high:.{digits}f}",
    }


def facts(cfg) -> list[Fact]:
    """Every stylised fact of MODEL.md section 4 and the extra ones, for a composed config.

    The config supplies the inputs named in the reasons of the rows that are not comparable.
    """
    return [
        *_foundation_models(cfg),
        *_top100(cfg),
        *_notable(),
        *_investment(cfg),
        *_shanghai(cfg),
        *_pilot_zones_and_cities(cfg),
        *_inputs(cfg),
        *_incidents(),
    ]


def _china_localities(cfg) -> dict[str, Any]:
    """China's localities in the config, by name."""
    return {k: v for k, v in cfg.localities.items() if v.state == "china"}


def _foundation_models(cfg) -> list[Fact]:
    """Foundation models: the US and Chinese shares, releases a year, the open share."""
    n_firms = cfg.firms.n_initial
    return [
        Fact(
            "foundation-model share, US",
            "73% in 2023",
            "Meyers & Springford 2023, cited in 002",
            "share of the world's foundation models, 2023",
            "fm_share_us",
            **_pm(FM_SHARE["us"], FM_US_BAND[2], 3),
            why=WHY_BINOMIAL,
            note="model: share of the world's releases in 2025; source: 2023",
        ),
        Fact(
            "foundation-model share, China",
            "13% in 2023",
            "Meyers & Springford 2023, cited in 002",
            "share of the world's foundation models, 2023",
            "fm_share_china",
            **_pm(FM_SHARE["china"], FM_CHINA_BAND[2], 3),
            why=WHY_BINOMIAL,
            note="model: share of the world's releases in 2025; source: 2023",
        ),
        Fact(
            "foundation models a year",
            "released in 2023",
            "Stanford AI Index 2024",
            "extra",
            "fm_per_year",
            **_pm(FM_2023, FM_HALF, 1),
            why=WHY_POISSON,
            note=f"at firms.n_initial = {n_firms}; world totals grow with the number of firms",
            digits=1,
        ),
        Fact(
            "open share of foundation models",
            "65.7% of 2023's releases",
            "Stanford AI Index 2024",
            "foundation models released 2023 that were open",
            "open_share",
            **_pm(OPEN_SHARE, OPEN_BAND[2], 3),
            why=WHY_BINOMIAL,
        ),
    ]


def _top100(cfg) -> list[Fact]:
    """US firms among the global top 100."""
    st = cfg.states
    n_firms, weights = cfg.firms.n_initial, sum(float(s.firm_weight) for s in st.values())
    return [
        Fact(
            "US firms among the top 100 by capability",
            "of the AI 100, 2022",
            "CB Insights 2022, cited in 002",
            "global top-100 AI firms",
            "us_top100",
            **_range(US_TOP100, TOP100_BAND[0], TOP100_BAND[1], 1),
            why=WHY_TOP100,
            note=(
                "CB Insights lists promising private firms chosen by analysts; the model ranks "
                f"all its {n_firms:,} firms (a scaled sample of {weights:,.0f} funded AI "
                "companies) by capability"
            ),
            digits=1,
        ),
    ]


def _notable() -> list[Fact]:
    """Notable AI models by origin, 2023 and 2024: each pole's share among the three."""
    shares_2023, shares_2024 = NOTABLE_SHARES[2023], NOTABLE_SHARES[2024]
    notable_note = (
        "notable models (Epoch AI's list of influential models) against the model's foundation "
        "models; shares among the three poles"
    )
    pole_label = {
        2023: {"us": "US", "eu": "EU", "china": "China"},
        2024: {"us": "US", "eu": "Europe", "china": "China"},
    }
    return [
        Fact(
            f"notable-model share {year}, {pole_label[year][p]}",
            f"{NOTABLE[year][p]} of {sum(NOTABLE[year].values())}",
            f"Stanford AI Index {year + 1}",
            f"notable AI models by origin, {year}",
            f"share3_{p}",
            **_pm((shares_2023 if year == 2023 else shares_2024)[p], NOTABLE_HALF, 3, lo=0.0),
            why=WHY_NOTABLE,
            note=notable_note
            + ("; the source's 'Europe' includes non-EU states" if year == 2024 else ""),
        )
        for year in (2023, 2024)
        for p in ("us", "eu", "china")
    ]


def _investment(cfg) -> list[Fact]:
    """Private AI investment: the input, and the US/China ratio."""
    st = cfg.states
    return [
        Fact(
            "private AI investment, US and China",
            "USD 67.2 bn and 7.8 bn",
            "Stanford AI Index 2024",
            "private AI investment, 2023",
            note=(
                f"input: states.us.ai_investment = {st.us.ai_investment} and "
                f"states.china.ai_investment = {st.china.ai_investment} in "
                "configs/world/default.yaml"
            ),
        ),
        Fact(
            "US/China ratio of firms' R&D spending",
            "USD 67.2 bn / 7.8 bn private investment, 2023",
            "Stanford AI Index 2024 (range: 2023 and 2025 editions)",
            "private AI investment, 2023",
            "rd_ratio",
            **_range(INVESTMENT[2023][0] / INVESTMENT[2023][1], *RATIO_BAND, 2),
            why=WHY_RATIO,
            note=(
                "private investment (source) against firms' R&D spending (model), which is also "
                "fed by revenue and by public subsidies (firms.subsidy_rate x F x GDP)"
            ),
            digits=2,
        ),
    ]


def _shanghai(cfg) -> list[Fact]:
    """Shanghai's firms, professionals and fund; Hong Kong's start-ups."""
    china_locs = _china_localities(cfg)
    shanghai = cfg.localities.get("shanghai")
    return [
        Fact(
            "Shanghai's share of China's AI firms",
            "1,100+ of about 4,500 firms",
            "003; MIIT 2024 (as cited in configs/world/localities.yaml)",
            "Shanghai",
            "shanghai_share",
            **_range(SHANGHAI_FIRMS / CHINA_FIRMS, *SHANGHAI_BAND, 3),
            why=WHY_SHANGHAI,
            note=(
                "a share, since model firms are a scaled sample, not counts; it starts from the "
                f"firm_share weights of configs/world/localities.yaml (Shanghai "
                f"{shanghai.firm_share if shanghai is not None else 'absent'} of "
                f"{sum(float(v.firm_share) for v in china_locs.values()):g})"
            ),
        ),
        Fact(
            "Shanghai's AI professionals",
            "100,000",
            "003",
            "Shanghai",
            note="the model has no head-counts: talent is an index per state and per firm",
        ),
        Fact(
            "Shanghai's AI fund",
            "1 bn yuan",
            "003",
            "Shanghai",
            note=(
                "input: Shanghai's ai_fund instrument and budget are set in "
                "configs/world/localities.yaml; the model keeps no account per fund"
            ),
        ),
        Fact(
            "Hong Kong Science Park AI start-ups",
            "500+",
            "003",
            "Hong Kong Science Park",
            note=(
                "the model has no Hong Kong locality, and model firms are a scaled sample, "
                "not counts"
            ),
        ),
    ]


def _pilot_zones_and_cities(cfg) -> list[Fact]:
    """China's pilot zones (NIDS) and its top-10 AI cities."""
    nids = sum(bool(v.pilot_zone) for v in _china_localities(cfg).values())
    return [
        Fact(
            "China's pilot zones (NIDS) at the start",
            "18 by Dec 2021",
            "002 (MST)",
            "China's national AI pilot zones (NIDS)",
            note=f"input: the {nids} NIDS are set in configs/world/localities.yaml",
        ),
        Fact(
            "China's pilot zones after year 1",
            "the plan; 18 in 2021-24",
            "002 (MST 2020 guidelines; Ma's late-2024 search)",
            "China's national AI pilot zones (NIDS)",
            "pilot_zones",
            **_range(NIDS_PLAN, NIDS_2021, NIDS_PLAN, 0),
            why=WHY_NIDS,
            note=(
                f"starts at the {nids} zones of the world file; the centre designates at most "
                f"one per yearly review, up to central.pilot_cap = {cfg.central.pilot_cap}"
            ),
            digits=1,
        ),
        Fact(
            "HSMAP top-10 cities among the model's top 10 by capability",
            "all of Beijing ... Suzhou",
            "HSMAP 2024, 002 Table 1",
            "top-10 Chinese AI cities (HSMAP 2024)",
            "hsmap_overlap",
            **_range(len(HSMAP_TOP10), HSMAP_LOW, len(HSMAP_TOP10), 0),
            why=WHY_HSMAP,
            note=(
                "localities' advantage is coded in HSMAP's order (input); their capability after "
                "a year comes from firms' placement, growth and relocation"
            ),
            digits=1,
        ),
    ]


def _inputs(cfg) -> list[Fact]:
    """Export controls, Bletchley, WAICO, the AI Act: inputs, not comparable."""
    st = cfg.states
    bletchley = cfg.accords.get("bletchley")
    signatories = len(bletchley.signatories) if bletchley is not None else 0
    ai_act = sorted(
        str(e.date)
        for e in cfg.events.get("policy_shifts", {}).values()
        if e.state == "eu" and str(e.get("label", "")).startswith("AI Act")
    )
    waico = cfg.get("waico")
    waico_on = waico is not None and bool(waico.enabled)
    return [
        Fact(
            "US export controls on advanced chips to China",
            "Oct 2022, Oct 2023, Mar 2024",
            "002",
            "US export controls on advanced chips to China",
            note=(
                "input: they predate the 2025Q1 start and are coded as "
                f"states.china.compute_access = {st.china.compute_access} in "
                "configs/world/default.yaml"
            ),
        ),
        Fact(
            "Bletchley Declaration signatories",
            "28 countries and the EU",
            "000",
            "Bletchley Declaration signatories",
            note=(
                f"the model aggregates states into blocs, so 28 signatory countries map to "
                f"{signatories} of its {len(st)} states (configs/world/institutions.yaml)"
            ),
        ),
        Fact(
            "WAICO proposed",
            "26 Jul 2025, Shanghai as tentative HQ",
            "000, 003",
            "WAICO proposed",
            note=(
                f"input: a scheduled event (waico.proposed = {waico.proposed if waico else '-'}, "
                f"hq = {waico.hq if waico else '-'}), "
                + ("on in this scenario" if waico_on else "off in this scenario")
            ),
        ),
        Fact(
            "EU AI Act milestones",
            "in force Aug 2024; Feb 2025; Aug 2025; Aug 2026-27",
            "Regulation (EU) 2024/1689",
            "EU AI Act",
            note=(
                "input: scheduled events of the scenario ("
                + (", ".join(ai_act) if ai_act else "none")
                + "); in force Aug 2024 is part of the EU's 2025Q1 stance"
            ),
        ),
    ]


def _incidents() -> list[Fact]:
    """AI incidents a year."""
    return [
        Fact(
            "AI incidents a year",
            "mean of 123 in 2023 and 233 in 2024",
            "AI Incident Database, via the AI Index",
            "extra",
            "incidents",
            **_range(sum(INCIDENTS.values()) / len(INCIDENTS), *sorted(INCIDENTS.values()), 0),
            why=WHY_INCIDENTS,
            note="reported incidents (source) against incidents caused by the model's firms",
            digits=1,
        ),
    ]

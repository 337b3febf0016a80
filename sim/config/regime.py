"""Regime mode parameters (``regime.*``): what binding, hybrid and voluntary regimes do, and how
states move between them (``sim/agents/regime.py``, docs/ODD.md 7.15)."""

from dataclasses import dataclass

from sim.config.base import param

_SPEED = (
    "policy.speed is the pace of legislation (its source: regulation takes years to legislate), "
    "so binding law keeps it; guidelines move about three times as fast: Japan's AI Guidelines "
    "for Business took 11 months from the AI Strategy Council's summary (May 2023) to v1.0 "
    "(19 Apr 2024, METI), the EU AI Act 40 months from proposal (Apr 2021) to force (Aug 2024); "
    "hybrid halfway (stated assumption)"
)


@dataclass
class RegimeParams:
    """Regime mode: compliance, enforcement cap, pace of R; modes move under pressure."""

    acts: bool = param(
        True,
        "the mode changes the stringency firms comply with, caps enforcement and paces R "
        "(false: mode is a label, as before issue 13)",
        "flag",
        source="switch for the ablation of issue 13 item 5",
        role="setting",
    )
    endogenous: bool = param(
        True,
        "states move between modes under accumulated pressure (false: every mode stays as the "
        "world file sets it)",
        "flag",
        source="switch for the ablation of issue 13 item 5",
        role="setting",
    )
    comply_voluntary: float = param(
        0.52,
        "share of a voluntary regime's stated stringency that firms comply with",
        "share",
        0,
        1,
        "Wang, Huang, Klyman & Bommasani 2025 (arXiv 2508.08345): 16 AI companies met on average "
        "52% of their 2023 voluntary commitments to the White House",
        role="uncertainty",
        provenance="sourced",
        plausible=(0.37, 0.67),
        why="assumed: +-0.15 around one study's mean of 16 firms",
    )
    comply_hybrid: float = param(
        0.76,
        "share of a hybrid regime's stated stringency that firms comply with",
        "share",
        0,
        1,
        "stated assumption: halfway between voluntary (0.52) and binding (1)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.68, 0.9),
        why="assumed: above the voluntary range, short of binding, so the modes keep their order",
    )
    enforce_cap_voluntary: float = param(
        0.5,
        "highest enforcement E that acts under a voluntary regime (no sanctions)",
        "index",
        0,
        1,
        "the highest E the world file codes for a voluntary regime (UK, Canada, Singapore, "
        "Australia, Gulf: 0.5), so no initial state is capped",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.35, 0.6),
        why="assumed: 0.15 below (capping today's voluntary states) to 0.1 above",
    )
    enforce_cap_hybrid: float = param(
        0.75,
        "highest enforcement E that acts under a hybrid regime",
        "index",
        0,
        1,
        "stated assumption: halfway between voluntary (0.5) and binding (1)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.65, 0.9),
        why="assumed: between the voluntary range's top and binding's 1, keeping the modes' order",
    )
    # A setting: binding law paces R at policy.speed itself, whose uncertainty policy.speed carries.
    speed_binding: float = param(
        1.0,
        "factor on policy.speed for R under a binding regime",
        "multiplier",
        0,
        5,
        _SPEED,
        role="setting",
    )
    speed_hybrid: float = param(
        2.0,
        "factor on policy.speed for R under a hybrid regime",
        "multiplier",
        0,
        5,
        _SPEED,
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 2.5),
        why="assumed: +-25% around halfway, below the voluntary range",
    )
    speed_voluntary: float = param(
        3.0,
        "factor on policy.speed for R under a voluntary regime",
        "multiplier",
        0,
        5,
        _SPEED,
        role="uncertainty",
        provenance="proxy",
        plausible=(2.5, 4.5),
        why="from the hybrid range's top to above Japan's guidelines against the AI Act (3.6)",
    )
    memory: float = param(
        0.1,
        "share of the accumulated demand for (or against) a law forgotten each quarter",
        "share/quarter",
        0,
        1,
        "stated assumption: a legislative debate fades within a few years without new pressure",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double",
    )
    law_threshold: float = param(
        0.6,
        "accumulated demand (quarters times rise of target R above its settled level) at which "
        "a state moves one step towards binding",
        "index x quarters",
        0,
        100,
        "stated assumption: a rise of target R of 0.05 (the size of the AI Act's GPAI milestone, "
        "configs/world/history.yaml) sustained for about three years of debate",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.3, 1.2),
        why="assumed: half to double",
    )
    repeal_threshold: float = param(
        1.2,
        "accumulated demand for deregulation (quarters times rise of target F above its settled "
        "level) at which a state moves one step towards voluntary",
        "index x quarters",
        0,
        100,
        "stated assumption: twice the law threshold; laws are harder to undo than to pass "
        "(Canada's AIDA and the UK's bill died before passage, none was repealed)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.6, 2.4),
        why="assumed: half to double",
    )

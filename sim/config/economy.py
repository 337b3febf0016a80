"""The growing AI economy (``economy.*``): markets, investment and compute over time."""

from dataclasses import dataclass

from sim.config.base import param


@dataclass
class EconomyParams:
    """The growing economy: world growth rates (a state's own rates override them)."""

    growth: bool = param(
        True,
        "AI markets, private investment and compute per dollar grow over time (false: frozen "
        "at the world file's 2024 values, as before this section existed)",
        "flag",
        source="MODEL.md §9: AI markets and investment grew fast after 2023",
        role="setting",
    )
    per_state: bool = param(
        True,
        "use each state's own growth rates where the world file gives them (false: every "
        "state grows at the world rates, so capability shares stay at rest)",
        "flag",
        source="per-state rates are data where the sources give them (world file)",
        role="setting",
    )
    market_growth: float = param(
        0.25,
        "growth of every AI market without a rate of its own",
        "share/yr",
        -0.5,
        2,
        "AI software and services revenue grew about 20-30% a year in 2020-2024 "
        "(IDC and Gartner AI spending estimates, order of magnitude); assumed, to be swept",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.15, 0.35),
        why="IDC and Gartner's 20-30% a year (2020-2024), widened by 5 points each way",
    )
    investment_growth: float = param(
        0.26,
        "growth of private AI investment without a rate of its own",
        "share/yr",
        -0.5,
        2,
        "world private AI investment rose about thirteenfold 2013-2024 (AI Index 2025): "
        "a compound rate of about 26% a year",
        role="uncertainty",
        provenance="sourced",
        plausible=(0.13, 0.39),
        why="+-50% around the 2013-2024 compound rate: the AI Index's yearly rates swing far wider",
    )
    compute_growth: float = param(
        0.33,
        "growth of the compute a dollar of R&D buys (hardware price-performance)",
        "share/yr",
        0,
        3,
        "GPU price-performance in FLOP/s per dollar doubles about every 2.46 years "
        "(Epoch AI; Hobbhahn and Besiroglu 2022): 33% a year; 40% for ML GPUs",
        role="uncertainty",
        provenance="sourced",
        plausible=(0.26, 0.41),
        why="Epoch AI's doubling times of about 2 to 3 years (all GPUs 2.46, ML GPUs 2.07)",
    )
    stationary_start: bool = param(
        True,
        "infer each initial firm's efficiency so that the 2025Q1 world is on its "
        "balanced-growth path (false: the old start, whose capability decays towards its "
        "own fixed point for about three years)",
        "flag",
        source="docs/ODD.md 5.1: the initial world is the model's own steady state",
        role="setting",
    )

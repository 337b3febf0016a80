"""National policy parameters (``policy.*``)."""

from dataclasses import dataclass

from sim.config.base import param


@dataclass
class PolicyParams:
    """National policy: the states' stance update and chips (`sim/agents/state.py`)."""

    respond: bool = param(
        True,
        "states update their stance from pressures, peers and events (false: every stance "
        "stays at its initial value, e.g. to check that the world is at rest)",
        "flag",
        source="a switch for the at-rest check of MODEL.md §9 and for ablations",
        role="setting",
    )
    events: bool = param(
        True,
        "apply the scenario's scheduled events: export controls, bans, export packages and "
        "policy shifts (false: none fires, e.g. to check that the world is at rest)",
        "flag",
        source="a switch for the at-rest check of MODEL.md §9 and for ablations",
        role="setting",
    )
    tp_basis: str = param(
        "frontier",
        "what technological pressure compares: the states' frontier capability (their best "
        "firms) or the size of their industries (the sum over firms, as before)",
        "name",
        choices=("frontier", "size"),
        source="MODEL.md §9: technological pressure is a gap between frontiers (the best models)",
        role="setting",
    )
    speed: float = param(
        0.15,
        "share of the gap to the target stance closed each quarter",
        "share/quarter",
        0,
        1,
        "regulation takes years to legislate",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.075, 0.3),
        why="assumed: half to double",
    )
    rp_response: float = param(
        0.5,
        "rise of target R per unit of regulatory pressure",
        "per unit",
        0,
        5,
        "Ma 2024: restrictive rules answer the EU's regulatory pressure",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double",
    )
    tp_response: float = param(
        0.3,
        "rise of target F per unit of technological pressure",
        "per unit",
        0,
        5,
        "Ma 2024: facilitative rules answer the US's technological pressure",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    ip_response: float = param(
        0.2,
        "rise of target R per unit of incident pressure",
        "per unit",
        0,
        5,
        source="incidents raise demand for binding rules; smaller than the "
        "Brussels-effect response",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double",
    )
    ip_enforcement: float = param(
        0.2,
        "rise of target E per unit of incident pressure",
        "per unit",
        0,
        5,
        source="incidents are met first by stricter enforcement of existing rules",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double",
    )
    incident_scale: float = param(
        50.0,
        "incidents a year in a market at which its incident pressure reaches 63%",
        "incidents/yr",
        0,
        1e6,
        source="about a quarter of the world's ~200 incidents a year",
        role="uncertainty",
        provenance="proxy",
        plausible=(25.0, 100.0),
        why="assumed: half to double (2023-2025 saw 149-362 incidents a year, AI Index)",
    )
    single_track_damping: float = param(
        0.6,
        "how much a restrictive single-track centre damps facilitation",
        "share",
        0,
        1,
        "Ma 2024: the EU's restrictive framework prevents members' facilitation",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.3, 0.9),
        why="assumed: +-50% (a share)",
    )
    learning_rate: float = param(
        0.05,
        "pull towards successful, trusted, aligned peers each quarter",
        "share/quarter",
        0,
        1,
        source="policy diffusion is slow: a few per cent of the gap a quarter",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.025, 0.1),
        why="assumed: half to double (the fragmentation and convergence scenarios' 0.01 and "
        "0.15 are worlds beyond it)",
    )
    success_scale: float = param(
        0.05,
        "growth lead over the average at which a peer counts as 63% successful",
        "share/yr",
        1e-6,
        10,
        source="five percentage points of yearly capability growth is a "
        "visible lead for policymakers",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.025, 0.1),
        why="assumed: half to double",
    )
    chip_investment_base: float = param(
        0.02,
        "domestic chip investment per unit of AI market",
        "share of AI market",
        0,
        1,
        source="about 2% of the AI market reinvested in domestic chips at F=1",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.01, 0.04),
        why="assumed: half to double",
    )
    chip_investment_gap: float = param(
        3.0,
        "extra chip investment per unit of denied compute access",
        "multiplier",
        0,
        50,
        "export controls motivate import substitution (Huawei Ascend, 002)",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 6.0),
        why="assumed: half to double",
    )
    chip_learning: float = param(
        0.02,
        "chip capability gained per sqrt(USD bn) invested per quarter",
        "share",
        0,
        1,
        source="stated estimate: with its baseline investment China's chips move from 0.45 to "
        "about 0.6 of the frontier by 2030, continuing the Ascend 910C's progress (002)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.01, 0.04),
        why="assumed: half to double",
    )
    chip_substitution: float = param(
        0.8,
        "how well domestic chips replace denied imports",
        "share",
        0,
        1,
        "Ascend 910C said to match the H100, less versatile (002)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.5, 1.0),
        why="from half (less versatile) to full (the Ascend 910C said to match the H100, 002)",
    )
    access_adjust: float = param(
        0.3,
        "share of the gap to the export-control access target closed each quarter",
        "share/quarter",
        0,
        1,
        "stockpiles and grey imports delay controls",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    # -- the restrictive signal (issue 13, item 3; docs/ODD.md 7.2, 7.12.1, 7.13.6) ------------
    r_stickiness: float = param(
        0.5,
        "how much more slowly R falls to a lower target than it rises to a higher one: the "
        "downward speed is policy.speed * (1 - r_stickiness) (0: symmetric; 1: R never falls "
        "towards its target)",
        "share",
        0,
        1,
        source="stated assumption: binding rules are sticky, repeal takes new legislation (the "
        "EU AI Act's 2025 digital omnibus delays obligations, it repeals none); to be swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.75),
        why="assumed: +-50% (a share)",
    )
    signal: bool = param(
        True,
        "R*E signals a commitment to responsible AI: states that value safety (high own R*E) "
        "trust a state more, and weigh its firms more in their markets, as its R*E rises above "
        "its start; a dual-track centre weighs this benefit against its firms' costs in its "
        "target R (false: R*E has costs only, the centre does not weigh it)",
        "flag",
        source="Ma 2024 (002): restrictive elements 'signal Chinese commitment to building "
        "responsible AI'; the central regulators' restrictive role 'helps to build China's "
        "image as a responsible AI power'",
        role="setting",
    )
    signal_trust: float = param(
        1.0,
        "rise of i's settled trust in j per unit of i's own R*E times the rise of j's R*E "
        "since the start",
        "trust per unit R*E^2",
        0,
        10,
        source="stated assumption: a truster at R*E 0.5 trusts a state whose R*E rose by 0.1 "
        "about 0.05 more (a sixth of the 0.3 that separates rivals from allies); to be swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )
    signal_access: float = param(
        1.0,
        "log rise of the weight of h's firms in market m per unit of m's R*E times m's trust "
        "in h times the rise of h's R*E since the start",
        "per unit R*E^2",
        0,
        100,
        source="stated assumption: a fully trusting market at R*E 0.5 weighs the firms of a "
        "state whose R*E rose by 0.1 about 5% more; to be swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )
    signal_response: float = param(
        1.0,
        "rise of a dual-track centre's target R per unit change of the net marginal value of "
        "its R (the access its firms gain in safety-valuing markets minus their compliance and "
        "attractiveness cost, a share of their revenue) since the start",
        "R per share of revenue",
        0,
        20,
        source="stated assumption: the weight of firms' revenue against the political answer "
        "to pressure in the centre's choice; to be swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )

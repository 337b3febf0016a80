"""Schema of one state in the world file (``configs/world/``)."""

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.base import GOVERNANCE, MODES, POLES, param


@dataclass
class Alignment:
    """A state's geopolitical alignment with the three poles (weights, normalised at use)."""

    us: float = param(MISSING, "alignment with the US pole", "weight", 0, 1, "world file")
    eu: float = param(MISSING, "alignment with the EU pole", "weight", 0, 1, "world file")
    china: float = param(MISSING, "alignment with the China pole", "weight", 0, 1, "world file")


@dataclass
class StateConfig:
    """One jurisdiction of the initial world. Values and sources live in ``configs/world/``."""

    label: str = param(MISSING, "display name", "text")
    pole: str = param(
        "none", "pole the state belongs to", "name", choices=(*POLES, "none"), source="MODEL.md §2"
    )
    governance: str = param(
        "single_track",
        "governance structure",
        "name",
        choices=GOVERNANCE,
        source="Ma 2024 (002), assessment of dual-track regulation",
    )
    mode: str = param(
        "voluntary", "regime mode", "name", choices=MODES, source="001 (Asia's spectrum)"
    )
    R: float = param(MISSING, "restrictiveness: binding obligations", "index", 0, 1)
    F: float = param(MISSING, "facilitation: subsidies, sandboxes, compute", "index", 0, 1)
    E: float = param(MISSING, "enforcement: how strictly R is applied", "index", 0, 1)
    gdp: float = param(MISSING, "gross domestic product, 2024", "USD tn", 0, None)
    ai_market: float = param(MISSING, "annual AI market (revenue firms can earn)", "USD bn/yr", 0)
    ai_investment: float = param(MISSING, "annual private AI investment", "USD bn/yr", 0)
    ai_market_growth: float | None = param(
        None,
        "growth of this state's AI market (null: economy.market_growth)",
        "share/yr",
        -0.5,
        2,
        "world file, where the data allow",
    )
    ai_investment_growth: float | None = param(
        None,
        "growth of this state's private AI investment (null: economy.investment_growth)",
        "share/yr",
        -0.5,
        2,
        "world file, where the data allow",
    )
    compute_access: float = param(MISSING, "access to frontier chips", "share", 0, 1)
    chips: float = param(MISSING, "domestic chip capability vs frontier", "share", 0, 1)
    talent: float = param(MISSING, "AI talent pool relative to the US", "index", 0, 2)
    firm_weight: float = param(MISSING, "relative number of AI firms", "count", 0)
    capability_scale: float = param(MISSING, "median firm capability", "capability units", 0)
    open_share: float = param(MISSING, "share of firms releasing open weights", "share", 0, 1)
    alignment: Alignment = field(default_factory=Alignment)
    trust: dict[str, float] = param(
        {}, "trust towards named states (others: alignment similarity)", "share", 0, 1
    )

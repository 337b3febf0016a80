"""Schema of one state in the world file (``configs/world/``)."""

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.base import GOVERNANCE, MODES, POLES, param


@dataclass
class Alignment:
    """A state's geopolitical alignment with the three poles (weights, normalised at use)."""

    us: float = param(
        MISSING,
        "alignment with the US pole",
        "weight",
        0,
        1,
        "world file",
        role="data",
        provenance="assumed",
    )
    eu: float = param(
        MISSING,
        "alignment with the EU pole",
        "weight",
        0,
        1,
        "world file",
        role="data",
        provenance="assumed",
    )
    china: float = param(
        MISSING,
        "alignment with the China pole",
        "weight",
        0,
        1,
        "world file",
        role="data",
        provenance="assumed",
    )


@dataclass
class StateConfig:
    """One jurisdiction of the initial world. Values and sources live in ``configs/world/``."""

    label: str = param(MISSING, "display name", "text", role="setting")
    pole: str = param(
        "none",
        "pole the state belongs to",
        "name",
        choices=(*POLES, "none"),
        source="MODEL.md §2",
        role="data",
        provenance="assumed",
    )
    governance: str = param(
        "single_track",
        "governance structure",
        "name",
        choices=GOVERNANCE,
        source="Ma 2024 (002), assessment of dual-track regulation",
        role="data",
        provenance="sourced",
    )
    mode: str = param(
        "voluntary",
        "regime mode",
        "name",
        choices=MODES,
        source="001 (Asia's spectrum)",
        role="data",
        provenance="sourced",
    )
    R: float = param(
        MISSING,
        "restrictiveness: binding obligations",
        "index",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    F: float = param(
        MISSING,
        "facilitation: subsidies, sandboxes, compute",
        "index",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    E: float = param(
        MISSING,
        "enforcement: how strictly R is applied",
        "index",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    gdp: float = param(
        MISSING,
        "gross domestic product, 2024",
        "USD tn",
        0,
        1000,
        role="data",
        provenance="sourced",
    )
    ai_market: float = param(
        MISSING,
        "annual AI market (revenue firms can earn)",
        "USD bn/yr",
        0,
        1e5,
        role="data",
        provenance="proxy",
    )
    ai_investment: float = param(
        MISSING,
        "annual private AI investment",
        "USD bn/yr",
        0,
        1e5,
        role="data",
        provenance="sourced",
    )
    ai_market_growth: float | None = param(
        None,
        "growth of this state's AI market (null: economy.market_growth)",
        "share/yr",
        -0.5,
        2,
        "world file, where the data allow",
        role="data",
        provenance="proxy",
    )
    ai_investment_growth: float | None = param(
        None,
        "growth of this state's private AI investment (null: economy.investment_growth)",
        "share/yr",
        -0.5,
        2,
        "world file, where the data allow",
        role="data",
        provenance="proxy",
    )
    compute_access: float = param(
        MISSING, "access to frontier chips", "share", 0, 1, role="data", provenance="proxy"
    )
    chips: float = param(
        MISSING,
        "domestic chip capability vs frontier",
        "share",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    talent: float = param(
        MISSING, "AI talent pool relative to the US", "index", 0, 2, role="data", provenance="proxy"
    )
    firm_weight: float = param(
        MISSING, "relative number of AI firms", "count", 0, 1e6, role="data", provenance="proxy"
    )
    capability_scale: float = param(
        MISSING,
        "median firm capability",
        "capability units",
        0,
        1000,
        role="data",
        provenance="proxy",
    )
    open_share: float = param(
        MISSING,
        "share of firms releasing open weights",
        "share",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    alignment: Alignment = field(default_factory=Alignment)
    trust: dict[str, float] = param(
        {},
        "trust towards named states (others: alignment similarity)",
        "share",
        0,
        1,
        role="data",
        provenance="assumed",
    )

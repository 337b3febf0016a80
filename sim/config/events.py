"""Schemas of the geopolitical events a scenario schedules (``events.*``)."""

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.base import param


@dataclass
class ExportControl:
    """A dated change to the compute access that ``issuer`` allows ``target``."""

    date: str = param(
        MISSING, "quarter it takes effect", "YYYYQn", role="data", provenance="sourced"
    )
    target: str = param(
        MISSING, "state whose access changes", "state name", role="data", provenance="sourced"
    )
    severity: float = param(
        MISSING,
        "share of remaining access removed (>0) or restored (<0)",
        "share",
        -1,
        1,
        role="lever",
        provenance="proxy",
    )
    issuer: str = param(
        "us", "state imposing the control", "state name", role="data", provenance="sourced"
    )
    label: str = param("", "description", "text", role="setting")


@dataclass
class MarketBan:
    """A dated closure of part of ``issuer``'s market to ``target``'s firms."""

    date: str = param(
        MISSING, "quarter it takes effect", "YYYYQn", role="data", provenance="sourced"
    )
    issuer: str = param(
        MISSING, "state closing its market", "state name", role="data", provenance="sourced"
    )
    target: str = param(
        MISSING, "state whose firms are shut out", "state name", role="data", provenance="sourced"
    )
    share: float = param(
        MISSING,
        "share of the market closed (1 = full ban)",
        "share",
        0,
        1,
        role="lever",
        provenance="assumed",
    )
    label: str = param("", "description", "text", role="setting")


@dataclass
class ExportPackage:
    """The US package of cloud, chips and AI tools offered to partners (001)."""

    date: str = param(MISSING, "quarter it is offered", "YYYYQn", role="data", provenance="sourced")
    partners: list[str] = param(
        [], "states offered the package", "state names", role="data", provenance="sourced"
    )
    issuer: str = param(
        "us", "state offering the package", "state name", role="data", provenance="sourced"
    )
    alignment_shift: float = param(
        0.3,
        "share of the gap to full issuer alignment closed",
        "share",
        0,
        1,
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    R_shift: float = param(
        0.15,
        "fall in target R at full alignment",
        "index",
        0,
        1,
        role="uncertainty",
        provenance="assumed",
        plausible=(0.075, 0.3),
        why="assumed: half to double",
    )
    F_shift: float = param(
        0.10,
        "rise in target F at full alignment",
        "index",
        0,
        1,
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double",
    )
    access_boost: float = param(
        0.1,
        "rise in compute access at full alignment",
        "share",
        0,
        1,
        role="lever",
        provenance="assumed",
    )
    label: str = param("", "description", "text", role="setting")


@dataclass
class PolicyShift:
    """A dated change of a state's anchor stance (laws, executive orders, AI Act milestones)."""

    date: str = param(
        MISSING, "quarter it takes effect", "YYYYQn", role="data", provenance="sourced"
    )
    state: str = param(
        MISSING, "state whose anchor stance shifts", "state name", role="data", provenance="sourced"
    )
    dR: float = param(0.0, "change of anchor R", "index", -1, 1, role="lever", provenance="proxy")
    dF: float = param(0.0, "change of anchor F", "index", -1, 1, role="lever", provenance="proxy")
    dE: float = param(0.0, "change of anchor E", "index", -1, 1, role="lever", provenance="proxy")
    label: str = param("", "description", "text", role="setting")


@dataclass
class EventsConfig:
    """Geopolitical events scheduled by the scenario (MODEL.md §3, step 1)."""

    # Keyed by event name so that scenarios compose by merging (lists would replace each other).
    export_controls: dict[str, ExportControl] = field(default_factory=dict)
    bans: dict[str, MarketBan] = field(default_factory=dict)
    export_packages: dict[str, ExportPackage] = field(default_factory=dict)
    policy_shifts: dict[str, PolicyShift] = field(default_factory=dict)

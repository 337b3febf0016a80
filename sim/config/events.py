"""Schemas of the geopolitical events a scenario schedules (``events.*``)."""

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.base import param


@dataclass
class ExportControl:
    """A dated change to the compute access that ``issuer`` allows ``target``."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    target: str = param(MISSING, "state whose access changes", "state name")
    severity: float = param(
        MISSING, "share of remaining access removed (>0) or restored (<0)", "share", -1, 1
    )
    issuer: str = param("us", "state imposing the control", "state name")
    label: str = param("", "description", "text")


@dataclass
class MarketBan:
    """A dated closure of part of ``issuer``'s market to ``target``'s firms."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    issuer: str = param(MISSING, "state closing its market", "state name")
    target: str = param(MISSING, "state whose firms are shut out", "state name")
    share: float = param(MISSING, "share of the market closed (1 = full ban)", "share", 0, 1)
    label: str = param("", "description", "text")


@dataclass
class ExportPackage:
    """The US package of cloud, chips and AI tools offered to partners (001)."""

    date: str = param(MISSING, "quarter it is offered", "YYYYQn")
    partners: list[str] = param([], "states offered the package", "state names")
    issuer: str = param("us", "state offering the package", "state name")
    alignment_shift: float = param(
        0.3, "share of the gap to full issuer alignment closed", "share", 0, 1
    )
    R_shift: float = param(0.15, "fall in target R at full alignment", "index", 0, 1)
    F_shift: float = param(0.10, "rise in target F at full alignment", "index", 0, 1)
    access_boost: float = param(0.1, "rise in compute access at full alignment", "share", 0, 1)
    label: str = param("", "description", "text")


@dataclass
class PolicyShift:
    """A dated change of a state's anchor stance (laws, executive orders, AI Act milestones)."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    state: str = param(MISSING, "state whose anchor stance shifts", "state name")
    dR: float = param(0.0, "change of anchor R", "index", -1, 1)
    dF: float = param(0.0, "change of anchor F", "index", -1, 1)
    dE: float = param(0.0, "change of anchor E", "index", -1, 1)
    label: str = param("", "description", "text")


@dataclass
class EventsConfig:
    """Geopolitical events scheduled by the scenario (MODEL.md §3, step 1)."""

    # Keyed by event name so that scenarios compose by merging (lists would replace each other).
    export_controls: dict[str, ExportControl] = field(default_factory=dict)
    bans: dict[str, MarketBan] = field(default_factory=dict)
    export_packages: dict[str, ExportPackage] = field(default_factory=dict)
    policy_shifts: dict[str, PolicyShift] = field(default_factory=dict)

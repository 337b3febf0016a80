"""Typed configuration schemas (Hydra structured configs), one module per concept.

Every parameter is declared with :func:`param`, which records its default, allowed range, unit,
meaning and source. OmegaConf enforces names and types from these dataclasses;
:mod:`sim.tools.validate` enforces the ranges and cross-references; ``docs/parameters.md`` is
generated from the same metadata so that the reference cannot drift from the code.
"""

import dataclasses
import typing
from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore

from sim.config.base import GOVERNANCE, MAIN_STATES, MODES, POLES, has_default, param
from sim.config.economy import EconomyParams
from sim.config.events import (
    EventsConfig,
    ExportControl,
    ExportPackage,
    MarketBan,
    PolicyShift,
)
from sim.config.experiment import TABLES, ExperimentConfig, register_resolvers
from sim.config.firms import FirmParams
from sim.config.institutions import AccordConfig, TrustParams, WaicoConfig
from sim.config.local import (
    CentralParams,
    InstrumentSpec,
    LocalityConfig,
    LocalParams,
)
from sim.config.officials import OfficialsParams
from sim.config.policy import PolicyParams
from sim.config.regime import RegimeParams
from sim.config.world import Alignment, StateConfig

__all__ = [
    "GOVERNANCE",
    "MAIN_STATES",
    "MODES",
    "POLES",
    "TABLES",
    "AccordConfig",
    "Alignment",
    "CentralParams",
    "EconomyParams",
    "EventsConfig",
    "ExperimentConfig",
    "ExportControl",
    "ExportPackage",
    "FirmParams",
    "InstrumentSpec",
    "LocalParams",
    "LocalityConfig",
    "MarketBan",
    "OfficialsParams",
    "OutputConfig",
    "PolicyParams",
    "PolicyShift",
    "RegimeParams",
    "SimConfig",
    "StateConfig",
    "TrustParams",
    "WaicoConfig",
    "has_default",
    "mapping_schema",
    "param",
    "register_configs",
    "schema_tree",
]


@dataclass
class OutputConfig:
    """What ``python -m sim`` writes besides the tables."""

    figure: bool = param(True, "draw overview.png", "flag", role="setting")
    quiet: bool = param(False, "skip the printed summary table", "flag", role="setting")
    highlight: list[str] = param(
        [],
        "states drawn in the overview's R and F panels and printed in the summary, besides "
        "the main ones (e.g. a state you added)",
        "state names",
        role="setting",
    )


@dataclass
class SimConfig:
    """The whole run: world, behaviour, events, horizon and seed."""

    seed: int | None = param(
        42,
        "master seed (null: fresh entropy, logged in summary.json)",
        "integer",
        0,
        source="fixed default so that a bare run is reproducible",
        role="setting",
    )
    steps: int = param(
        40, "quarters to simulate", "quarters", 1, 4000, "MODEL.md §3", role="setting"
    )
    start: str = param(
        "2025Q1", "first simulated quarter", "YYYYQn", source="MODEL.md §3", role="setting"
    )
    states: dict[str, StateConfig] = field(default_factory=dict)
    economy: EconomyParams = field(default_factory=EconomyParams)
    firms: FirmParams = field(default_factory=FirmParams)
    policy: PolicyParams = field(default_factory=PolicyParams)
    localities: dict[str, LocalityConfig] = field(default_factory=dict)
    instruments: dict[str, InstrumentSpec] = field(default_factory=dict)
    local: LocalParams = field(default_factory=LocalParams)
    central: CentralParams = field(default_factory=CentralParams)
    officials: OfficialsParams = field(default_factory=OfficialsParams)
    events: EventsConfig = field(default_factory=EventsConfig)
    waico: WaicoConfig = field(default_factory=WaicoConfig)
    accords: dict[str, AccordConfig] = field(default_factory=dict)
    trust: TrustParams = field(default_factory=TrustParams)
    regime: RegimeParams = field(default_factory=RegimeParams)
    output: OutputConfig = field(default_factory=OutputConfig)
    experiment: ExperimentConfig = field(default_factory=ExperimentConfig)


def mapping_schema(f: dataclasses.Field) -> type | None:
    """The value schema of a ``dict[str, Schema]`` field (e.g. ``states``), else None."""
    if typing.get_origin(f.type) is dict:
        value = typing.get_args(f.type)[1]
        return value if dataclasses.is_dataclass(value) else None
    return None


def schema_tree(schema: type | None = None, prefix: str = "") -> list[tuple[str, type]]:
    """Every schema reachable from ``schema`` (default: the whole run) with its key prefix,
    e.g. ``("states.<name>.", StateConfig)``; the docs and their tests walk this list."""
    schema = SimConfig if schema is None else schema
    out = [(prefix, schema)]
    for f in dataclasses.fields(schema):
        child = f.type if dataclasses.is_dataclass(f.type) else mapping_schema(f)
        if child is not None:
            sub = f"{prefix}{f.name}." if child is f.type else f"{prefix}{f.name}.<name>."
            out += schema_tree(child, sub)
    return out


def register_configs() -> None:
    """Register the schema so that ``configs/config.yaml`` can extend it."""
    ConfigStore.instance().store(name="sim_schema", node=SimConfig)


register_resolvers()

"""Build a validated run config from a scenario name and overrides, exactly as Hydra does.

Python callers (``RegulatoryCompetition(scenario=..., **overrides)``, ``mesa.batch_run``) and the
``python -m sim`` app compose the same ``configs/`` tree with Hydra's compose API, so a scenario
means the same thing on every path. Errors from Hydra, OmegaConf and YAML become one
:class:`~sim.validate.ConfigError` line.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim import config
from sim.config import register_configs
from sim.validate import ConfigError, unknown_key, unknown_state, validate

CONFIG_DIR = Path(
    os.environ.get("SIM_CONFIG_DIR", Path(__file__).resolve().parent.parent / "configs")
)
register_configs()


def available(group: str) -> list[str]:
    """Names of the configs in a group folder (e.g. the scenarios)."""
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None or (
        exc.__context__ is not None and not exc.__suppress_context__
    ):
        exc = exc.__cause__ or exc.__context__
    return exc


def explain(exc: BaseException, states: Iterable[str] = ()) -> str:
    """One line saying what is wrong with a composed config and what is allowed.

    ``states`` are the known state names, listed when an override names an unknown state.
    """
    root = _root_cause(exc)
    msg = str(exc)
    group = re.search(r"Could not find '([\w/]+)/([^']+)'", msg)
    if group:
        name, value = group.groups()
        return f"{name}: unknown {name} '{value}'; available: {', '.join(available(name))}"
    if type(root).__module__.startswith("yaml"):
        where = getattr(root, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        bad = re.search(r"([\w./-]+\.yaml)", msg + str(root))
        return f"malformed YAML in {bad.group(1) if bad else 'a config file'}{line}: " + (
            getattr(root, "problem", None) or str(root).splitlines()[0]
        )
    if isinstance(root, OmegaConfBaseException):
        key = getattr(root, "full_key", None) or ""
        text = str(root).splitlines()[0]
        unknown = re.match(r"Key '(\w+)' is not in struct", text)
        if unknown and key == f"states.{unknown.group(1)}":
            return unknown_state(key, unknown.group(1), states)
        found = re.match(r"Key '(\w+)' not in '(\w+)'", text)
        if found and hasattr(config, found.group(2)):
            return unknown_key(key, found.group(1), getattr(config, found.group(2)))
        conv = re.match(r"Value '(.*?)' (?:of type '\w+' )?could not be converted to (\w+)", text)
        if conv:
            return f"{key}: '{conv.group(1)}' is not a valid {conv.group(2).lower()}"
        return f"{key}: {text}" if key else text
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    return first.replace("To append to your config use +", "").strip()


def _as_override_list(overrides: Iterable[str] | Mapping[str, Any] | None) -> tuple[list, dict]:
    if overrides is None:
        return [], {}
    if isinstance(overrides, Mapping):
        return [], dict(overrides)
    return list(overrides), {}


@functools.lru_cache(maxsize=64)
def _compose_cached(scenario: str, cli: tuple[str, ...]) -> DictConfig:
    args = [f"scenario={scenario}", *cli]
    if GlobalHydra.instance().is_initialized():
        return compose(config_name="config", overrides=args)
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name="sim"):
        return compose(config_name="config", overrides=args)


def compose_config(
    scenario: str = "baseline",
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
) -> DictConfig:
    """Compose ``configs/config.yaml`` with a scenario and overrides, then validate.

    Args:
        scenario: a name from ``configs/scenario/``.
        overrides: Hydra override strings (``["steps=8", "states.china.E=0.3"]``) or a mapping of
            dotted keys to Python values (``{"states.china.E": 0.3}``).

    Returns:
        A read-only, validated config.

    Raises:
        ConfigError: with a one-line explanation of what to fix.
    """
    cli, values = _as_override_list(overrides)
    try:
        cfg = copy.deepcopy(_compose_cached(str(scenario), tuple(cli)))
        OmegaConf.set_readonly(cfg, False)
        if values:
            cfg = _apply(cfg, values)
    except ConfigError:
        raise
    except (HydraException, OmegaConfBaseException, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(explain(exc, _state_names(str(scenario), cli))) from exc
    validate(cfg)
    OmegaConf.set_readonly(cfg, True)
    return cfg


def _state_names(scenario: str, cli: list[str]) -> list[str]:
    """The states of a scenario (and world override), for error messages; [] if it won't compose."""
    world = tuple(a for a in cli if a.lstrip("+").startswith("world="))
    try:
        return list(_compose_cached(scenario, world).states)
    except (HydraException, OmegaConfBaseException, ValueError, yaml.YAMLError):
        return []


def _open_containers(node: DictConfig) -> None:
    """Let dict-typed containers (states, events, trust) take new keys; structured nodes such as
    a StateConfig keep rejecting unknown ones."""
    for key in node:
        child = node._get_node(key)
        if not isinstance(child, DictConfig):
            continue
        OmegaConf.set_struct(child, OmegaConf.get_type(child) is not dict)
        _open_containers(child)


def _nest(key: str, value: Any) -> dict:
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


def _apply(cfg: DictConfig, values: dict[str, Any]) -> DictConfig:
    """Merge dotted-key overrides; new entries are built from their schema and checked."""
    _open_containers(cfg)
    for key, value in values.items():
        cfg = OmegaConf.merge(cfg, _nest(key, value))
    return cfg

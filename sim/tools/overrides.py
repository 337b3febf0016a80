"""Overrides of a composition: reading them as Hydra does, one line for one it cannot read, the
plain ``key=value`` ones applied after composing, and Python values merged into a config."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf

from sim import config
from sim.tools.validate import suggest


def override_message(override: str, exc: HydraException) -> str:
    """One line for an override Hydra cannot parse (its lexer's own words are cryptic)."""
    key, eq, value = override.partition("=")
    key = key.lstrip("+~")
    bad = next((c for c in key if not (c.isascii() and (c.isalnum() or c in "_./@-"))), None)
    if bad:
        top = key.split(".")[0]
        hint = suggest(top, [f.name for f in dataclasses.fields(config.SimConfig)]).strip()
        return f"{key}: '{bad}' cannot be part of a key (ASCII letters, digits, _ and .)" + (
            f"; {hint}" if hint else ""
        )
    if not eq:
        return f"{override}: not an override; write key=value (e.g. steps=80)"
    if any(not c.isascii() or c.isspace() for c in value):
        return f"{key}: quote a value with spaces or non-ASCII letters: \"{key}='{value}'\""
    return f"{key}: cannot read '{value}' ({str(exc).splitlines()[0]})"


def unparsable(cli: Iterable[str]) -> str | None:
    """The message for the first override Hydra cannot parse, if any."""
    parser = OverridesParser.create()
    for override in cli:
        try:
            parser.parse_override(override)
        except HydraException as exc:
            return override_message(override, exc)
    return None


def split_values(cli: list[str], search: list[Path]) -> tuple[tuple[str, ...], list[Override]]:
    """The overrides that Hydra's composition needs (group choices, additions, Hydra's own),
    and the plain ``key=value`` ones, which Hydra applies to the composed config: a scenario
    composed once takes any values (``steps=abc`` too) for the cost of a copy."""
    try:
        parsed = OverridesParser.create().parse_overrides(cli)
    except HydraException:  # explained by composing them (compose_config's messages)
        return tuple(cli), []
    plain = [o for o in parsed if is_plain_value(o, search)]
    return tuple(o.input_line for o in parsed if not any(o is v for v in plain)), plain


def is_plain_value(override: Override, search: Iterable[Path]) -> bool:
    """A plain ``key=value`` of the config, not a config group's choice nor an addition
    (``search``: the config folders, where a group is a folder)."""
    folder = override.key_or_group.replace(".", "/")
    return (
        override.type == OverrideType.CHANGE
        and override.package is None
        and not override.is_hydra_override()
        and not override.is_sweep_override()
        and not any((Path(d) / folder).is_dir() for d in search)
    )


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


def apply_values(cfg: DictConfig, values: dict[str, Any]) -> DictConfig:
    """Merge dotted-key overrides; new entries are built from their schema and checked."""
    _open_containers(cfg)
    # In place and in one pass: OmegaConf.merge would deep-copy the whole config once per key
    # (0.1 s each), and ``cfg`` is already the caller's own copy.
    cfg.merge_with(*(_nest(key, value) for key, value in values.items()))
    return cfg

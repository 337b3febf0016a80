"""Checks of users' YAML that Hydra and OmegaConf let through or explain poorly.

A scenario file that is empty, holds a list or lacks its ``# @package _global_`` line would only
give "unknown key 'scenario'" without naming the file; a quoted number (``R: "0.5"``) would be
converted silently although it is text. Used by :mod:`sim.tools.compose`.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any

import yaml
from hydra.plugins.config_source import ConfigSource
from omegaconf._utils import get_yaml_loader
from omegaconf.errors import ValidationError
from omegaconf.nodes import FloatNode, IntegerNode

from sim.tools.validate import ConfigError


def shown(path: Path) -> str:
    """A path relative to the working directory when inside it, as a user would type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _scenario_problem(raw: Any, text: str) -> str | None:
    """What makes a scenario file unusable (Hydra would only say that the file's keys land under
    an unknown key 'scenario'), or None. ``raw`` is the file's YAML, ``text`` the file."""
    if raw is None:
        return "the file is empty; a scenario gives a defaults list (- baseline) and its values"
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"a {type(raw).__name__}"
        return f"the top level is {kind}; a scenario is a mapping of keys (key: value)"
    if ConfigSource._get_header_dict(text).get("package") != "_global_":
        return "the first line must be '# @package _global_' (else its keys land under 'scenario')"
    return None


@functools.lru_cache(maxsize=64)
def check_scenario_files(scenario: str, search: tuple[Path, ...], fingerprint: int) -> None:
    """Check a scenario's file and the scenario files its defaults list names, found in the
    config folders ``search`` (Hydra's order); ``fingerprint`` changes when a file does."""
    seen, todo = set(), [scenario]
    while todo:
        name = todo.pop()
        files = (d / "scenario" / f"{name}.yaml" for d in search)
        path = next((f for f in files if f.is_file()), None)
        if name in seen or path is None:
            continue  # Hydra reports an unknown scenario with the list of scenarios
        seen.add(name)
        text = path.read_text(encoding="utf-8")
        try:
            raw = yaml.load(text, Loader=get_yaml_loader())
        except yaml.YAMLError:
            continue  # Hydra reports malformed YAML with its line
        problem = _scenario_problem(raw, text)
        if problem:
            raise ConfigError(f"{shown(path)}: {problem}")
        defaults = raw.get("defaults")
        names = defaults if isinstance(defaults, list) else []
        todo += [d for d in names if isinstance(d, str) and d != "_self_" and "/" not in d]


# A quoted number ("0.5") is text, yet OmegaConf silently converts it for a float or int field;
# while composing, such a value is refused as the wrong type (the README promises this).
_QUOTED = "'$VALUE' is quoted, so it is text, not a number; write it without quotes"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _strict(convert):
    def check(node, value):
        if isinstance(value, str) and _is_number(value):
            raise ValidationError(_QUOTED)
        return convert(node, value)

    return check


@contextlib.contextmanager
def numbers_unquoted():
    """Within: a quoted number for a float or int field raises a ValidationError."""
    saved = {cls: cls.__dict__["_validate_and_convert_impl"] for cls in (FloatNode, IntegerNode)}
    for cls, convert in saved.items():
        cls._validate_and_convert_impl = _strict(convert)
    try:
        yield
    finally:
        for cls, convert in saved.items():
            cls._validate_and_convert_impl = convert

"""Build a validated run config from a scenario name and overrides, exactly as Hydra does.

Python callers (``RegulatoryCompetition(scenario=..., **overrides)``, ``mesa.batch_run``) and the
``python -m sim`` app compose the same ``configs/`` tree with Hydra's compose API, so a scenario
means the same thing on every path. Errors from Hydra, OmegaConf and YAML become one
:class:`~sim.tools.validate.ConfigError` line.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, OverrideParseException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim import config
from sim.config import register_configs
from sim.tools import config_files
from sim.tools.overrides import apply_values, split_values, unparsable
from sim.tools.validate import ConfigError, suggest, unknown_key, unknown_state, validate
from sim.tools.yamlcheck import check_scenario_files, numbers_unquoted, shown

CONFIG_DIR = Path(os.environ.get("SIM_CONFIG_DIR", Path(__file__).resolve().parents[2] / "configs"))
register_configs()
config_files.install()  # each config file's YAML parsed once per version
# A file to which each Hydra composition of the process appends a line (its overrides): the
# tests count compositions with it, also in a `python -m sim` subprocess.
COMPOSE_LOG = "SIM_COMPOSE_LOG"


def _log_compositions(path: str) -> None:
    compose_from_files = ConfigLoaderImpl.load_configuration

    def load_configuration(self, config_name, overrides, *args, **kwargs):
        with open(path, "a", encoding="utf-8") as log:
            log.write(" ".join(overrides) + "\n")
        return compose_from_files(self, config_name, overrides, *args, **kwargs)

    ConfigLoaderImpl.load_configuration = load_configuration


if os.environ.get(COMPOSE_LOG):
    _log_compositions(os.environ[COMPOSE_LOG])


def available(group: str, dirs: Iterable[Path] = ()) -> list[str]:
    """Names of the configs in a group folder (e.g. the scenarios), also in users' folders."""
    return sorted({p.stem for d in (CONFIG_DIR, *dirs) for p in (Path(d) / group).glob("*.yaml")})


def module_groups() -> list[str]:
    """The scenario modules: groups that each add one independent idea (``export_controls``,
    ``waico``...), read from the ``null`` entries of ``configs/config.yaml``'s defaults list."""
    return list(_module_groups((CONFIG_DIR / "config.yaml").stat().st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _module_groups(mtime: int) -> tuple[str, ...]:
    defaults = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())["defaults"]
    before = defaults[: defaults.index({"scenario": "baseline"})]  # experiment: null comes later
    return tuple(k for d in before if isinstance(d, dict) for k, v in d.items() if v is None)


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None or (
        exc.__context__ is not None and not exc.__suppress_context__
    ):
        exc = exc.__cause__ or exc.__context__
    return exc


def unknown_option(group: str, value: str, dirs: Iterable[Path] = ()) -> str:
    """The one-line message for a scenario or module option that no file provides."""
    names = ", ".join(available(group, dirs))
    if not value:
        return f"{group}: no {group} given; available: {names}"
    hint = suggest(value, available(group, dirs))
    return f"{group}: unknown {group} '{value}'; {hint}available: {names}"


def unknown_top_key(leaf: str) -> str:
    """The one-line message for an unknown top-level key: the closest parameter section, module
    or group (``export_control`` -> ``export_controls``), else all of them."""
    fields = [f.name for f in dataclasses.fields(config.SimConfig)]
    groups = ["scenario", "world", *module_groups()]
    if leaf in groups:  # a group's file read without its package line
        return (
            f"{leaf}: unknown key '{leaf}'; a {leaf} file lacks '# @package _global_' as its "
            "first line, so its keys land under this key"
        )
    hint = suggest(leaf, [*fields, *groups])
    return f"{leaf}: unknown key '{leaf}'; " + (
        hint.strip() or f"allowed: {', '.join(fields)}; or a choice: {'=, '.join(groups)}="
    )


def explain(exc: BaseException, states: Iterable[str] = (), dirs: Iterable[Path] = ()) -> str:
    """One line saying what is wrong with a composed config and what is allowed.

    ``states`` are the known state names, listed when an override names an unknown state;
    ``dirs`` are users' config folders, whose scenarios are listed too.
    """
    root = _root_cause(exc)
    msg = str(exc)
    group = re.search(r"Could not (?:find|load) '(\w+)/([^']*)'", msg)
    if group:
        line = unknown_option(*group.groups(), dirs)
        parent = re.match(r"In '([\w/]+)':", msg)  # a defaults list of a file, not the command
        path = _config_file(parent.group(1), dirs) if parent else None
        return f"{shown(path)}: {line}" if path and parent.group(1) != "config" else line
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
        if found and found.group(2) == "SimConfig":
            return unknown_top_key(found.group(1))
        if found and hasattr(config, found.group(2)):
            return unknown_key(key, found.group(1), getattr(config, found.group(2)))
        conv = re.match(r"Value '(.*?)' (?:of type '\w+' )?could not be converted to (\w+)", text)
        if conv:
            return f"{key}: '{conv.group(1)}' is not a valid {conv.group(2).lower()}"
        return f"{key}: {text}" if key else text
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    return first.replace("To append to your config use +", "").strip()


def _as_override_list(overrides: Iterable[str] | Mapping[str, Any] | None) -> tuple[list, dict]:
    """Split overrides into Hydra strings and dotted values; in a mapping, a module group given
    an option name or a list of them (``{"export_controls": "tight"}``) selects that option."""
    if overrides is None:
        return [], {}
    if not isinstance(overrides, Mapping):
        return list(overrides), {}
    cli, values, groups = [], {}, module_groups()
    for key, value in overrides.items():
        if key in groups and isinstance(value, str):
            cli.append(f"{key}={value}")
        elif key in groups and isinstance(value, list | tuple):
            cli.append(f"{key}=[{','.join(value)}]")
        else:
            values[key] = value
    return cli, values


def user_dirs(config_dirs: Iterable[str | Path]) -> list[Path]:
    """Users' own config folders, resolved and checked: each must exist, and none may hold a file
    that the package's file of the same name would silently win over (Hydra searches the
    package's ``configs/`` first, as with ``--config-dir``)."""
    dirs = [Path(d).resolve() for d in config_dirs]
    for d in dirs:
        if not d.is_dir():
            raise ConfigError(f"--config-dir: folder '{d}' not found")
        for path in sorted(d.glob("*/*.yaml")):
            twin = CONFIG_DIR / path.parent.name / path.name
            if twin.exists():
                raise ConfigError(
                    f"{path}: the package's {twin.relative_to(CONFIG_DIR.parent)} has the same "
                    f"name and would be used instead; rename your file (e.g. my_{path.name})"
                )
    return dirs


def searchpath_override(dirs: Iterable[Path]) -> str:
    """The override that adds users' folders after the package's configs/, as --config-dir."""
    return f"hydra.searchpath=[{','.join(f'file://{d}' for d in dirs)}]"


def _config_file(name: str, dirs: Iterable[Path] = ()) -> Path | None:
    """The file of config ``group/option`` that Hydra uses: the first folder that has it."""
    files = (Path(d) / f"{name}.yaml" for d in (CONFIG_DIR, *dirs))
    return next((f for f in files if f.is_file()), None)


def fingerprint(dirs: Iterable[Path]) -> int:
    """The newest modification time of the YAML files in ``dirs`` (a cache key's part)."""
    # Edited YAML (a notebook user changing their scenario) must not hit a stale cache entry.
    return max((p.stat().st_mtime_ns for d in dirs for p in d.rglob("*.yaml")), default=0)


def _in_hydra(fn):
    if GlobalHydra.instance().is_initialized():
        return fn()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name="sim"):
        return fn()


@functools.lru_cache(maxsize=64)
def _compose_cached(scenario: str, cli: tuple[str, ...], fingerprint: int) -> DictConfig:
    args = [f"scenario={scenario}", *cli]
    with numbers_unquoted():
        return _in_hydra(lambda: compose(config_name="config", overrides=args))


def _has_key(node: Any, parts: list[str]) -> bool:
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(f"{b}.") or b.startswith(f"{a}.")


def origin(
    key: str, scenario: str, cli: Iterable[str], given: Iterable[str], search: list[Path]
) -> Path | None:
    """The YAML file that sets ``key`` last in the composition (None: not set by a file).

    Used to name the file in an error message, so a student sees which of their files to fix.
    ``given`` are dotted keys set from Python; those and command-line keys come from no file.
    ``search`` are the config folders in Hydra's search order.
    """
    cli = list(cli)
    overridden = [a.lstrip("+~").split("=")[0] for a in cli if "=" in a] + list(given)
    if any(_related(key, k) for k in overridden):
        return None
    args = [f"scenario={scenario}", *cli]
    try:
        found = _in_hydra(
            lambda: (
                GlobalHydra.instance()
                .config_loader()
                .compute_defaults_list("config", args, RunMode.RUN)
            )
        )
    except (HydraException, OmegaConfBaseException, ValueError):
        return None
    for item in reversed(found.defaults):
        if item.config_path is None or item.config_path.startswith("hydra/"):
            continue
        package = f"{item.package}." if item.package else ""
        if not key.startswith(package):
            continue
        # Hydra takes the first folder of the search path that has the file.
        files = (d / f"{item.config_path}.yaml" for d in search)
        path = next((f for f in files if f.is_file()), None)
        if path is None:
            continue
        try:
            raw = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError:
            continue
        if _has_key(raw, key.removeprefix(package).split(".")):
            return path
    return None


def _located(
    message: str, scenario: str, cli: list[str], given: Iterable[str], search: list[Path]
) -> str:
    """Prefix a one-line error with the file that holds the offending key, when a file does."""
    key = re.match(r"([A-Za-z_]\w*(?:\.\w+)*)(?=: | = )", message)
    path = origin(key.group(1), scenario, cli, given, search) if key else None
    return f"{shown(path)}: {message}" if path else message


def scenario_label(scenario: str, overrides: Iterable[str] | Mapping[str, Any] | None) -> str:
    """The scenario's name plus the modules chosen on top of it: ``waico_hk_cohost
    +export_controls=tight``."""
    cli, _ = _as_override_list(overrides)
    groups = module_groups()
    chosen = [a for a in cli if a.lstrip("+").split("=")[0] in groups]
    return "+".join([str(scenario), *chosen])


def compose_config(
    scenario: str = "baseline",
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    config_dirs: Iterable[str | Path] = (),
) -> DictConfig:
    """Compose ``configs/config.yaml`` with a scenario and overrides, then validate.

    Args:
        scenario: a name from ``configs/scenario/`` (or from a folder in ``config_dirs``).
        overrides: Hydra override strings (``["steps=8", "export_controls=tight"]``) or a mapping
            of dotted keys to Python values (``{"states.china.E": 0.3, "waico": "singapore"}``).
        config_dirs: users' own config folders, searched after the package's ``configs/``.

    Returns:
        A read-only, validated config: the same object for the same arguments, so copy it
        (``copy.deepcopy``) before lifting the flag to edit it.

    Raises:
        ConfigError: with a one-line explanation of what to fix, naming the file when a file
            holds the offending key; the same arguments raise the same line again, from a cache.
    """
    return _composed(scenario, overrides, config_dirs)[0]


def compose_plain(
    scenario: str = "baseline",
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    config_dirs: Iterable[str | Path] = (),
) -> tuple[DictConfig, Any]:
    """``compose_config``'s config and its :func:`plain_config`, for a model built from a
    scenario: the config's text, its cache key, is computed once for both."""
    cfg, text = _composed(scenario, overrides, config_dirs)
    return cfg, plain_config(cfg, text)


def _composed(
    scenario: str, overrides: Iterable[str] | Mapping[str, Any] | None, config_dirs
) -> tuple[DictConfig, str]:
    """``compose_config``'s config and its text."""
    cli, values = _as_override_list(overrides)
    dirs = user_dirs(config_dirs)
    if dirs:
        cli.append(searchpath_override(dirs))
    search = [CONFIG_DIR, *dirs]
    key = (str(scenario), tuple(cli), fingerprint(search))
    check_scenario_files(str(scenario), tuple(search), key[2])
    done = (*key, json.dumps(values, sort_keys=True, default=repr))
    if done in _FAILED:  # an error path (a test, a notebook retrying) composes once
        raise ConfigError(_FAILED[done])
    cached, text = _COMPOSED.get(done, (None, None))
    if cached is not None and str(cached) == text:  # a caller may have edited it, flag lifted
        return cached, text
    try:
        cfg = _compose_checked(key, values, dirs, search)
    except ConfigError as exc:
        if not getattr(exc, "transient", False):
            _keep(_FAILED, done, str(exc), _COMPOSED_KEEP)
        raise
    OmegaConf.set_readonly(cfg, True)
    _keep(_COMPOSED, done, (cfg, str(cfg)), _COMPOSED_KEEP)
    return _COMPOSED[done]


def _compose_checked(
    key: tuple[str, tuple[str, ...], int], values: dict, dirs: list[Path], search: list[Path]
) -> DictConfig:
    """Compose (from the cache of compositions), apply ``values`` and validate."""
    scenario, cli = key[0], list(key[1])
    structural, plain = split_values(cli, search)
    try:
        cfg = copy.deepcopy(_compose_cached(scenario, structural, key[2]))
        OmegaConf.set_readonly(cfg, False)
        with numbers_unquoted():
            # Hydra's own step after composing, on a copy of the cached composition
            ConfigLoaderImpl._apply_overrides_to_config(plain, cfg)
            if values:
                cfg = apply_values(cfg, values)
    except ConfigError:
        raise
    except COMPOSE_ERRORS as exc:
        raise ConfigError(composition_error(exc, scenario, cli, values, dirs, search)) from exc
    try:
        validate(cfg)
    except ConfigError as exc:
        raise invalid(exc, scenario, cli, values, search) from exc
    return cfg


# What Hydra, OmegaConf and YAML raise for a config that does not compose.
COMPOSE_ERRORS = (HydraException, OmegaConfBaseException, ValueError, yaml.YAMLError)


def composition_error(
    exc: BaseException,
    scenario: str,
    cli: list[str],
    values: Mapping[str, Any],
    dirs: list[Path],
    search: list[Path],
) -> str:
    """The one line for a composition that raised ``exc``, naming the file that holds the key."""
    if isinstance(_root_cause(exc), OverrideParseException) and (message := unparsable(cli)):
        return _located(message, scenario, cli, values, search)
    world = tuple(a for a in cli if a.lstrip("+").startswith(("world=", "hydra.searchpath=")))
    states = _StateNames(scenario, world, fingerprint(search))
    return _located(explain(exc, states, dirs), scenario, cli, values, search)


def invalid(
    exc: ConfigError, scenario: str, cli: list[str], values: Mapping[str, Any], search: list[Path]
) -> ConfigError:
    """The ConfigError for a composed config that ``validate`` refused with ``exc``: its line,
    naming the file that holds the key (``transient`` when it depends on free memory)."""
    top = re.fullmatch(r"(\w+): unknown key '\1'; .*", str(exc))  # e.g. +export_control=x
    message = unknown_top_key(top.group(1)) if top else str(exc)
    error = ConfigError(_located(message, scenario, cli, values, search))
    error.transient = getattr(exc, "transient", False)
    return error


# Validated configs by their composition's arguments: a loop over seeds of one config (claims,
# calibration, a user's notebook) composes, copies and validates it once. The config is kept with
# its text, so one a caller edited (after lifting its read-only flag) is composed again.
_COMPOSED: dict[tuple, tuple[DictConfig, str]] = {}
_COMPOSED_KEEP = 32
# Messages of compositions that failed, by the same arguments: Hydra does not cache a failure.
_FAILED: dict[tuple, str] = {}


def _keep(cache: dict, key: Any, value: Any, limit: int) -> None:
    """Store ``value`` under ``key``, dropping the oldest entry once ``cache`` holds ``limit``."""
    if key not in cache and len(cache) >= limit:
        del cache[next(iter(cache))]
    cache[key] = value


_PLAIN: dict[str, Any] = {}
_PLAIN_KEEP = 16  # distinct configs kept converted (a sweep's structural choices)


def plain_config(cfg: DictConfig, text: str | None = None) -> Any:
    """``cfg`` as plain dataclasses and containers, converted once per distinct content.

    Attribute access on OmegaConf nodes is ~100x slower than on dataclasses, and the conversion
    (~20 ms) used to be paid by every model. The key is the config's text (``text``, when the
    caller has just computed it: :func:`compose_plain`), so a config edited in place (or a new
    one with other values) is converted afresh; callers must not mutate the result (the model
    copies the parameter groups it exposes).
    """
    key = str(cfg) if text is None else text
    plain = _PLAIN.pop(key, None)  # popped and stored again: the least recently used goes first
    if plain is None:
        plain = OmegaConf.to_object(cfg)
    _keep(_PLAIN, key, plain, _PLAIN_KEEP)
    return plain


class _StateNames:
    """The states of a scenario (and world override), composed only when a message lists them
    (an unknown state); none if the scenario itself does not compose."""

    def __init__(self, scenario: str, world: tuple[str, ...], fingerprint: int):
        self.args, self.names = (scenario, world, fingerprint), None

    def __iter__(self):
        if self.names is None:
            try:
                self.names = list(_compose_cached(*self.args).states)
            except COMPOSE_ERRORS:
                self.names = []
        return iter(self.names)

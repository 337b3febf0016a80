"""E7's sizes: ``configs/experiment/sensitivity.yaml``, its quick version and the command line's
``key=value`` overrides (``morris.r=4``, ``stages=morris,sobol``), checked in one line each."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from experiments.sensitivity.design import STAGES, is_power_of_two
from sim.tools.validate import ConfigError

NAME = "sensitivity"
# The sizes each stage takes (whole numbers from the minimum given here).
SIZES = {
    "morris": {"r": 2, "levels": 2, "seeds": 1, "per_job": 1},
    "select": {"top_k": 1},
    "sobol": {"n": 2, "seeds": 1, "per_job": 1},
    "explore": {"n": 2, "seeds": 1, "per_job": 1},
    "defaults": {"seeds": 1, "per_job": 1},
}
# Overrides that choose what runs, not what a run gives: they do not name a folder of their own.
SELECTING = ("stages",)


def load(path: Path, quick: bool, overrides: tuple[str, ...] = ()) -> dict:
    """The settings: the file's ``sensitivity`` block with the quick version's and then the
    command line's values on top, plus ``master_seed``, ``quick`` and ``uncertainties`` (how many
    of the schema's to take: all, or the quick version's first few)."""
    raw = yaml.safe_load(path.read_text())
    s = copy.deepcopy(raw["sensitivity"])
    q = s.pop("quick", {}) or {}
    s["master_seed"] = int(raw["experiment"]["master_seed"])
    s["uncertainties"] = None
    if quick:
        _merge(s, q)
    for o in overrides:
        key, eq, value = o.partition("=")
        if not eq:
            raise ConfigError(f"{NAME}: '{o}' is not key=value (e.g. morris.r=4)")
        _set(s, key, value)
    s["quick"] = quick
    check(s)
    return s


def _merge(into: dict, top: dict) -> None:
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _set(s: dict, key: str, text: str) -> None:
    """One override: ``stages=a,b``, ``steps=12``, ``uncertainties=8`` or ``<stage>.<size>=n``."""
    if key == "stages":
        s["stages"] = [x.strip() for x in text.strip("[]").split(",") if x.strip()]
        return
    parts = key.split(".")
    node = s
    for p in parts[:-1]:
        if not isinstance(node.get(p), dict):
            raise ConfigError(f"{NAME}: unknown setting '{key}'; known: {', '.join(known(s))}")
        node = node[p]
    if parts[-1] not in node or (isinstance(node[parts[-1]], dict) and key != "explore.levers"):
        raise ConfigError(f"{NAME}: unknown setting '{key}'; known: {', '.join(known(s))}")
    try:
        node[parts[-1]] = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{NAME}: {key}={text}: not a value") from exc


def known(s: dict) -> list[str]:
    out = ["stages", "steps", "uncertainties"]
    for stage, sizes in SIZES.items():
        out += [f"{stage}.{k}" for k in sizes]
    return [*out, "explore.levers"]


def _whole(value, at_least: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < at_least:
        raise ConfigError(f"{NAME}: {name} = {value!r}; give a whole number from {at_least}")
    return value


def check(s: dict) -> None:
    """One line naming the first setting that makes no sense."""
    bad = [x for x in s["stages"] if x not in STAGES]
    if bad or not s["stages"]:
        raise ConfigError(f"{NAME}: unknown stage '{(bad or [''])[0]}'; stages are "
                          f"{', '.join(STAGES)} (stages=morris,sobol)")  # fmt: skip
    _whole(s["steps"], 1, "steps")
    if s["uncertainties"] is not None:
        _whole(s["uncertainties"], 2, "uncertainties")
    for stage, sizes in SIZES.items():
        for size, least in sizes.items():
            _whole(s[stage][size], least, f"{stage}.{size}")
    if s["morris"]["levels"] % 2:
        raise ConfigError(f"{NAME}: morris.levels = {s['morris']['levels']}; give an even number")
    for stage in ("sobol", "explore"):
        if not is_power_of_two(s[stage]["n"]):
            raise ConfigError(f"{NAME}: {stage}.n = {s[stage]['n']}; give a power of 2 (Sobol "
                              "sequences are balanced only at powers of 2)")  # fmt: skip
    levers = s["explore"].get("levers") or {}
    if not isinstance(levers, dict) or any(
        not isinstance(v, list) or len(v) != 2 for v in levers.values()
    ):
        raise ConfigError(f"{NAME}: explore.levers: give {{key: [lo, hi]}}")

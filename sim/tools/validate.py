"""Range and cross-reference checks on a composed config, with one-line messages.

OmegaConf already rejects unknown keys and wrong types; this module checks what a schema cannot:
numeric ranges, choices, state names used by events, and quarter dates.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import re
from collections.abc import Iterable
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config import (
    EventsConfig,
    SimConfig,
    StateConfig,
    has_default,
    institutions,
    mapping_schema,
)
from sim.config.firms import cross_check as firms_cross_check
from sim.tools.memory import memory_check


class ConfigError(ValueError):
    """A config that cannot be run; the message is one line naming the key and what is allowed."""


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(text: str, key: str) -> tuple[int, int]:
    """Parse ``"2025Q3"`` into ``(2025, 3)``."""
    m = _QUARTER.match(str(text))
    if not m:
        raise ConfigError(f"{key}: '{text}' is not a quarter; write it as YYYYQn, e.g. 2025Q3")
    return int(m.group(1)), int(m.group(2))


def quarter_index(text: str, start: str, key: str) -> int:
    """Quarters from ``start`` to ``text`` (0 = the first simulated quarter)."""
    y, q = parse_quarter(text, key)
    y0, q0 = parse_quarter(start, "start")
    return (y - y0) * 4 + (q - q0)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _range_text(meta: dict) -> str:
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None and hi is not None:
        return f"[{_num(lo)}, {_num(hi)}]"
    if lo is not None:
        return f">= {_num(lo)}"
    return f"<= {_num(hi)}"


def did_you_mean(word: str, options: list[str]) -> str:
    """A hint naming the closest allowed spellings, or all of them when there are few."""
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if len(options) <= 20:
        return "allowed: " + ", ".join(options)
    return "see docs/parameters.md for the allowed keys"


def suggest(word: str, options: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` naming the closest spellings, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return ("did you mean " + " or ".join(f"'{c}'" for c in close) + "? ") if close else ""


def unknown_state(key: str, name: str, names: Iterable[str]) -> str:
    """The one-line message for a state name the world does not have."""
    others = [n for n in names if n != name]
    return f"{key}: unknown state '{name}'; {suggest(name, others)}known: {', '.join(others)}"


def unknown_key(key: str, leaf: str, schema: type) -> str:
    """The one-line message for a key the schema does not have."""
    names = [f.name for f in dataclasses.fields(schema)]
    return f"{key}: unknown key '{leaf}'; {did_you_mean(leaf, names)}"


def _check_value(key: str, value: Any, meta: dict) -> None:
    choices = meta.get("choices")
    items = value if isinstance(value, list | ListConfig) else [value]  # a list: each item
    for item in items if choices else []:
        if item not in choices:
            raise ConfigError(f"{key}: '{item}' is not allowed; choose one of {', '.join(choices)}")
    lo, hi = meta.get("lo"), meta.get("hi")
    if isinstance(value, bool) or value is None or (lo is None and hi is None):
        return
    # A dict field (e.g. trust per state) is checked entry by entry and named by its entry.
    entries = value.items() if isinstance(value, dict | DictConfig) else [(None, value)]
    for name, v in entries:
        if not isinstance(v, int | float):
            continue
        if v != v or (lo is not None and v < lo) or (hi is not None and v > hi):
            unit, where = meta.get("unit", ""), key if name is None else f"{key}.{name}"
            raise ConfigError(
                f"{where} = {v} is out of range; allowed {_range_text(meta)} "
                f"({unit}: {meta['doc']})"
            )


def _check_unknown(node: Any, schema: type, prefix: str) -> None:
    # Hydra's "+key=value" appends keys the schema does not know; they would be silently ignored.
    names = {f.name for f in dataclasses.fields(schema)}
    if schema is SimConfig:
        names.add("hydra")  # Hydra's own node, there while Hydra composes a run (run_loader.py)
    for k in node:
        if k not in names:
            raise ConfigError(unknown_key(f"{prefix}{k}", k, schema))


def _check_node(node: Any, schema: type, prefix: str) -> None:
    _check_unknown(node, schema, prefix)
    for f in dataclasses.fields(schema):
        key = f"{prefix}{f.name}"
        value = node[f.name]
        if isinstance(f.type, type) and dataclasses.is_dataclass(f.type):
            _check_node(value, f.type, f"{key}.")
        elif f.metadata:
            _check_value(key, value, dict(f.metadata))


def _check_states(states: dict) -> list[str]:
    if not states:
        raise ConfigError("states: the world has no states; compose a world file (world=default)")
    names = list(states)
    required = [f.name for f in dataclasses.fields(StateConfig) if not has_default(f)]
    for name, st in states.items():
        missing = [k for k in required if OmegaConf.is_missing(st, k)]
        missing += [
            f"alignment.{p}" for p in ("us", "eu", "china") if OmegaConf.is_missing(st.alignment, p)
        ]
        if len(missing) > len(required) // 2:  # a typo rather than a new state
            msg = unknown_state(f"states.{name}", name, names)
            raise ConfigError(f"{msg} (a new state must give every field)")
        if missing:
            raise ConfigError(f"states.{name}: new state is missing {', '.join(missing)}")
        _check_node(st, StateConfig, f"states.{name}.")
        for other in st.trust:
            if other not in states:
                raise ConfigError(unknown_state(f"states.{name}.trust.{other}", other, names))
    return names


def _check_refs(node: Any, schema: type, prefix: str, refs: dict[str, list[str]]) -> None:
    """Names that must exist elsewhere in the config, found by the field's unit
    (``state name``, ``state names``, ``instrument names``, ...)."""
    for f in dataclasses.fields(schema):
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(f.type):
            _check_refs(node[f.name], f.type, f"{key}.", refs)
            continue
        kind = f.metadata.get("unit", "").removesuffix("s")
        if kind not in refs:
            continue
        value = node[f.name]
        for v in list(value) if isinstance(value, ListConfig | list) else [value]:
            if v in refs[kind]:
                continue
            if kind == "state name":
                raise ConfigError(unknown_state(key, v, refs[kind]))
            what = kind.removesuffix(" name")
            raise ConfigError(f"{key}: unknown {what} '{v}'; {did_you_mean(v, refs[kind])}")


def _check_mapping(entries: Any, schema: type, prefix: str, refs: dict[str, list[str]]) -> None:
    """Named entries of one schema (events of a kind, localities, accords...)."""
    required = [f.name for f in dataclasses.fields(schema) if not has_default(f)]
    for name, entry in entries.items():
        key = f"{prefix}{name}"
        missing = [k for k in required if OmegaConf.is_missing(entry, k)]
        if missing:
            raise ConfigError(f"{key}: missing {', '.join(missing)}")
        _check_node(entry, schema, f"{key}.")
        _check_refs(entry, schema, f"{key}.", refs)


def _check_events(events: Any, refs: dict[str, list[str]], start: str) -> None:
    for kind_field in dataclasses.fields(EventsConfig):
        kind = kind_field.name
        _check_mapping(events[kind], mapping_schema(kind_field), f"events.{kind}.", refs)
        for name, ev in events[kind].items():
            key = f"events.{kind}.{name}"
            if quarter_index(ev.date, start, f"{key}.date") < 0:
                raise ConfigError(
                    f"{key}.date: {ev.date} is before the start {start}; "
                    "the world file's initial values already reflect past events"
                )
            if "issuer" in ev and "target" in ev and ev.issuer == ev.target:
                raise ConfigError(
                    f"{key}: issuer and target are both '{ev.target}'; name two states"
                )


def check_seed(seed: Any) -> int | None:
    """A seed given from Python, checked as the config's ``seed`` is: a whole number >= 0 or None
    (numpy would refuse -1 with a bare error and ``int()`` would truncate 1.5)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ConfigError(f"seed: {seed!r} is not an integer; give a whole number >= 0 or None")
    meta = next(f.metadata for f in dataclasses.fields(SimConfig) if f.name == "seed")
    _check_value("seed", int(seed), dict(meta))
    return int(seed)


def validate(cfg: DictConfig) -> None:
    """Raise :class:`ConfigError` on the first value a run cannot accept."""
    if OmegaConf.is_missing(cfg, "seed") or isinstance(cfg.seed, ListConfig):
        raise ConfigError("seed: give an integer or null")
    parse_quarter(cfg.start, "start")
    _check_unknown(cfg, SimConfig, "")
    names = _check_states(cfg.states)
    refs = {"state name": names, "instrument name": list(cfg.get("instruments", {}))}
    for f in dataclasses.fields(SimConfig):
        if f.name in ("states", "events"):
            continue
        if mapping_schema(f):
            _check_mapping(cfg[f.name], mapping_schema(f), f"{f.name}.", refs)
        elif f.metadata:
            _check_value(f.name, cfg[f.name], dict(f.metadata))
        else:
            _check_node(cfg[f.name], f.type, f"{f.name}.")
            _check_refs(cfg[f.name], f.type, f"{f.name}.", refs)
    _check_events(cfg.events, refs, cfg.start)
    cross_check(cfg)


def cross_check(cfg: DictConfig) -> None:
    """The checks between parameters and of the world's memory, which end ``validate`` (a config
    whose single values are known to be allowed needs only these)."""
    message = institutions.cross_check(cfg) or firms_cross_check(cfg.firms)
    if message:
        raise ConfigError(message)
    message = memory_check(cfg)
    if message:
        error = ConfigError(message)
        error.transient = True  # free memory changes: callers must not cache this refusal
        raise error

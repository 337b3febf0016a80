"""Every parameter's role and provenance, read from the schemas' ``param(...)`` metadata.

The sensitivity experiment (E7, ``experiments/sensitivity/``) samples ``uncertainties()`` over
their plausible ranges; ``docs/parameters.md`` and ``python -m sim --help`` show the same
metadata, and ``tests/test_roles.py`` checks that every parameter has it."""

from __future__ import annotations

import dataclasses

from omegaconf import MISSING

from sim.config import schema_tree
from sim.config.base import PROVENANCES, ROLES, default


@dataclasses.dataclass(frozen=True)
class Described:
    """One scalar parameter of the run config with its role and provenance."""

    key: str  # dotted, as on the command line (``firms.rd_share``)
    default: object
    role: str
    provenance: str
    lo: float | None  # what the model accepts
    hi: float | None
    plausible: tuple[float, float] | None  # what the sensitivity experiment samples
    why: str
    unit: str
    doc: str


def described() -> list[Described]:
    """Every documented parameter with a fixed key (per-state fields, ``states.<name>.*``, are
    data and are left out: their keys depend on the world file)."""
    out = []
    for prefix, schema in schema_tree():
        if "<" in prefix:
            continue
        for f in dataclasses.fields(schema):
            meta = dict(f.metadata)
            if not meta:
                continue
            value = default(f)
            out.append(
                Described(
                    prefix + f.name,
                    None if value is MISSING else value,
                    meta.get("role", ""),
                    meta.get("provenance", ""),
                    meta.get("lo"),
                    meta.get("hi"),
                    meta.get("plausible"),
                    meta.get("why", ""),
                    meta.get("unit", ""),
                    meta.get("doc", ""),
                )
            )
    return out


def uncertainties() -> list[Described]:
    """The parameters the sensitivity experiment samples, in schema order."""
    return [d for d in described() if d.role == "uncertainty"]


def problems(d: Described) -> list[str]:
    """What is missing or inconsistent in one parameter's role metadata (empty when complete)."""
    out = []
    if d.role not in ROLES:
        out.append(f"role {d.role!r} is not one of {', '.join(ROLES)}")
    if d.role != "setting" and d.provenance not in PROVENANCES:
        out.append(f"provenance {d.provenance!r} is not one of {', '.join(PROVENANCES)}")
    if d.role == "uncertainty":
        if d.plausible is None:
            return [*out, "an uncertainty needs plausible=(lo, hi)"]
        a, b = d.plausible
        if not a < b:
            out.append(f"plausible range {d.plausible} is empty")
        if (d.lo is not None and a < d.lo) or (d.hi is not None and b > d.hi):
            out.append(f"plausible range {d.plausible} leaves the allowed [{d.lo}, {d.hi}]")
        if isinstance(d.default, int | float) and not a <= d.default <= b:
            out.append(f"default {d.default} lies outside the plausible range {d.plausible}")
        if not d.why:
            out.append("an uncertainty needs why= (the reason for its plausible range)")
    elif d.plausible is not None:
        out.append(f"only an uncertainty has a plausible range (role {d.role!r})")
    return out

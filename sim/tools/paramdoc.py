"""Generate ``docs/parameters.md`` from the config schemas: ``python -m sim.tools.paramdoc``.

The reference is produced from the same ``param(...)`` metadata that validation uses, so a
parameter cannot exist without a unit, range and source in the docs. A test fails when the
committed file differs from what this module generates.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from omegaconf import MISSING

from sim.config import (
    Alignment,
    EventsConfig,
    ExportControl,
    ExportPackage,
    InstrumentSpec,
    LocalityConfig,
    MarketBan,
    OutputConfig,
    PolicyShift,
    SimConfig,
    StateConfig,
    mapping_schema,
    schema_tree,
)
from sim.config.base import default

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"

# Titles and introductions of the sections; a schema not listed here is titled by its docstring.
INTROS = {
    SimConfig: ("Run", "Top-level keys: `python -m sim seed=7 steps=80`."),
    StateConfig: (
        "States (world file)",
        "One entry per state in `configs/world/default.yaml`, where each value carries its "
        "source. Fields without a default must be given for a new state.",
    ),
    Alignment: ("State alignment", "Weights on the three poles."),
    ExportControl: (
        "Event: export control",
        "A dated change to the compute access that "
        "`issuer` allows `target`; fires once at the start of its quarter.",
    ),
    MarketBan: (
        "Event: market ban",
        "A dated closure of part of `issuer`'s market to `target`'s firms.",
    ),
    ExportPackage: (
        "Event: export package",
        "The US package of cloud, chips and AI tools offered to partners (001).",
    ),
    PolicyShift: (
        "Event: policy shift",
        "A dated change of a state's anchor stance (laws, executive orders, AI Act milestones).",
    ),
    OutputConfig: ("Output", "What `python -m sim` writes besides the tables."),
}

WORLD_SOURCE = "per state, in the world file's comments (configs/world/default.yaml)"
LOCAL_SOURCE = "per entry, in the comments of configs/world/localities.yaml"
EVENT_SOURCE = "per event, in the scenario file's header comment (configs/scenario/)"
FALLBACK = {
    StateConfig: WORLD_SOURCE,
    Alignment: WORLD_SOURCE,
    OutputConfig: "output switch, not a model quantity",
    LocalityConfig: LOCAL_SOURCE,
    InstrumentSpec: LOCAL_SOURCE,
    **{mapping_schema(f): EVENT_SOURCE for f in dataclasses.fields(EventsConfig)},
}


def fmt(value: object) -> str:
    """A default as Markdown: ``required``, a number, ``empty`` or a code span."""
    if value is MISSING or value == MISSING:
        return "required"
    if isinstance(value, float):
        return f"{value:g}"
    if value in ([], {}):
        return "empty"
    if value == "":
        return '`""`'  # an empty code span would show as two stray backticks
    return f"`{value}`"


def allowed(meta: dict) -> str:
    """The allowed values of a parameter: its choices, an interval, or ``any``."""
    if meta.get("choices"):
        return ", ".join(f"`{c}`" for c in meta["choices"])
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is None and hi is None:
        return "any"
    return f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"


@dataclasses.dataclass(frozen=True)
class Param:
    """One documented parameter, formatted as in the reference (Markdown code spans)."""

    key: str
    default: str
    unit: str
    allowed: str
    doc: str
    source: str
    role: str = ""


def role_text(meta: dict) -> str:
    """A parameter's role, provenance and (for an uncertainty) plausible range, in one cell."""
    role, prov, rng = meta.get("role", ""), meta.get("provenance", ""), meta.get("plausible")
    text = f"{role}, {prov}" if role and prov else role or prov
    return f"{text}: [{rng[0]:g}, {rng[1]:g}]" if rng else text


def params(schema: type, prefix: str) -> list[Param]:
    """The documented parameters of one schema (nested schemas are separate entries)."""
    fallback = FALLBACK.get(schema, "")
    out = []
    for f in dataclasses.fields(schema):
        meta = dict(f.metadata)
        if not meta:
            continue
        value = fmt(default(f))
        source = meta["source"] or fallback
        if meta.get("why"):
            source = f"{source}. Range: {meta['why']}" if source else f"Range: {meta['why']}"
        row = (prefix + f.name, value, meta["unit"], allowed(meta), meta["doc"], source)
        out.append(Param(*row, role_text(meta)))
    return out


def section_title(schema: type) -> tuple[str, str]:
    """A schema's section title and introduction (from ``INTROS`` or its docstring)."""
    doc = schema.__doc__.strip()
    # Unlisted schemas follow the docstring convention "Title: explanation".
    title, _, rest = doc.partition(":")
    return INTROS.get(schema, (title, rest.strip()[:1].upper() + rest.strip()[1:]))


def sections() -> list[tuple[str, type, list[Param]]]:
    """Every schema of ``schema_tree()`` that has parameters: ``(prefix, schema, params)``."""
    tree = ((prefix, schema, params(schema, prefix)) for prefix, schema in schema_tree())
    return [(prefix, schema, rows) for prefix, schema, rows in tree if rows]


def render() -> str:
    """The whole Markdown reference."""
    out = [
        "# Parameter reference",
        "",
        "Generated by `python -m sim.tools.paramdoc` from the schemas in `sim/config/`; do not "
        "edit by hand. Every key can be set on the command line "
        "(`python -m sim firms.rd_share=0.3`), "
        'in a scenario YAML, or from Python (`RegulatoryCompetition(**{"firms.rd_share": 0.3})`).'
        " Values outside the allowed range are refused with a one-line error.",
        "",
        "The role column says what a parameter is: an *uncertainty* (outside anyone's control; "
        "the sensitivity experiment samples it over its plausible range, given after the colon), "
        "a *lever* (a policy choice), *data* (an observed input) or a *setting* (the run's "
        "resolution or outputs); and where its default comes from: *sourced* (a source gives the "
        "number), *proxy* (derived from a related observed quantity) or *assumed* (judgement).",
        "",
    ]
    header = [
        "| key | default | unit | allowed | role | meaning | source or reason |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for prefix, schema, rows in sections():
        title, intro = section_title(schema)
        cells = (
            (f"`{p.key}`", p.default, p.unit, p.allowed, p.role, p.doc, p.source) for p in rows
        )
        table = ["| " + " | ".join(c) + " |" for c in cells]
        out += [f"## {title}", "", f"Keys `{prefix}*`. {intro}", "", *header, *table, ""]
    return "\n".join(out)


def main() -> None:
    """Write the reference (or, with ``--check``, exit 1 if the committed file is stale)."""
    text = render()
    if "--check" in sys.argv:
        current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is stale: run python -m sim.tools.paramdoc", file=sys.stderr)
            sys.exit(1)
        return
    DOC_PATH.write_text(text)
    print(f"wrote {DOC_PATH}")


if __name__ == "__main__":
    main()

"""``python -m sim --help [TOPIC]``: scenarios, scenario modules and parameters, from the files.

Everything printed is read from ``configs/`` (and the user's ``--config-dir`` folders) and from
the schemas through :mod:`sim.tools.paramdoc`, so the help cannot drift from what a run accepts.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from sim.tools.compose import CONFIG_DIR, module_groups
from sim.tools.paramdoc import FALLBACK, Param, section_title, sections
from sim.tools.validate import did_you_mean

WIDTH = 100
NO_DESCRIPTION = "(no description)"

EXAMPLES = [
    ("python -m sim", "baseline, 40 quarters from 2025Q1"),
    ("python -m sim scenario=export_controls_tight seed=7 steps=80", "another scenario"),
    ("python -m sim scenario=waico_hk_cohost export_controls=tight", "a scenario plus a module"),
    ("python -m sim states.china.E=0.3 policy.speed=0.3", "any parameter by its dotted key"),
    (
        "python -m sim --config-dir my_configs scenario=my_world",
        "my_configs/scenario/my_world.yaml",
    ),
    ("python -m sim -m seed=1,2,3 scenario=baseline,waico_shanghai", "a sweep (--multirun)"),
]


# -- reading config files -------------------------------------------------------------------------


def header(path: Path) -> str:
    """The first paragraph of a config file's ``# `` comment header ('' if there is none)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    text = []
    for line in lines:
        body = line.strip()
        if not text and (not body or body.startswith("# @package")):
            continue  # before the header: the package line and blank lines
        if not body.startswith("#") or (text and body == "#"):
            break  # the header ends at the first non-comment line or an empty comment line
        text.append(body.lstrip("#").strip())
    return " ".join(t for t in text if t)


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, not cut at abbreviations such as ``e.g.`` or ``U.S.``."""
    for m in re.finditer(r"[.!?](?=\s+[A-Z(\"']|\s*$)", text):
        word = re.search(r"[\w.]*$", text[: m.start()]).group()
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Za-z]|Art|No|cf|vs|al|etc", word):
            continue
        return text[: m.end()]
    return text


def describe(path: Path) -> str:
    """The first sentence of a file's header, or ``(no description)``."""
    return first_sentence(header(path)) or NO_DESCRIPTION


def _show(path: Path, folder: bool = True) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        shown = str(path)
    return f"{shown}/" if folder else shown


def options(group: str, extra_dirs: list[Path]) -> dict[str, tuple[Path, str]]:
    """Options of a config group: name -> (file, note). Hydra searches ``configs/`` before a
    ``--config-dir`` folder, so a user's file named like a shipped one is never used: say so."""
    found = {p.stem: (p, "") for p in sorted((CONFIG_DIR / group).glob("*.yaml"))}
    for extra in extra_dirs:
        for p in sorted((extra / group).glob("*.yaml")):
            if p.stem not in found:
                found[p.stem] = (p, f" [yours: {_show(extra)}]")
            elif not found[p.stem][1]:
                note = f" [{_show(p, folder=False)} is not used: the shipped file wins; rename it]"
                found[p.stem] = (found[p.stem][0], note)
    return found


# -- layout ---------------------------------------------------------------------------------------


# Break lines at spaces only: keys, paths and "US-aligned" stay whole.
_KEEP_WORDS = {"break_on_hyphens": False, "break_long_words": False}


def _entry(
    name: str, text: str, indent: int, width: int, note: str = "", one_line: bool = False
) -> list[str]:
    """``name`` padded to ``width`` with ``text`` and ``note`` wrapped (or ``text`` shortened so
    that the note still fits on one line) to the right of it."""
    head = " " * indent + name.ljust(width) + "  "
    if one_line:
        room = max(WIDTH - len(head) - len(note), 20)
        return [head + textwrap.shorten(text, room, placeholder="…", **_KEEP_WORDS) + note]
    rest = " " * len(head)
    lines = textwrap.wrap(
        text + note, WIDTH, initial_indent=head, subsequent_indent=rest, **_KEEP_WORDS
    )
    return lines or [head]


def _wrap(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad, **_KEEP_WORDS)


def _plain(text: str) -> str:
    """Markdown and reST code marks off, for a terminal."""
    return text.replace("``", "").replace("`", "")


def topic_of(prefix: str) -> str:
    """The help topic of a section: the first part of its key prefix (``run`` for top level)."""
    return prefix.split(".")[0] or "run"


# -- the overview ---------------------------------------------------------------------------------


def overview(extra_dirs: list[Path]) -> list[str]:
    """The text of ``python -m sim --help``."""
    out = [
        "usage: python -m sim [scenario=NAME] [MODULE=OPTION ...] [key=value ...] "
        "[--config-dir DIR]",
        "       python -m sim --help [all | SECTION | KEY PREFIX | SCENARIO | MODULE]",
        "",
        "Simulate regulatory competition in AI governance; each run writes a folder under "
        "results/runs/.",
        "",
        "Examples:",
    ]
    for cmd, what in EXAMPLES:
        out += _entry(cmd, what, 2, 62)
    scenarios = options("scenario", extra_dirs)
    width = max(map(len, scenarios))
    out += ["", f"Scenarios (scenario=NAME; files in {_show(CONFIG_DIR / 'scenario')}):"]
    for name, (path, note) in scenarios.items():
        out += _entry(name, describe(path), 2, width, note)
    out += ["", "Scenario modules (MODULE=OPTION; each adds one idea to any scenario):"]
    groups = {g: options(g, extra_dirs) for g in module_groups()}
    width = max((len(o) for opts in groups.values() for o in opts), default=0)
    for group, opts in groups.items():
        out.append(f"  {group}")
        for name, (path, note) in opts.items():
            out += _entry(name, describe(path), 4, width, note, one_line=True)
    out += [
        "  Combine them with any scenario (the command line wins over the scenario's choice):",
        "    python -m sim scenario=waico_hk_cohost export_controls=tight",
        "    python -m sim 'us_policy=[deregulation,export_package]'    several options of one",
        "    python -m sim scenario=waico_us_counter '~us_policy'       drop a scenario's module",
        "  A module's full description: python -m sim --help export_controls",
    ]
    return out + _parameter_overview()


def _parameter_overview() -> list[str]:
    rows = [
        (
            f"{prefix}*" if prefix else f"run ({', '.join(p.key for p in params)})",
            len(params),
            schema,
        )
        for prefix, schema, params in sections()
    ]
    width = max(len(r[0]) for r in rows)
    total = sum(r[1] for r in rows)
    out = ["", f"Parameters ({total} keys; set any as key=value, e.g. firms.rd_share=0.3):"]
    out += [f"  {key.ljust(width)}  {n:>3}  {section_title(schema)[0]}" for key, n, schema in rows]
    return [
        *out,
        "  One section or key prefix: python -m sim --help firms   (or waico, states, "
        "local.competition)",
        "  Every parameter:           python -m sim --help all",
        "",
        "Reference: docs/parameters.md (every parameter with its unit, range and source)",
        "           docs/ODD.md (the model, mechanism by mechanism)",
        "Hydra's own options (--multirun, --cfg job, --info ...): python -m sim --hydra-help",
    ]


# -- parameters of a topic ------------------------------------------------------------------------


def _match(topic: str, key: str, as_name: bool, partial: bool) -> bool:
    """Whether ``key`` (``states.<name>.R``) falls under ``topic``. ``<name>`` parts are left out
    of both; with ``as_name`` the topic's word in a ``<name>`` position is a name (states.china)."""
    parts, words = key.split("."), topic.split(".")
    if as_name:
        words = [w for i, w in enumerate(words) if i >= len(parts) or parts[i] != "<name>"]
    keyp = [p for p in parts if p != "<name>"]
    words = [w for w in words if w != "<name>"]
    if len(words) > len(keyp) or keyp[: len(words) - 1] != words[:-1]:
        return False
    last = keyp[len(words) - 1]
    return last == words[-1] or (partial and last.startswith(words[-1]))


def select(topic: str) -> list[tuple[str, type, list[Param]]]:
    """The sections and parameters a topic names; field names win over entry names
    (``states.R``, ``states.china``), whole words over beginnings (``firms.capability``)."""
    every = sections()
    if topic == "all":
        return every
    if topic == "run":
        return [s for s in every if s[0] == ""]
    for as_name, partial in ((False, False), (False, True), (True, False), (True, True)):
        chosen = [
            (prefix, schema, [p for p in params if _match(topic, p.key, as_name, partial)])
            for prefix, schema, params in every
        ]
        chosen = [c for c in chosen if c[2]]
        if chosen:
            return chosen
    return []


def _param_lines(prefix: str, schema: type, params: list[Param]) -> list[str]:
    """A section heading, then one aligned line per parameter: key, default, unit, allowed,
    meaning and a shortened source (a source shared by the whole section is said once)."""
    title, intro = section_title(schema)
    heading = f"{title} ({prefix}*): " if prefix else f"{title}: "
    out = ["", *_wrap(heading + _plain(intro), 0)]
    shared = FALLBACK.get(schema)
    if shared and any(p.source == shared for p in params):
        out += _wrap(f"Source, unless given in brackets: {shared}.", 0)
    cells = [(p.key, _plain(p.default), p.unit, _plain(p.allowed), p.role) for p in params]
    # Columns fit their longest cell up to a cap; a longer cell pushes only its own line.
    widths = [
        min(max(len(c[i]) for c in [*cells, ("key", "default", "unit", "allowed", "role")]), cap)
        for i, cap in enumerate((48, 10, 16, 11, 30))
    ]
    row = "  " + "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    out.append(row.format("key", "default", "unit", "allowed", "role", "meaning [source]"))
    for cell, p in zip(cells, params, strict=True):
        short = textwrap.shorten(p.source, 40, placeholder="…")
        source = "" if p.source == shared else f" [{short}]"
        out.append(row.format(*cell, p.doc + source))
    return out


def topic_help(topic: str, extra_dirs: list[Path]) -> list[str] | None:
    """The text of ``python -m sim --help TOPIC``, or None if nothing is called that."""
    out = []
    for group in ("scenario", *module_groups()):
        opts = options(group, extra_dirs)
        whole = topic == group or (group == "scenario" and topic == "scenarios")
        names = list(opts) if whole else [topic] if group == "scenario" and topic in opts else []
        for name in names:
            path, note = opts[name]
            out += ["", *_wrap(f"{group}={name}  ({_show(path, folder=False)}){note}", 0)]
            out += _wrap(header(path) or NO_DESCRIPTION)
    chosen = select(topic)
    for prefix, schema, params in chosen:
        out += _param_lines(prefix, schema, params)
    if not out:
        return None
    return out[1:] + (["", "Full sources and reasons: docs/parameters.md"] if chosen else [])


def topics(extra_dirs: list[Path]) -> list[str]:
    """Every word ``--help`` understands, for suggestions."""
    every = sections()
    words = [topic_of(prefix) for prefix, _, _ in every]
    words += [p.key for _, _, params in every for p in params]
    words += ["all", "scenarios", *module_groups(), *options("scenario", extra_dirs)]
    return list(dict.fromkeys(words))


def main(topic: str | None, extra_dirs: list[Path]) -> int:
    """Print the help for ``topic`` (None: the overview).

    Args:
        topic: the word after ``--help``/``-h``, or None for the overview.
        extra_dirs: the ``--config-dir`` folders, whose scenarios and module options are listed.

    Returns:
        The exit code: 0, or 2 for an unknown topic (one ``error:`` line on stderr).
    """
    extra_dirs = [Path(d) for d in extra_dirs]
    lines = overview(extra_dirs) if topic is None else topic_help(topic, extra_dirs)
    if lines is None:
        hint = did_you_mean(topic, topics(extra_dirs))
        hint = f"{hint} " if hint.startswith("did you mean") else ""
        words = ["all", "scenarios", *(topic_of(s[0]) for s in sections()), *module_groups()]
        known = ", ".join(dict.fromkeys(words))
        print(
            f"error: unknown help topic '{topic}'; {hint}topics: {known}, a key prefix "
            "(firms.rd_share) or a scenario name",
            file=sys.stderr,
        )
        return 2
    print("\n".join(lines))
    return 0

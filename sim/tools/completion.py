"""Shell completion for ``python -m sim`` and the ``regcomp`` console script.

    eval "$(python -m sim --shell-completion install=bash)"   # in ~/.bashrc; zsh: bashcompinit

Hydra's own ``--shell-completion`` script recognises ``python script.py`` and installed apps but
not ``python -m sim``: it strips ``python -m`` and then reads ``sim`` as an override. This script
recognises all three forms and asks ``... --shell-completion query=bash`` for the words, which
Hydra's completion engine finds in ``configs/`` (scenarios, modules, every parameter key) and in
``--config-dir`` folders.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.tools.compose import CONFIG_DIR

SCRIPT = r"""_regcomp_completion()
{
    local words=($COMP_LINE) helper
    if [[ "${words[0]}" == *python* && "${words[1]}" == "-m" && "${words[2]}" == "sim" ]]; then
        helper="${words[0]} -m sim"
    elif [[ "${words[0]}" == *python* && "${words[1]}" == *sim/__main__.py ]]; then
        helper="${words[0]} ${words[1]}"
    elif [[ "${words[0]##*/}" == "regcomp" ]]; then
        helper="${words[0]}"
    else
        return  # another python command: the shell's default completion
    fi
    local choices
    choices=$(COMP_LINE="$COMP_LINE" $helper --shell-completion query=bash 2>/dev/null)
    COMPREPLY=($(compgen -o nospace -o default -W "$choices" -- "${COMP_WORDS[COMP_CWORD]}"))
}
COMP_WORDBREAKS=${COMP_WORDBREAKS//=}
complete -o nospace -o default -F _regcomp_completion regcomp python python3
"""

UNINSTALL = "complete -r regcomp python python3 2>/dev/null; unset -f _regcomp_completion\n"

# What precedes the arguments: `python -m sim`, `python path/to/sim/__main__.py` or `regcomp`.
_PROGRAM = re.compile(r"^\s*(?:\S*python[\d.]*\s+(?:-m\s+sim\b|\S+\.py\b)|\S+)")
_CONFIG_DIR = re.compile(r"(?:--config-dir|-cd)(?:=|\s+)(\S+)")


def arguments(line: str) -> str:
    """The part of a command line after the program (what Hydra's completion reads)."""
    match = _PROGRAM.match(line)
    return line[match.end() :].lstrip() if match else line


def query(line: str) -> list[str]:
    """The completions of the last word of ``line`` (a whole command line, as the shell has it)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.core_plugins.bash_completion import BashCompletion
    from hydra._internal.utils import create_config_search_path

    args = arguments(line)
    search = create_config_search_path(str(CONFIG_DIR))
    for folder in _CONFIG_DIR.findall(args):
        search.append("user", f"file://{Path(folder).resolve()}")
    engine = BashCompletion(ConfigLoaderImpl(config_search_path=search))
    try:
        return engine._query(config_name="config", line=args)
    except Exception:  # a half-typed line must never print a traceback into the shell
        return []


def main(commands: list[str], line: str) -> int:
    """Answer ``--shell-completion install=bash | uninstall=bash | query=bash``; returns the
    exit code (2 and one ``error:`` line for anything else)."""
    pairs = [c.partition("=") for c in commands]
    known = [(cmd, shell) for cmd, _, shell in pairs if cmd in ("install", "uninstall", "query")]
    if len(known) != 1 or len(commands) != 1 or known[0][1] != "bash":
        print(
            "error: --shell-completion: give one of install=bash, uninstall=bash or query=bash, "
            'e.g. eval "$(python -m sim --shell-completion install=bash)" (zsh: run '
            "`autoload -U +X bashcompinit && bashcompinit` first)",
            file=sys.stderr,
        )
        return 2
    command = known[0][0]
    if command == "query":
        print(" ".join(query(line)))
    else:
        print(SCRIPT if command == "install" else UNINSTALL, end="")
    return 0

"""The students' dashboard (Mesa's ``SolaraViz``): ``python -m sim.app`` or
``solara run sim/app.py``.

Controls in the sidebar (scenario, modules, seed, a dozen parameters with their schema ranges;
Reset applies them), four pages of Matplotlib figures drawn from the model's own tables. It
works offline: ``pip install -e ".[viz]"`` brings ``solara-assets``, which serves the front
end that Solara would otherwise fetch from a CDN.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

import solara
from mesa.visualization import SolaraViz, solara_viz

from sim.dashboard.controls import CONFIG_DIRS_ENV, DashboardModel, model_params
from sim.dashboard.pages import COMPONENTS, NamedPages

# Mesa logs every step at INFO: a line per quarter in the server's console otherwise.
logging.getLogger("MESA").setLevel(logging.WARNING)

# Tabs named by page ("The three poles"...): Mesa 3.3.1 (pinned) hard-codes "Page 0".."Page 3"
# and SolaraViz takes no page names, so its pages view is swapped for one that names them.
solara_viz.ComponentsView = NamedPages

TITLE = "Regulatory competition in AI governance"


@solara.component
def Page():
    """The whole dashboard; each browser session gets its own model."""
    model = solara.use_memo(DashboardModel, [])
    params = solara.use_memo(model_params, [])
    return SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE)


def main(argv: list[str] | None = None) -> None:
    """``python -m sim.app [--config-dir DIR]... [solara run options]``: serve the dashboard.

    ``--config-dir`` adds a folder of the user's own configs (as for ``python -m sim``); other
    arguments go to ``solara run`` (``--port 8766``, ``--host 0.0.0.0``...).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    dirs, rest = [], []
    while args:
        arg = args.pop(0)
        name, eq, value = arg.partition("=")
        if name in ("--config-dir", "-cd"):
            dirs.append(str(Path(value if eq else (args.pop(0) if args else "")).resolve()))
        else:
            rest.append(arg)
    missing = [d for d in dirs if not Path(d).is_dir()]
    if missing:
        print(f"error: --config-dir: folder '{missing[0]}' not found", file=sys.stderr)
        sys.exit(2)
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false")
    if dirs:
        env[CONFIG_DIRS_ENV] = os.pathsep.join(dirs)
    # The console script, not `python -m solara`: its server would parse our argv a second time.
    solara_cli = shutil.which("solara", path=str(Path(sys.executable).parent)) or "solara"
    os.execvpe(solara_cli, [solara_cli, "run", str(Path(__file__).resolve()), *rest], env)


# `solara run` executes this file as __main__ too, but without a module spec: only
# `python -m sim.app` starts the server.
if __name__ == "__main__" and __spec__ is not None and __spec__.name == "sim.app":
    main()

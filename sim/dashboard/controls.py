"""The dashboard's controls, built from the config tree and the schemas, and the model they build.

The scenario and module selects list the files of ``configs/`` (and of the user's folders), so a
new scenario file appears without code changes; each slider takes its range from the schema's
``param(...)`` metadata and its starting value from the composed baseline. Mesa's ``SolaraViz``
rebuilds the model on Reset as ``DashboardModel(**widget_values)``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from pathlib import Path
from typing import Any

import mesa
from omegaconf import OmegaConf

from sim.config import schema_tree
from sim.model import RegulatoryCompetition
from sim.tools import clihelp
from sim.tools.compose import compose_config, module_groups
from sim.tools.validate import ConfigError

# The user's own config folders (``python -m sim.app --config-dir my_configs``), separated by
# os.pathsep: an environment variable, because ``solara run`` imports the app itself.
CONFIG_DIRS_ENV = "SIM_DASHBOARD_CONFIG_DIRS"
AS_SCENARIO = "(as in the scenario)"
SEED_MAX = 999

# The levers a student most wants to move: dotted key -> label. Ranges come from the schema.
STUDENT_PARAMS = {
    "states.china.E": "China: enforcement E",
    "states.eu.E": "EU: enforcement E",
    "states.us.R": "US: restrictiveness R",
    "states.china.compute_access": "China's access to frontier chips (export controls)",
    "trust.control_loss": "Trust lost per unit of export-control severity",
    "local.competition": "Local competition (weight of ranking in promotion)",
    "local.imitation_rate": "Localities copying better-ranked peers",
    "officials.noise_gap": "Extra noise when the centre compares unlike sectors (herding)",
    "local.budget_scale": "Local AI budgets (times the world file's)",
    "waico.us_pressure": "WAICO: US counter-pressure",
    "waico.weight_distrust": "WAICO: weight of distrust of China",
    "policy.learning_rate": "Policy learning from successful peers",
    "policy.speed": "Speed of national policy change",
}


def user_config_dirs() -> list[Path]:
    """The user's config folders named in ``SIM_DASHBOARD_CONFIG_DIRS`` (none by default)."""
    raw = os.environ.get(CONFIG_DIRS_ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p]


def options(group: str) -> list[str]:
    """Option names of a config group, the user's folders included."""
    return list(clihelp.options(group, user_config_dirs()))


def field_meta(key: str) -> dict:
    """The ``param`` metadata (doc, unit, lo, hi, choices) of a dotted key such as
    ``states.china.E`` (a ``<name>`` part of the schema tree matches any entry name)."""
    for prefix, schema in schema_tree():
        pattern = re.escape(prefix).replace(re.escape("<name>"), r"[^.]+")
        match = re.fullmatch(f"{pattern}(\\w+)", key)
        if match:
            fields = {f.name: f for f in dataclasses.fields(schema)}
            if match.group(1) in fields:
                return dict(fields[match.group(1)].metadata)
    raise KeyError(f"{key}: not a parameter of the schema")


@functools.cache
def baseline_values() -> dict[str, float]:
    """The student parameters' values in the composed baseline (the sliders' start)."""
    cfg = compose_config("baseline")
    return {key: float(OmegaConf.select(cfg, key)) for key in STUDENT_PARAMS}


def _slider(key: str, label: str) -> dict:
    meta = field_meta(key)
    lo, hi = meta["lo"], meta["hi"]
    if lo is None or hi is None:
        raise ValueError(f"{key}: a slider needs a bounded range in the schema")
    return {
        "type": "SliderFloat",
        "value": baseline_values()[key],
        "label": f"{label} [{lo:g}, {hi:g}]",
        "min": lo,
        "max": hi,
        "step": (hi - lo) / 100,
    }


def model_params() -> dict[str, dict]:
    """Mesa ``SolaraViz`` inputs: seed, scenario, one select per module group, the sliders."""
    params = {
        "seed": {"type": "SliderInt", "value": 42, "label": "Seed", "min": 0, "max": SEED_MAX},
        "scenario": {
            "type": "Select",
            "value": "baseline",
            "label": "Scenario",
            "values": options("scenario"),
        },
    }
    for group in module_groups():
        params[group] = {
            "type": "Select",
            "value": AS_SCENARIO,
            "label": f"Module: {group}",
            "values": [AS_SCENARIO, *options(group)],
        }
    params.update({key: _slider(key, label) for key, label in STUDENT_PARAMS.items()})
    return params


def overrides_from_widgets(values: dict[str, Any]) -> dict[str, Any]:
    """Model overrides from widget values. A module left "as in the scenario" and a slider left
    at its baseline value are not passed, so the scenario's own choice or value holds."""
    groups, base = module_groups(), baseline_values()
    out = {}
    for key, value in values.items():
        if key in groups:
            if value != AS_SCENARIO:
                out[key] = value
        elif key in base:
            if abs(float(value) - base[key]) > 1e-9:
                out[key] = float(value)
        else:
            raise ConfigError(f"{key}: not a dashboard control")
    return out


class DashboardModel(RegulatoryCompetition):
    """The model as the dashboard's widgets build it.

    A bad config (a broken scenario file in the user's folder) does not raise: the model keeps
    its one-line message in ``error``, stays paused, and the pages show that line.
    """

    def __init__(self, seed: int = 42, scenario: str = "baseline", **kwargs: Any) -> None:
        self.error: str | None = None
        self.widget_values = dict(kwargs)
        try:
            overrides = overrides_from_widgets(kwargs)
            super().__init__(
                seed=int(seed), scenario=scenario, config_dirs=user_config_dirs(), **overrides
            )
        except ConfigError as exc:
            mesa.Model.__init__(self, seed=int(seed))
            self.seed, self.scenario, self.error = int(seed), scenario, str(exc)
            self.running = False
            # Not even Mesa's step counter moves: there is no world to step.
            self.step = self._refused

    def _refused(self) -> None:
        """What Step does when the config was refused: nothing."""

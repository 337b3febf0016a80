"""The jobs of a ``--multirun`` sweep, expanded exactly as Hydra's basic sweeper does, and the
check of a sweep's values before Hydra creates any folder.

Hydra composes each job only when it launches it, and writes ``multirun.yaml`` first, so a typo
in the fifth value of a sweep would otherwise surface after four runs, or leave a half-made sweep
folder. :func:`precheck_sweep` composes and validates one job per distinct swept value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import OmegaConf

from sim.tools.compose import CONFIG_DIR, compose_config
from sim.tools.validate import ConfigError


def is_hydra(override: str) -> bool:
    """Whether an override sets Hydra itself (launcher, sweep folder), not the run."""
    return override.lstrip("+~").startswith(("hydra.", "hydra/"))


def experiment_file(name: str, config_dirs: Iterable[str | Path] = ()) -> Path | None:
    """The YAML file of experiment ``name`` (users' folders after the package's), if any."""
    for folder in (CONFIG_DIR, *map(Path, config_dirs)):
        path = Path(folder) / "experiment" / f"{name}.yaml"
        if path.is_file():
            return path
    return None


def sweeper_params(name: str | None, config_dirs: Iterable[str | Path] = ()) -> dict[str, str]:
    """``hydra.sweeper.params`` of an experiment's file ({} without an experiment)."""
    path = experiment_file(name, config_dirs) if name else None
    if path is None:
        return {}
    params = OmegaConf.select(OmegaConf.load(path), "hydra.sweeper.params") or {}
    return {str(k): str(v) for k, v in params.items()}


def expand(params: Mapping[str, str], arguments: Iterable[str]) -> list[list[str]]:
    """Every job of a sweep as its list of ``key=value`` overrides, in Hydra's order: the
    sweeper's params first, command-line arguments replacing a param of the same key."""
    lines = [f"{k}={v}" for k, v in params.items()]
    lines += [a for a in arguments if not is_hydra(a)]
    try:
        parsed = OverridesParser.create().parse_overrides(lines)
        return BasicSweeper.split_arguments(parsed, None)[0]
    except HydraException as exc:
        raise ConfigError(f"sweep: {str(exc).splitlines()[0]}") from exc


# Set by `python -m experiments run`, which has run the sweep's precheck already.
PRECHECKED = "SIM_SWEEP_PRECHECKED"
# Bookkeeping keys whose values only pick replicates: one composition checks them all.
BOOKKEEPING = ("experiment.block=",)


def representatives(jobs: list[list[str]]) -> list[list[str]]:
    """The first job holding each distinct ``key=value``: validating these validates every
    value that the sweep uses, at a cost of the sum (not the product) of the sweep's lengths."""
    seen: set[str] = set()
    out = []
    for job in jobs:
        values = [a for a in job if not a.startswith(BOOKKEEPING)] if out else job
        if not seen.issuperset(values):
            out.append(job)
            seen.update(values)
    return out


def precheck_sweep(arguments: list[str], config_dirs: Iterable[str | Path] = ()) -> int:
    """Compose and validate one job per distinct swept value; returns the number of jobs.

    Raises:
        ConfigError: the one-line explanation of the first bad value.
    """
    name = next((a.split("=", 1)[1] for a in arguments if a.startswith("experiment=")), None)
    jobs = expand(sweeper_params(name, config_dirs), arguments)
    for a in {a for job in jobs for a in job if a.startswith(BOOKKEEPING)}:
        value = a.split("=", 1)[1]
        if not value.isdigit():
            raise ConfigError(f"{a}: a block is a whole number from 0 (range(0,n) sweeps n blocks)")
    for job in representatives(jobs):
        scenario = next((a.split("=", 1)[1] for a in job if a.startswith("scenario=")), "baseline")
        rest = [a for a in job if not a.startswith("scenario=")]
        compose_config(scenario, rest, config_dirs=config_dirs)
    return len(jobs)

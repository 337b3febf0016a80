"""The jobs of a ``--multirun`` sweep, expanded exactly as Hydra's basic sweeper does, and the
check of a sweep's values before Hydra creates any folder.

Hydra composes each job only when it launches it, and writes ``multirun.yaml`` first, so a typo
in the fifth value of a sweep would otherwise surface after four runs, or leave a half-made sweep
folder. :func:`precheck_sweep` composes and validates one job per distinct swept value.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf

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
        check_job(scenario, rest, config_dirs)
    return len(jobs)


def check_job(scenario: str, overrides: list[str], config_dirs: Iterable[str | Path] = ()) -> None:
    """What the job's run will check: ``compose_config`` composes each structural choice once
    and applies the plain values (``waico.us_pressure=4``) to a copy, as the jobs'
    :class:`CachedConfigLoader` does.

    Raises:
        ConfigError: the one-line explanation.
    """
    compose_config(scenario, overrides, config_dirs=config_dirs)


# Compositions of structural choices in this process (a worker runs many jobs of one sweep).
_COMPOSED: OrderedDict[tuple, DictConfig] = OrderedDict()
COMPOSED_SIZE = 32


class CachedConfigLoader(ConfigLoaderImpl):
    """Hydra's config loader, composing each job of a sweep from a cached composition.

    Hydra composes every job from the files again (about 0.7 s, most of a fast job's cost).
    Here a job's overrides are split into structural ones (a config group's choice: scenario,
    modules, the experiment) and values (``local.competition=1.5``, ``experiment.block=3``): the
    structural ones are composed once per distinct choice in each process, and the values are
    applied to a copy of that config by Hydra's own code, as Hydra applies them after composing
    (values cannot change the defaults list). ``sim.__main__`` installs it for multiruns; the
    launchers pickle it with the job, so their workers use it too.
    """

    def load_sweep_config(
        self, master_config: DictConfig, sweep_overrides: list[str]
    ) -> DictConfig:
        parsed = OverridesParser.create().parse_overrides(sweep_overrides)
        values = [o for o in parsed if self._is_value(o)]
        if any(o.is_hydra_override() for o in parsed) or not values:
            return super().load_sweep_config(master_config, sweep_overrides)
        structural = [o.input_line for o in parsed if not any(o is v for v in values)]
        key = (
            master_config.hydra.job.config_name,
            tuple(master_config.hydra.overrides.hydra),
            tuple(structural),
        )
        if key not in _COMPOSED:
            # (deep copies, not pickles: Hydra's plugin configs' classes do not pickle)
            _COMPOSED[key] = super().load_sweep_config(master_config, structural)
            if len(_COMPOSED) > COMPOSED_SIZE:
                _COMPOSED.popitem(last=False)
        _COMPOSED.move_to_end(key)
        cfg = copy.deepcopy(_COMPOSED[key])
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        # what Hydra records of a job's overrides: all of them, in the command line's order
        cfg.hydra.overrides.task = [o.input_line for o in parsed]
        names = cfg.hydra.job.config.override_dirname
        cfg.hydra.job.override_dirname = get_overrides_dirname(
            overrides=parsed,
            kv_sep=names.kv_sep,
            item_sep=names.item_sep,
            exclude_keys=names.exclude_keys,
        )
        OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
        return cfg

    def _is_value(self, override: Override) -> bool:
        """A plain ``key=value`` of the config, not a group's choice nor an addition."""
        return (
            override.type == OverrideType.CHANGE
            and override.package is None
            and not override.is_hydra_override()
            and not override.is_sweep_override()
            and not self.repository.group_exists(override.key_or_group.replace(".", "/"))
        )

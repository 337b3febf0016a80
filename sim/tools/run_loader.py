"""The config of one ``python -m sim`` run: composed once, and checked before Hydra makes a folder.

Hydra composes a single run twice (once to read ``hydra.mode``, once to run it), and checking the
command line beforehand composed it a third time: about 0.8 s of CPU each, most of a short run's
cost. :class:`RunConfigLoader` composes the run once, in Hydra's own way, with the checks of
:func:`sim.tools.compose.compose_config`: a quoted number is refused and the config validated, and
a bad one ends with the same one line and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.tools.compose import (
    COMPOSE_ERRORS,
    CONFIG_DIR,
    compose_config,
    invalid,
    searchpath_override,
)
from sim.tools.validate import ConfigError, validate
from sim.tools.yamlcheck import numbers_unquoted

# What Hydra adds to a single run's overrides when no config file sets hydra.mode.
MODE_RUN = "hydra.mode=RUN"


def fail(message: str) -> None:
    """End the command with one line naming what to fix, and exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


class RunConfigLoader(ConfigLoaderImpl):
    """Hydra's config loader for a single run, composing it once and checking it.

    Hydra first composes the command line to read ``hydra.mode`` (``Hydra.get_mode``, which
    ignores any error), then composes it again with ``hydra.mode=RUN`` to run it. Here the first
    call composes the run itself, checks it, and the second is given that config with the mode
    set, as Hydra sets it from that override. ``check`` (the run's scenario, its other
    overrides and ``--config-dir`` folders) names the same composition for error messages.
    """

    check: tuple[str, list[str], list[Path]] = ("baseline", [], [])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.composed: tuple[tuple[str, ...], DictConfig] | None = None

    def load_configuration(
        self,
        config_name: str | None,
        overrides: list[str],
        run_mode: RunMode,
        from_shell: bool = True,
        validate_sweep_overrides: bool = True,
    ) -> DictConfig:
        key = tuple(overrides)
        if run_mode == RunMode.MULTIRUN and not validate_sweep_overrides:  # Hydra.get_mode
            self.composed = (key, self._checked(config_name, list(overrides)))
            return self.composed[1]
        if run_mode == RunMode.RUN and self.composed is not None:
            done, cfg = self.composed
            if key == done:  # a config file set hydra.mode=RUN: Hydra adds nothing
                return cfg
            if key == (*done, MODE_RUN) and cfg.hydra.mode is None:
                parsed = OverridesParser.create().parse_overrides([MODE_RUN])
                ConfigLoaderImpl._apply_overrides_to_config(parsed, cfg)
                cfg.hydra.overrides.hydra.append(MODE_RUN)
                return cfg
        return super().load_configuration(
            config_name, overrides, run_mode, from_shell, validate_sweep_overrides
        )

    def _checked(self, config_name: str | None, overrides: list[str]) -> DictConfig:
        """The run's config as Hydra composes it, checked as ``compose_config`` checks one."""
        scenario, rest, dirs = self.check
        try:
            with numbers_unquoted():
                cfg = super().load_configuration(config_name, overrides, RunMode.RUN)
        except COMPOSE_ERRORS:
            try:  # the one line of the same composition, as the Python API explains it
                compose_config(scenario, rest, config_dirs=dirs)
            except ConfigError as exc:
                fail(str(exc))
            raise  # a Hydra setting the run's config does not hold: Hydra's own message
        try:
            validate(cfg)
        except ConfigError as exc:
            cli = rest + ([searchpath_override(dirs)] if dirs else [])
            fail(str(invalid(exc, scenario, cli, {}, [CONFIG_DIR, *dirs])))
        return cfg

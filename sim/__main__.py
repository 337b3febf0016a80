"""``python -m sim``: one run (or a ``--multirun`` sweep) as a Hydra app.

    python -m sim                                   # baseline, 40 quarters from 2025Q1
    python -m sim scenario=export_controls_tight seed=7 steps=80 policy.speed=0.3
    python -m sim states.china.E=0.3 firms.n_initial=10000
    python -m sim scenario=waico_hk_cohost export_controls=tight   # scenario plus a module
    python -m sim --config-dir my_configs scenario=my_world      # a scenario of your own
    python -m sim --help [TOPIC]                                  # scenarios and parameters
    python -m sim --version
    eval "$(python -m sim --shell-completion install=bash)"        # tab completion (bash, zsh)

``regcomp`` (the console script) is the same command.

Each run writes model.parquet, states.parquet, localities.parquet, summary.json, overview.png
and Hydra's .hydra/ into a new folder under results/runs/. Bad input ends with one line naming
what to fix, exit code 2, and no run folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from sim.tools.threads import serial_blas

serial_blas()  # before NumPy is imported (by Hydra's plugins or the model)

import hydra  # noqa: E402
from hydra.core.hydra_config import HydraConfig  # noqa: E402
from omegaconf import DictConfig  # noqa: E402

from sim.tools.compose import (  # noqa: E402
    CONFIG_DIR,
    compose_config,
    fingerprint,
    scenario_label,
    user_dirs,
)
from sim.tools.run_loader import RunConfigLoader, fail  # noqa: E402
from sim.tools.validate import ConfigError, validate  # noqa: E402
from sim.tools.yamlcheck import check_scenario_files  # noqa: E402

# Flags after which Hydra composes something other than the shipped tree, or does not run.
_NO_PRECHECK = {
    "--help",
    "-h",
    "--hydra-help",
    "--cfg",
    "-c",
    "--info",
    "-i",
    "--config-path",
    "-cp",
    "--config-name",
    "-cn",
    "--shell-completion",
    "-sc",
    "--resolve",
    "--package",
    "-p",
}


def _split(argv: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Flags, ``--config-dir`` folders and overrides of a command line."""
    flags, dirs, overrides = [], [], []
    args = iter(argv)
    for a in args:
        name, eq, value = a.partition("=")
        if name in ("--config-dir", "-cd"):
            dirs.append(value if eq else next(args, ""))
        elif a.startswith("-"):
            flags.append(name)
        else:
            overrides.append(a)
    return flags, dirs, overrides


def answer_version(flags: list[str]) -> None:
    """``--version``: the package's version (Hydra's own flag would print Hydra's)."""
    if "--version" in flags:
        import hydra
        import mesa

        import sim

        print(f"regcomp-sim {sim.__version__} (Mesa {mesa.__version__}, Hydra {hydra.__version__})")
        sys.exit(0)


def answer_completion(flags: list[str], commands: list[str]) -> None:
    """``--shell-completion``/``-sc``: ours, which also completes ``python -m sim``."""
    if "--shell-completion" in flags or "-sc" in flags:
        from sim.tools import completion

        sys.exit(completion.main(commands, os.environ.get("COMP_LINE", "")))


def precheck(argv: list[str], in_hydra: bool = False) -> None:
    """Answer ``--help``, ``--version`` and ``--shell-completion``; compose and validate the
    overrides before Hydra creates a run folder. ``in_hydra`` (``python -m sim`` itself): a single
    run is composed and checked as Hydra composes it, with the same messages, so it is composed
    once instead of three times (Hydra composes it twice)."""
    flags, dirs, overrides = _split(argv)
    answer_version(flags)
    answer_completion(flags, overrides)
    if "--help" in flags or "-h" in flags:
        from sim.tools import clihelp

        after = argv[argv.index("--help" if "--help" in argv else "-h") + 1 :]
        topic = after[0] if after and "=" not in after[0] and not after[0].startswith("-") else None
        try:
            sys.exit(clihelp.main(topic, [Path(d) for d in dirs]))
        except BrokenPipeError:  # `python -m sim --help all | head` closed the pipe: fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
    if any(f in _NO_PRECHECK for f in flags):
        return
    if "-m" in flags or "--multirun" in flags:
        from hydra.plugins.sweeper import Sweeper

        from sim.tools.sweep import PRECHECKED, precheck_sweep

        try:
            if not os.environ.get(PRECHECKED):
                precheck_sweep(overrides, dirs)
        except ConfigError as exc:
            fail(str(exc))
        # Every distinct swept value is now composed and validated; Hydra would compose every
        # job once more, serially, before launching any (0.7 s each: minutes for a big sweep).
        # Patched on the base class: Hydra re-imports its plugin modules (BasicSweeper).
        Sweeper.validate_batch_is_legal = lambda self, batch: None
        # Each job composed from a cached composition of its structural choices.
        import hydra._internal.hydra as hydra_internal

        from sim.tools.sweep import CachedConfigLoader

        hydra_internal.ConfigLoaderImpl = CachedConfigLoader
        return
    scenario, rest = "baseline", []
    for a in overrides:
        if a.startswith("scenario="):
            scenario = a.split("=", 1)[1]
        elif not a.startswith(("hydra.", "hydra/")):
            rest.append(a)
    try:
        if not in_hydra:
            compose_config(scenario, rest, config_dirs=dirs)
            return
        folders = user_dirs(dirs)  # what compose_config checks before composing
        search = (CONFIG_DIR, *folders)
        check_scenario_files(scenario, search, fingerprint(search))
    except ConfigError as exc:
        fail(str(exc))
    # Hydra's own composition of the run is checked instead (run_loader.py): composed once.
    import hydra._internal.hydra as hydra_internal

    RunConfigLoader.check = (scenario, rest, folders)
    hydra_internal.ConfigLoaderImpl = RunConfigLoader


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def app(cfg: DictConfig) -> float:
    """The Hydra task: validate, run, write, print. Returns the final US capability share."""
    from sim.tools.runner import summary_table

    hc = HydraConfig.get()
    outdir = Path(hc.runtime.output_dir)
    label = scenario_label(hc.runtime.choices.get("scenario"), list(hc.overrides.task))
    if cfg.experiment.name:  # a job of an experiment's sweep: experiments/jobs.py
        from experiments.jobs import run_job

        status = run_job(cfg, outdir, label, list(hc.overrides.task), dict(hc.runtime.choices))
        return float("nan") if status == "failed" else 0.0
    try:
        validate(cfg)
    except ConfigError as exc:
        shutil.rmtree(outdir, ignore_errors=True)  # nothing but Hydra's own files is there yet
        fail(str(exc))
    summary = _run_in_folder(cfg, label, outdir, list(hc.overrides.task))
    if not cfg.output.quiet:
        print(summary_table(summary, extra=tuple(cfg.output.highlight)))
        print(f"\noutputs: {outdir}")
    return summary["final"]["capability_share_us"]


def _run_in_folder(cfg: DictConfig, label: str, outdir: Path, overrides: list[str]) -> dict:
    """Run into ``outdir`` (complete with ``done.json``, or ``error.txt`` and exit 1)."""
    from sim.model import RegulatoryCompetition
    from sim.tools.runner import RunFailed, run_in_folder

    try:
        build = lambda: RegulatoryCompetition(config=cfg, scenario=label)  # noqa: E731
        return run_in_folder(build, outdir, cfg.output.figure, overrides)
    except RunFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


def _watch_runner() -> None:
    """In a sweep started by ``python -m experiments run``: end this process group (the
    launcher's workers) as soon as the runner is gone, whatever killed it."""
    runner = os.environ.get("SIM_RUNNER_PID")  # experiments.lifecycle.RUNNER_PID
    if runner:
        from experiments.lifecycle import watch_parent

        watch_parent(int(runner))


def main() -> None:
    """Entry point: pre-check the command line, then hand it to Hydra."""
    precheck(sys.argv[1:], in_hydra=True)
    _watch_runner()
    app()


if __name__ == "__main__":
    main()

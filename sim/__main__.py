"""``python -m sim``: one run (or a ``--multirun`` sweep) as a Hydra app.

    python -m sim                                   # baseline, 40 quarters from 2025Q1
    python -m sim scenario=export_controls_tight seed=7 steps=80 policy.speed=0.3
    python -m sim states.china.E=0.3 firms.n_initial=10000

Each run writes model.parquet, states.parquet, localities.parquet, summary.json, overview.png
and Hydra's .hydra/ into a new folder under results/runs/. Bad input ends with one line naming
what to fix, exit code 2, and no run folder.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.compose import CONFIG_DIR, compose_config
from sim.validate import ConfigError, validate

# Flags after which Hydra composes something other than the shipped tree, or does not run.
_NO_PRECHECK = {
    "-m",
    "--multirun",
    "--help",
    "-h",
    "--hydra-help",
    "--cfg",
    "-c",
    "--info",
    "-i",
    "--config-dir",
    "-cd",
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


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def precheck(argv: list[str]) -> None:
    """Compose and validate the overrides before Hydra creates a run folder."""
    if any(a.split("=")[0] in _NO_PRECHECK for a in argv):
        return
    overrides = [a for a in argv if not a.startswith(("hydra.", "hydra/", "-"))]
    scenario = "baseline"
    rest = []
    for a in overrides:
        if a.startswith("scenario="):
            scenario = a.split("=", 1)[1]
        else:
            rest.append(a)
    try:
        compose_config(scenario, rest)
    except ConfigError as exc:
        _fail(str(exc))


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def app(cfg: DictConfig) -> float:
    """The Hydra task: validate, run, write, print. Returns the final US capability share."""
    from sim.model import RegulatoryCompetition
    from sim.runner import run_and_write, summary_table

    hc = HydraConfig.get()
    outdir = Path(hc.runtime.output_dir)
    try:
        validate(cfg)
    except ConfigError as exc:
        shutil.rmtree(outdir, ignore_errors=True)  # nothing but Hydra's own files is there yet
        _fail(str(exc))
    model = RegulatoryCompetition(config=cfg, scenario=hc.runtime.choices.get("scenario"))
    summary = run_and_write(model, outdir, figure=cfg.output.figure)
    if not cfg.output.quiet:
        print(summary_table(summary))
        print(f"\noutputs: {outdir}")
    return summary["final"]["capability_share_us"]


def main() -> None:
    """Entry point: pre-check the command line, then hand it to Hydra."""
    precheck(sys.argv[1:])
    app()


if __name__ == "__main__":
    main()

"""What an experiment is: its YAML file in ``configs/experiment/``, the jobs it expands to (full or
quick), the grid that actually runs, and the folders its sweep and figures go to.

A sweep with the user's own overrides goes to a folder of its own, named for them
(``results/sweeps/<name>+<digest>/``), and only ``python -m experiments reproduce`` writes the
committed figures in ``results/figures/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from omegaconf import OmegaConf

from experiments.jobs import job_id, replicates, run_folder
from sim.config import ExperimentConfig
from sim.tools.compose import CONFIG_DIR
from sim.tools.outputs import short_digest
from sim.tools.sweep import expand, experiment_file, is_hydra
from sim.tools.validate import ConfigError

# E1-E6 of MODEL.md §8, in the order `reproduce` runs them.
EXPERIMENTS = (
    "dual_track",
    "local_competition",
    "circulation",
    "waico_adoption",
    "convergence",
    "export_controls",
)
RESULTS = Path("results")


@dataclass(frozen=True)
class Experiment:
    """One experiment file, read as data (Hydra composes it again for every job)."""

    name: str
    path: Path
    title: str
    params: dict[str, str]
    quick: dict
    per_job_default: int
    config_dirs: tuple[str, ...] = ()

    @classmethod
    def load(cls, name: str, config_dirs: tuple[str, ...] = ()) -> Experiment:
        path = experiment_file(name, config_dirs)
        if path is None:
            known = ", ".join(available(config_dirs))
            raise ConfigError(f"experiment: unknown experiment '{name}'; available: {known}")
        try:
            raw = OmegaConf.load(path)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ConfigError(f"{where}: malformed YAML: {getattr(exc, 'problem', exc)}") from exc
        params = _plain(OmegaConf.select(raw, "hydra.sweeper.params"))
        quick = _plain(OmegaConf.select(raw, "experiment.quick"))
        per_job = OmegaConf.select(raw, "experiment.per_job", default=ExperimentConfig.per_job)
        title = next((ln[2:] for ln in path.read_text().splitlines()[1:2]), name).split(" (")[0]
        params = {str(k): str(v) for k, v in params.items()}
        return cls(name, path, title, params, quick, per_job, config_dirs)

    def overrides(self, quick: bool, extra: tuple[str, ...] = ()) -> list[str]:
        """The command-line overrides of the sweep: the quick version's replacements, then the
        user's own (which win)."""
        out = [f"experiment={self.name}"]
        if quick:
            q = self.quick
            if "blocks" in q:
                out.append(f"experiment.block=range(0,{int(q['blocks'])})")
            if "per_job" in q:
                out.append(f"experiment.per_job={int(q['per_job'])}")
            if "steps" in q:
                out.append(f"steps={int(q['steps'])}")
            out += [f"{k}={v}" for k, v in (q.get("params") or {}).items()]
        return [*out, *extra]

    def jobs(self, quick: bool, extra: tuple[str, ...] = ()) -> list[list[str]]:
        """Every job's task overrides, in Hydra's launch order."""
        return expand(self.params, self.overrides(quick, extra))

    def per_job(self, quick: bool, extra: tuple[str, ...] = ()) -> int:
        """Replicates per job: the command line's, else the quick version's, else the file's."""
        for o in reversed(self.overrides(quick, extra)):
            if o.startswith("experiment.per_job="):
                return int(o.split("=", 1)[1])
        return int(self.per_job_default)

    def runs(self, quick: bool, extra: tuple[str, ...] = ()) -> list[str]:
        """Every run's name, ``<job>/replicate=<r>``, in launch order."""
        n, out = self.per_job(quick, extra), []
        for job in self.jobs(quick, extra):
            block = next(
                (int(o.split("=")[1]) for o in job if o.startswith("experiment.block=")), 0
            )
            out += [f"{job_id(job)}/{run_folder(r)}" for r in replicates(block, n)]
        return out

    def grid(self, quick: bool, extra: tuple[str, ...] = ()) -> dict[str, str]:
        """The swept values that actually run: the file's ``params``, replaced by the quick
        version's and then by the command line's for the same key, plus any key the command line
        sweeps itself (``a=1,2``)."""
        grid = dict(self.params)
        for o in self.overrides(quick, extra)[1:]:
            key, _, value = o.partition("=")
            if is_hydra(o) or key.startswith("experiment."):
                continue
            if key in grid or "," in value or value.startswith(("range(", "choice(", "glob(")):
                grid[key] = value
        return grid

    def sweep_root(self, quick: bool, extra: tuple[str, ...] = ()) -> Path:
        """``results/sweeps/<name>/`` (``<name>_quick`` for the quick version), with
        ``+<digest of the overrides>`` when the command line changes the runs."""
        name = f"{self.name}_quick" if quick else self.name
        own = sorted(o for o in extra if not is_hydra(o))
        return RESULTS / "sweeps" / (f"{name}+{short_digest(chr(10).join(own))}" if own else name)

    def figure_dir(self, quick: bool, extra: tuple[str, ...] = (), committed: bool = False) -> Path:
        """Where the figure goes: for ``reproduce`` (``committed``) ``results/figures/`` (or
        ``results/figures/quick/``, not committed); else the sweep folder's ``figure/``."""
        if committed:
            return RESULTS / "figures" / ("quick" if quick else "")
        return self.sweep_root(quick, extra) / "figure"


def _plain(node) -> dict:
    """A config node as a plain dict ({} when absent)."""
    return OmegaConf.to_container(node) if OmegaConf.is_config(node) else {}


def available(config_dirs: tuple[str, ...] = ()) -> list[str]:
    """Names of the experiments in the package's and the users' folders."""
    folders = [CONFIG_DIR, *map(Path, config_dirs)]
    return sorted({p.stem for f in folders for p in (Path(f) / "experiment").glob("*.yaml")})

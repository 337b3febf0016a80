"""E7 on the other launchers: the command line's launcher options, their one-line errors before
any folder, and the same bits from submitit's local processes as from one process."""

from __future__ import annotations

import shutil

import pytest
from test_sensitivity_run import YAML, stand_ins

from experiments.sensitivity import design as d
from experiments.sensitivity import settings as settings_
from experiments.sensitivity import stages
from experiments.sensitivity.launch import (
    Launch,
    check,
    ray_options,
    split_options,
    submitit_parameters,
)
from sim.tools.validate import ConfigError


def test_launcher_options_are_split_from_the_settings_and_read_as_yaml():
    settings, options = split_options(
        ("morris.r=4", "hydra.launcher.partition=cpu", "+hydra.launcher.mem_gb=4", "stages=morris")
    )
    assert settings == ("morris.r=4", "stages=morris")
    assert options == {"partition": "cpu", "mem_gb": 4}
    with pytest.raises(ConfigError, match=r"hydra\.launcher\.<key>=<value>"):
        split_options(("hydra.launcher.partition",))


def test_submitit_options_map_as_hydras_plugin_maps_them():
    slurm = submitit_parameters("submitit_slurm", {"partition": "cpu", "timeout_min": 30})
    assert slurm == {"cpus_per_task": 1, "slurm_partition": "cpu", "timeout_min": 30}
    local = submitit_parameters("submitit_local", {"cpus_per_task": 2})
    assert local == {"timeout_min": 30, "cpus_per_task": 2}


def test_bad_launcher_options_give_one_line(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")  # a Slurm login node
    check(Launch("submitit_slurm", 4, {"partition": "cpu", "account": "lab", "mem_gb": 8}))
    for launch, words in [
        (Launch("submitit_slurm", None, {"partitio": "cpu"}), "unknown option hydra.launcher.partitio"),  # noqa: E501
        (Launch("submitit_local", None, {"partition": "cpu"}), "unknown option hydra.launcher.partition"),  # noqa: E501
        (Launch("submitit_slurm", None, {"a.b": 1}), "is not a submitit option"),
        (Launch("ray", None, {"num_cpus": 2}), "hydra.launcher.ray.init.<key>"),
        (Launch("joblib", 2, {"n_jobs": 2}), "takes no hydra.launcher options"),
    ]:  # fmt: skip
        with pytest.raises(ConfigError, match=words.replace(".", r"\.")) as err:
            check(launch)
        assert "\n" not in str(err.value)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # not a cluster
    with pytest.raises(ConfigError, match="no `sbatch` on this machine"):
        check(Launch("submitit_slurm"))


def test_ray_options_reach_init_and_remote():
    init, remote = ray_options({"ray.init.address": "auto", "ray.remote.num_cpus": 2})
    assert init == {"address": "auto"} and remote == {"num_cpus": 2}


def test_slurm_off_a_cluster_is_refused_before_any_folder(tmp_path, monkeypatch, capsys):
    from experiments.__main__ import main

    monkeypatch.setattr(d, "uncertainties", stand_ins)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "sensitivity", "--quick", "--launcher", "submitit_slurm"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no `sbatch`" in err and "\n" not in err
    assert not (tmp_path / "results").exists()


# four jobs: two of morris (five points each) and two of defaults (a seed each)
TINY = ("steps=6", "uncertainties=4", "morris.r=2", "morris.per_job=5", "defaults.seeds=2",
        "defaults.per_job=1", "stages=morris,defaults")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["submitit_local", "ray"])
def test_another_launcher_gives_the_bits_of_one_process(launcher, tmp_path):
    if launcher == "ray":
        pytest.importorskip("ray", reason="pip install -e '.[ray]'")
    s = settings_.load(YAML, True, TINY)
    one = stages.plan(s, stand_ins())
    stages.run(one, tmp_path / "one", Launch("basic"), progress=False)
    many = stages.plan(s, stand_ins())
    points, failed = stages.run(many, tmp_path / "many", Launch(launcher, 2), False)
    assert not failed and set(points.stage) == {"morris", "defaults"} and len(points) == 12
    if launcher == "submitit_local":  # the jobs ran in submitit's processes
        assert any((tmp_path / "many" / "submitit").glob("*/*_result.pkl"))
    a = (tmp_path / "one" / "points.parquet").read_bytes()
    assert a == (tmp_path / "many" / "points.parquet").read_bytes()

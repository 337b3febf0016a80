"""The life of a sweep's processes: one runner per sweep folder, a launcher checked before it
starts, numbered launch logs, and no process left behind when the runner dies.

``python -m experiments run`` holds an ``flock`` on the sweep folder's ``.lock`` (the kernel drops
it when the runner dies, by any signal, so it is never stale) and starts the Hydra sweep as a
child in a session of its own. The child watches its parent: once the runner is gone it ends its
whole process group (itself and the launcher's workers), so a killed runner leaves nothing
running that could write into the folder beside the next one.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.tools.outputs import FolderBusy, FolderLock
from sim.tools.validate import ConfigError

RUNNER_PID = "SIM_RUNNER_PID"  # set for the child: the pid whose death ends the sweep
POLL_S = 0.25

# The modules each launcher needs, and the extra that installs them.
EXTRAS = {
    "ray": (("hydra_plugins.hydra_ray_launcher", "ray"), "ray"),
    "submitit_local": (("hydra_plugins.hydra_submitit_launcher", "submitit"), "slurm"),
    "submitit_slurm": (("hydra_plugins.hydra_submitit_launcher", "submitit"), "slurm"),
    "joblib": (("hydra_plugins.hydra_joblib_launcher",), None),
}


def check_launcher(launcher: str) -> None:
    """Raise a one-line :class:`ConfigError` when ``launcher``'s plugin is not installed."""
    modules, extra = EXTRAS.get(launcher, ((), None))
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            how = f'pip install -e ".[{extra}]"' if extra else "pip install -e ."
            raise ConfigError(f"--launcher {launcher}: {module} is not installed; {how}")


class SweepBusy(ConfigError):
    """Another runner holds the sweep folder."""


def lock_sweep(root: Path) -> FolderLock:
    """Lock ``root`` for this runner, or raise :class:`SweepBusy` with one line."""
    try:
        return FolderLock(root).acquire()
    except FolderBusy as exc:
        raise SweepBusy(
            f"{root} is in use by another `python -m experiments run` ({exc}); wait for it to "
            "finish or stop it, then run again"
        ) from exc


def next_log(root: Path) -> Path:
    """``launch-<n>.log``, one past the highest existing (earlier launches' logs are kept)."""
    found = (re.fullmatch(r"launch-(\d+)\.log", p.name) for p in root.glob("launch-*.log"))
    numbers = [int(m.group(1)) for m in found if m]
    return root / f"launch-{max(numbers, default=0) + 1:03d}.log"


def watch_parent(parent: int) -> None:
    """In the sweep's child: a daemon thread that ends this process's group once ``parent``
    (the runner) is gone. SIGTERM reaches the workers too; SIGKILL follows if any survive."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os.killpg(os.getpgrp(), signal.SIGTERM)  # this process too: its default action ends it
        time.sleep(5)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="watch-runner", daemon=True).start()


def stop_group(proc, grace: float = 10.0) -> None:
    """End a child started in its own session and everything in its group."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except Exception:  # subprocess.TimeoutExpired: try harder
            continue


class Interrupted(Exception):
    """The runner was stopped (Ctrl-C, SIGTERM, SIGHUP); finished runs are kept."""


def raise_on_signals() -> dict:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Interrupted` (returns the old handlers)."""

    def handler(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        old[sig] = signal.signal(sig, handler)
    return old


def restore_signals(old: dict) -> None:
    for sig, h in old.items():
        signal.signal(sig, h)


@contextmanager
def own_sweep(root: Path) -> Iterator[FolderLock]:
    """Hold ``root`` for one runner: writable (else one line), locked, signals turned into
    :class:`Interrupted`, a killed runner's stale temporary files removed (its workers are gone:
    we hold the lock); handlers restored and the lock released on the way out."""
    from sim.tools.outputs import Unwritable, ensure_writable, remove_stale_tmp

    try:
        ensure_writable(root, "results")
    except Unwritable as exc:
        raise ConfigError(str(exc)) from exc
    lock = lock_sweep(root)
    old = raise_on_signals()
    try:
        remove_stale_tmp(root)
        yield lock
    finally:
        restore_signals(old)
        lock.release()

"""One BLAS thread per process for the command line and the sweeps' workers.

A launcher already runs one job per core; a threaded BLAS beside it only spins on the other
core (a 100,000-firm run: 3.4 s wall, but 6.5 CPU seconds with OpenBLAS's threads). The
variables are read when NumPy is first imported, so :func:`serial_blas` runs before that;
a value the user set is kept.
"""

from __future__ import annotations

import os

SERIAL_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def serial_blas() -> None:
    """Ask for one BLAS/OpenMP thread in this process and those it starts (unless set)."""
    for key, value in SERIAL_ENV.items():
        os.environ.setdefault(key, value)

"""One BLAS thread for the firms' matrix-vector product (``FirmPopulation.by_market``).

A firms x markets product is large enough for OpenBLAS to thread it, but each thread has only
a few columns to do: on two cores the threaded call is several times slower than the serial one,
and the idle worker then spins, burning the other core (half the CPU of a 100,000-firm run).
OpenBLAS splits this product by rows of the result, so one thread gives the same bits as two
(``tests/test_kernels.py`` checks it). The thread count is set for the call only and restored, so
a user's own linear algebra keeps its threads. Without a known OpenBLAS (another BLAS, a NumPy
without BLAS) this is a no-op.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import glob
import os
from collections.abc import Iterator

import numpy as np

# The thread-count functions of the OpenBLAS builds NumPy's wheels ship (64-bit ints, renamed
# symbols) and of a plain OpenBLAS.
_SYMBOLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)


@functools.cache
def _thread_control() -> tuple | None:
    """(get, set) of the OpenBLAS thread count NumPy uses, or None."""
    root = os.path.dirname(np.__file__)
    paths = glob.glob(os.path.join(root + ".libs", "*openblas*"))  # Linux and Windows wheels
    paths += glob.glob(os.path.join(root, ".dylibs", "*openblas*"))  # macOS wheels
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get, set_ in _SYMBOLS:
            if hasattr(lib, get) and hasattr(lib, set_):
                getattr(lib, set_).argtypes = [ctypes.c_int]
                return getattr(lib, get), getattr(lib, set_)
    return None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the body with OpenBLAS on one thread, then restore its thread count."""
    control = _thread_control()
    if control is None:
        yield
        return
    get, set_ = control
    threads = get()
    if threads == 1:
        yield
        return
    set_(1)
    try:
        yield
    finally:
        set_(threads)

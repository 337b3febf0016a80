"""One figure script per experiment (``<experiment>.py`` with a ``draw(sweep)`` function); the
shared loading, statistics and saving are in :mod:`experiments.figures.common`."""

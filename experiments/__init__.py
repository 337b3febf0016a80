"""Sweeps, aggregation and figure scripts (filled by the experiment-runner issue)."""

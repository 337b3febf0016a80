"""Agent-based simulation of regulatory competition in AI governance."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("regcomp-sim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["ConfigError", "RegulatoryCompetition", "__version__"]


def __getattr__(name: str):
    # Imported on first use, so that `python -m sim` can set its thread limits before NumPy
    # is loaded (sim/__main__.py): importing the package alone loads no NumPy.
    if name == "RegulatoryCompetition":
        from sim.model import RegulatoryCompetition

        return RegulatoryCompetition
    if name == "ConfigError":
        from sim.tools.validate import ConfigError

        return ConfigError
    raise AttributeError(f"module 'sim' has no attribute {name!r}")

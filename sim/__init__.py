"""Agent-based simulation of regulatory competition in AI governance."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("regcomp-sim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

from sim.model import RegulatoryCompetition
from sim.tools.validate import ConfigError

__all__ = ["ConfigError", "RegulatoryCompetition", "__version__"]

"""The model's actors, one file each."""

from sim.agents.firms import Firm, FirmPopulation
from sim.agents.state import State

__all__ = ["Firm", "FirmPopulation", "State"]

"""International institutions and trust (``waico.*``, ``accords.<name>.*``, ``trust.*``).

Placeholder schemas: the WAICO issue fills them in.
"""

from dataclasses import dataclass

from sim.config.base import param


@dataclass
class WaicoConfig:
    """WAICO: the proposed World AI Cooperation Organization (000, 003)."""

    enabled: bool = param(False, "whether WAICO is proposed in this run", "flag", source="000")


@dataclass
class AccordConfig:
    """International instrument: a soft norm or convention with its signatories (000)."""

    label: str = param("", "display name", "text", source="000")


@dataclass
class TrustParams:
    """Trust: how trust between states changes (shared membership, controls, incidents)."""


def cross_check(cfg) -> str | None:
    """Checks across keys that the schema cannot express; returns a one-line error or None."""
    return None

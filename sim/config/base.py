"""The ``param`` declaration every schema uses, and the model's fixed vocabularies."""

from dataclasses import MISSING as DC_MISSING
from dataclasses import field
from typing import Any

from omegaconf import MISSING

POLES = ("us", "eu", "china")
GOVERNANCE = ("single_track", "dual_track", "silos")
MODES = ("binding", "voluntary", "hybrid")
# The states a reader looks for first: drawn and printed by default (output.highlight adds more).
MAIN_STATES = ("us", "eu", "china", "uk", "japan", "south_korea", "singapore", "india")


def param(
    default: Any,
    doc: str,
    unit: str,
    lo: float | None = None,
    hi: float | None = None,
    source: str = "",
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a documented parameter: a dataclass field whose metadata the validator reads."""
    meta = {"doc": doc, "unit": unit, "lo": lo, "hi": hi, "source": source, "choices": choices}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def has_default(f: Any) -> bool:
    """Whether a dataclass field has a usable default (not MISSING)."""
    if f.default is not DC_MISSING:
        return f.default is not MISSING
    return f.default_factory is not DC_MISSING

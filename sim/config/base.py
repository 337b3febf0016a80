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


# What a parameter is (issue 15, docs/sensitivity.md): an *uncertainty* is outside anyone's
# control (elasticities, rates, magnitudes) and is swept over its plausible range by the
# sensitivity experiment; a *lever* is a policy choice (controls, enforcement, the headquarters,
# competition intensity); *data* is an observed input; a *setting* fixes the run's resolution or
# outputs (steps, number of firms, what is written) and is neither sourced nor swept.
ROLES = ("uncertainty", "lever", "data", "setting")
# Where its default comes from: a source that gives the number (*sourced*), a number derived from
# a related observed quantity (*proxy*), or the modeller's judgement (*assumed*).
PROVENANCES = ("sourced", "proxy", "assumed")


def param(
    default: Any,
    doc: str,
    unit: str,
    lo: float | None = None,
    hi: float | None = None,
    source: str = "",
    choices: tuple[str, ...] | None = None,
    *,
    role: str = "",
    provenance: str = "",
    plausible: tuple[float, float] | None = None,
    why: str = "",
) -> Any:
    """Declare a documented parameter: a dataclass field whose metadata the validator reads.

    ``lo``/``hi`` bound what the model accepts; ``plausible`` (an uncertainty's) is the narrower
    range the sensitivity experiment samples, and ``why`` says where that range comes from."""
    meta = {
        "doc": doc,
        "unit": unit,
        "lo": lo,
        "hi": hi,
        "source": source,
        "choices": choices,
        "role": role,
        "provenance": provenance,
        "plausible": plausible,
        "why": why,
    }
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def has_default(f: Any) -> bool:
    """Whether a dataclass field has a usable default (not MISSING)."""
    if f.default is not DC_MISSING:
        return f.default is not MISSING
    return f.default_factory is not DC_MISSING


def default(f: Any) -> Any:
    """A field's default value (calling its factory), or ``MISSING`` when it must be given."""
    if f.default is not DC_MISSING:
        return f.default
    if f.default_factory is not DC_MISSING:
        return f.default_factory()
    return MISSING

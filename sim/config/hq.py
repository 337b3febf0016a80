"""WAICO's headquarters from drivers (``waico.hosts.*``, ``waico.credibility_weights.*``).

Each host city has named, sourced features; ``sim/agents/waico.py`` turns them into the
credibility a state grants the headquarters (docs/ODD.md 7.13.3). The values live in
``configs/world/institutions.yaml`` with their sources; the defaults here are placeholders.
"""

from dataclasses import dataclass, field

from sim.config.base import param

# The host cities with features; "cohost" (Shanghai with Hong Kong) mixes two of them.
HOSTS = ("shanghai", "hong_kong", "singapore")
FEATURES = ("rule_of_law", "voice", "independence", "institutions", "neutrality")
CREDIBILITY_FROM = ("features", "typed")

_WORLD = "world file (configs/world/institutions.yaml), per host"
_WEIGHT = "stated assumption: equal weights (no estimate of how states weigh a host); swept +-50%"


@dataclass
class HostFeatures:
    """One host city's features, each in [0, 1]."""

    rule_of_law: float = param(
        0.0,
        "World Bank WGI Rule of Law percentile rank of the host's jurisdiction, over 100",
        "share",
        0,
        1,
        source=_WORLD,
        role="data",
        provenance="sourced",
    )
    voice: float = param(
        0.0,
        "World Bank WGI Voice and Accountability percentile rank, over 100",
        "share",
        0,
        1,
        source=_WORLD,
        role="data",
        provenance="sourced",
    )
    independence: float = param(
        0.0,
        "independence of the host's jurisdiction from the proposer (0 a city of the proposer, "
        "1 a sovereign third state)",
        "share",
        0,
        1,
        source=_WORLD,
        role="data",
        provenance="assumed",
    )
    institutions: float = param(
        0.0,
        "share of three institutions trusted across the poles the host has: an AI assurance "
        "body with foreign members, a leading arbitration seat, an intergovernmental secretariat",
        "share",
        0,
        1,
        source=_WORLD,
        role="data",
        provenance="proxy",
    )
    alignment: dict[str, float] = param(
        {"us": 1.0, "eu": 1.0, "china": 1.0},
        "the host's weights on the poles (its neutrality is 1 - abs(us - china) / (us + china))",
        "weight",
        0,
        1,
        source=_WORLD,
        role="data",
        provenance="assumed",
    )


@dataclass
class Hosts:
    """The host cities' features."""

    shanghai: HostFeatures = field(default_factory=HostFeatures)
    hong_kong: HostFeatures = field(default_factory=HostFeatures)
    singapore: HostFeatures = field(default_factory=HostFeatures)


def _weight(doc: str):
    """One feature's weight: equal weights by default, each uncertain by half."""
    return param(
        1.0,
        doc,
        "weight",
        0,
        10,
        source=_WEIGHT,
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 1.5),
        why="assumed: +-50% around equal weights",
    )


@dataclass
class CredibilityWeights:
    """Weights of the host features in its credibility."""

    rule_of_law: float = _weight("weight of the rule of law")
    voice: float = _weight("weight of voice and accountability")
    independence: float = _weight(
        "weight of independence from the proposer, as the judging state sees it"
    )
    institutions: float = _weight("weight of existing trusted institutions")
    neutrality: float = _weight("weight of the host's neutrality between the poles")


def hq_check(w) -> str | None:
    """One-line error for headquarters settings the schema cannot check, or None."""
    weights = w.credibility_weights
    if w.credibility_from == "features" and sum(weights[k] for k in FEATURES) <= 0:
        return "waico.credibility_weights: all zero; give at least one weight > 0"
    for hq in HOSTS:
        for pole in ("us", "eu", "china"):
            if pole not in w.hosts[hq].alignment:
                return f"waico.hosts.{hq}.alignment: no entry for '{pole}'; give us, eu and china"
    return None

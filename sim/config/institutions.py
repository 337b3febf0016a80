"""International institutions and trust (``waico.*``, ``accords.<name>.*``, ``trust.*``).

The mechanisms are in ``sim/agents/waico.py`` (WAICO), ``sim/agents/accords.py`` (the other
instruments) and ``sim/trust.py``; docs/ODD.md, "International institutions and trust", gives the
equations. The data (China trade shares, the accords' signatories) live in
``configs/world/institutions.yaml`` with their sources.
"""

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.base import param
from sim.config.hq import CREDIBILITY_FROM, CredibilityWeights, Hosts, hq_check

HQ_CHOICES = ("shanghai", "hong_kong", "cohost", "singapore")
# WAICO is China's proposal (000, 003): the state whose products gain access and whom joiners
# must trust.
PROPOSER = "china"
# The state whose counter-pressure enters the joining utility (001: Kratsios urged Asian partners).
COUNTER = "us"

_STATED = "stated estimate (no empirical estimate exists); ODD 'WAICO' discusses it"


@dataclass
class WaicoConfig:
    """WAICO: the proposed World AI Cooperation Organization, its headquarters and membership."""

    enabled: bool = param(
        False,
        "whether WAICO is proposed in this run",
        "flag",
        source="lever: scenarios set it",
        role="lever",
        provenance="assumed",
    )
    proposed: str = param(
        "2025Q3",
        "quarter WAICO is proposed (founding members join; others may join from then)",
        "YYYYQn",
        source="Li Qiang at the World AI Conference, Shanghai, 26 Jul 2025 (003, 001)",
        role="data",
        provenance="sourced",
    )
    founding_lag: int = param(
        4,
        "quarters from the proposal to the founding, when membership starts to act",
        "quarters",
        0,
        40,
        source="about a year: a non-binding body needs no ratification; the AIIB, China's "
        "earlier multilateral initiative, took about two years (Oct 2013 to Dec 2015)",
        role="uncertainty",
        provenance="assumed",
        plausible=(2, 8),
        why="half a year to twice the AIIB's two years (Oct 2013 to Dec 2015)",
    )
    hq: str = param(
        "shanghai",
        "headquarters: shanghai, hong_kong, cohost (Shanghai with Hong Kong) or singapore",
        "name",
        choices=HQ_CHOICES,
        source="Shanghai suggested by China (000); Hong Kong co-hosting and Singapore (003)",
        role="lever",
        provenance="sourced",
    )
    founding: list[str] = param(
        [PROPOSER],
        "founding members (they do not reconsider membership)",
        "state names",
        source="only China had committed when it was proposed (000, 003)",
        role="data",
        provenance="sourced",
    )
    global_south: list[str] = param(
        ["india", "asean", "latin_america", "africa"],
        "states eligible for WAICO's capacity-building support",
        "state names",
        source="000: focus on supporting the Global South; the world's low- and middle-income "
        "states and blocs (World Bank income groups)",
        role="data",
        provenance="sourced",
    )
    standard_R: float = param(
        0.5,
        "restrictiveness of the harmonised standard",
        "index",
        0,
        1,
        source="stated estimate: risk rules lighter than China's pre-launch review (R 0.7), "
        "'respecting differing national approaches' (000)",
        role="lever",
        provenance="assumed",
    )
    standard_F: float = param(
        0.7,
        "facilitation of the harmonised standard",
        "index",
        0,
        1,
        source="China's facilitative modality, AI+ and open weights (000, 002): China's F",
        role="lever",
        provenance="proxy",
    )
    standard_E: float = param(
        0.35,
        "enforcement of the harmonised standard",
        "index",
        0,
        1,
        source="China's 'tolerant and prudent' soft enforcement (000): China's E",
        role="lever",
        provenance="proxy",
    )
    china_trade: dict[str, float] = param(
        {},
        "trade with China per state: share of its goods trade (every state but China)",
        "share",
        0,
        1,
        source="world file (configs/world/institutions.yaml), per state",
        role="data",
        provenance="sourced",
    )
    credibility_from: str = param(
        "features",
        "where the headquarters' credibility comes from: the hosts' features, judged by each "
        "state (features), or one typed value per hq (typed, for comparison)",
        "name",
        choices=CREDIBILITY_FROM,
        source="issue 13 item 6: the headquarters effect from drivers, not a number",
        role="setting",
    )
    hosts: Hosts = field(default_factory=Hosts)
    credibility_weights: CredibilityWeights = field(default_factory=CredibilityWeights)
    credibility_cap: float = param(
        0.6,
        "share of distrust of China a host with every feature at its best offsets",
        "share",
        0,
        1,
        source="stated assumption: the body stays China's initiative wherever it sits (003); swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.3, 0.9),
        why="assumed: +-50% (a share)",
    )
    cohost_share: float = param(
        0.5,
        "Hong Kong's share in a co-hosted headquarters' features (Shanghai has the rest)",
        "share",
        0,
        1,
        source="003: Hong Kong the international coordination hub, Shanghai the technical "
        "research role; an even split is a stated assumption",
        role="lever",
        provenance="assumed",
    )
    credibility: dict[str, float] = param(
        {"shanghai": 0.0, "hong_kong": 0.3, "cohost": 0.2, "singapore": 0.5},
        "share of distrust of China the headquarters offsets, per hq (credibility_from typed)",
        "share",
        0,
        1,
        source="ordering from 003: Shanghai the reference (critics fear a vehicle for China's "
        "agenda); Hong Kong's judiciary 'could help bridge this trust gap'; co-hosting between; "
        "Singapore 'a city Western partners can trust' yet the body stays China's; sizes stated",
        role="data",
        provenance="assumed",
    )
    hq_capacity: dict[str, float] = param(
        {"shanghai": 1.0, "hong_kong": 0.8, "cohost": 1.0, "singapore": 0.6},
        "share of China's capacity-building offer delivered through the host, per hq",
        "share",
        0,
        1,
        source="003: Shanghai's 1,100+ core AI firms and 100,000 professionals keep the "
        "technical role when co-hosting; Hong Kong's 500+ start-ups; a neutral host runs "
        "China's programmes at arm's length; sizes stated",
        role="data",
        provenance="assumed",
    )
    utility_base: float = param(
        0.0,
        "utility of joining with every other term at zero (costs not named by the other terms)",
        "utility",
        -10,
        10,
        source="none beyond the named terms: a non-binding body needs no ratification (000); "
        "a lever for sensitivity analysis",
        role="uncertainty",
        provenance="assumed",
        plausible=(-1.0, 1.0),
        why="assumed: +-1, about half the sd of the states' taste (Logistic(0, 1), sd 1.8)",
    )
    weight_capacity: float = param(
        1.5,
        "utility of capacity support for a Global South member, at full host capacity",
        "utility",
        0,
        10,
        source="000: WAICO's focus on the Global South; " + _STATED,
        role="uncertainty",
        provenance="assumed",
        plausible=(0.75, 3.0),
        why="assumed: half to double",
    )
    weight_network: float = param(
        2.0,
        "utility per unit of the members' share of world GDP",
        "utility",
        0,
        10,
        source="network value of a standard grows with its users; " + _STATED,
        role="uncertainty",
        provenance="assumed",
        plausible=(1.0, 4.0),
        why="assumed: half to double",
    )
    weight_trade: float = param(
        3.0,
        "utility per unit of the state's trade share with China",
        "utility",
        0,
        20,
        source="000: standards could boost adoption of Chinese AI products, which trade "
        "partners gain most from; " + _STATED,
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 6.0),
        why="assumed: half to double",
    )
    weight_distance: float = param(
        2.0,
        "utility lost per unit of distance between the state's stance and the standard",
        "utility",
        0,
        20,
        source="adjusting one's rules is costly; " + _STATED,
        role="uncertainty",
        provenance="assumed",
        plausible=(1.0, 4.0),
        why="assumed: half to double",
    )
    weight_distrust: float = param(
        3.0,
        "utility lost per unit of distrust of China (1 - trust), before the hq's credibility",
        "utility",
        0,
        20,
        source="000: success 'will depend on international trust'; 003: scepticism of a "
        "vehicle for China's agenda; the largest weight",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 6.0),
        why="assumed: half to double",
    )
    us_pressure: float = param(
        1.0,
        "US counter-pressure: utility lost per unit of alignment with the US",
        "utility",
        0,
        20,
        source="001: Kratsios urged Asian partners to reject others' rules; stated estimate "
        "(waico_us_counter raises it)",
        role="lever",
        provenance="assumed",
    )
    excluded: list[str] = param(
        ["taiwan"],
        "states WAICO would not admit",
        "state names",
        source="the PRC does not recognise Taiwan as a state; China proposes the body (000)",
        role="data",
        provenance="sourced",
    )
    us_may_join: bool = param(
        False,
        "whether the US can join",
        "flag",
        source="lever: the US promotes its own export package instead (001)",
        role="lever",
        provenance="sourced",
    )
    decision_rate: float = param(
        0.15,
        "probability a state takes up the membership question in a quarter",
        "probability",
        0,
        1,
        source="stated estimate: accession takes one to three years of domestic procedure "
        "(mean wait about 1.7 years), so joining spreads over years",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.08, 0.25),
        why="accession in one to three years: a mean wait of 4 to 12 quarters",
    )
    leave_threshold: float = param(
        2.0,
        "switching cost: a member leaves when its utility plus taste falls below minus this",
        "utility",
        0,
        20,
        source="leaving a body one joined has a diplomatic cost; " + _STATED,
        role="uncertainty",
        provenance="assumed",
        plausible=(1.0, 4.0),
        why="assumed: half to double",
    )
    harmonise_rate: float = param(
        0.03,
        "share of the gap between a member's R, F and the standard added to its anchors a quarter",
        "share / quarter",
        0,
        1,
        source="non-binding soft law moves rules slowly: below policy.learning_rate (0.05)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.015, 0.05),
        why="assumed: half the default up to policy.learning_rate (0.05)",
    )
    enforcement_rate: float = param(
        0.01,
        "the same for enforcement E",
        "share / quarter",
        0,
        1,
        source="WAICO has no enforcement mechanism (000): enforcement practice travels slower "
        "than written rules",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.005, 0.02),
        why="assumed: half to double",
    )
    trust_gain: float = param(
        0.01,
        "share of the gap to full trust closed a quarter between two members",
        "share / quarter",
        0,
        1,
        source="cooperation builds trust among members (MODEL.md §2); with trust.relax 0.05 "
        "a pair at trust 0.3 settles near 0.42",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.005, 0.02),
        why="assumed: half to double",
    )
    market_access: float = param(
        1.3,
        "weight multiplier of Chinese firms in a member's market",
        "multiplier",
        1,
        5,
        source="000: setting standards could boost the adoption of Chinese AI products; "
        "stated estimate (firms.home_bias is 3)",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.15, 1.6),
        why="assumed: half to double the 30% premium",
    )
    support_F: float = param(
        0.05,
        "rise of a Global South member's facilitation anchor at full host capacity",
        "index",
        0,
        1,
        source="000: capacity building (training, compute, open models) for the Global South; "
        "stated estimate",
        role="lever",
        provenance="assumed",
    )


@dataclass
class AccordConfig:
    """International instrument: a convention, principles or declaration with its signatories."""

    label: str = param(
        MISSING,
        "display name",
        "text",
        source="world file",
        role="setting",
    )
    adopted: str = param(
        MISSING,
        "quarter adopted or opened for signature; in force from then",
        "YYYYQn",
        source="world file, per accord",
        role="data",
        provenance="sourced",
    )
    binding: bool = param(
        False,
        "legally binding (descriptive: no instrument has enforcement, so it acts like the others)",
        "flag",
        source="000: the CoE convention is binding but lacks enforcement mechanisms",
        role="data",
        provenance="sourced",
    )
    signatories: list[str] = param(
        MISSING,
        "states that signed or adhered",
        "state names",
        source="world file, per accord",
        role="data",
        provenance="sourced",
    )
    R_floor: float = param(
        0.3,
        "restrictiveness the instrument's commitments imply",
        "index",
        0,
        1,
        source="stated estimate: principles of safety, transparency and accountability need "
        "some binding rules",
        role="data",
        provenance="assumed",
    )
    R_pull: float = param(
        0.05,
        "target R raised per unit a signatory's R falls below the floor (beyond the start)",
        "per unit",
        0,
        1,
        source="soft norms resist backsliding weakly; stated estimate",
        role="data",
        provenance="assumed",
    )
    trust_gain: float = param(
        0.002,
        "share of the gap to full trust closed a quarter between two signatories",
        "share / quarter",
        0,
        1,
        source="shared commitments build trust slowly; stated estimate, below waico.trust_gain",
        role="data",
        provenance="assumed",
    )


@dataclass
class TrustParams:
    """Trust: how states' trust in each other changes (membership, controls, bans, incidents)."""

    relax: float = param(
        0.05,
        "share of the gap to the settled level closed a quarter",
        "share / quarter",
        0,
        1,
        source="stated estimate: a shock's effect halves in about 3.5 years",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.025, 0.1),
        why="assumed: half to double (a shock halves in about 1.7 to 7 years)",
    )
    control_loss: float = param(
        0.5,
        "share of the target's trust in the issuer lost per unit of export-control severity",
        "share",
        0,
        1,
        source="002: China answered the 2022-24 controls with self-reliance; stated estimate",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.8),
        why="assumed: half the default to the fragmentation scenario's 0.8",
    )
    ban_loss: float = param(
        0.5,
        "share of the target's trust in the issuer lost per unit of market share banned",
        "share",
        0,
        1,
        source="001: the proposed federal ban of Chinese AI (DeepSeek); stated estimate",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.75),
        why="assumed: +-50% (a share)",
    )
    incident_loss: float = param(
        0.005,
        "share of a market's trust in a state lost per incident its firms cause there",
        "share",
        0,
        1,
        source="stated estimate: incidents at the reference world size (firms.reference_n)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.0025, 0.01),
        why="assumed: half to double",
    )


def _quarter_error(cfg, key: str, date: str) -> str | None:
    from sim.tools.validate import ConfigError, quarter_index  # validate imports this module

    try:
        quarter_index(date, cfg.start, key)
    except ConfigError as exc:
        return str(exc)
    return None


def _waico_check(cfg) -> str | None:
    from sim.tools.validate import unknown_state

    w, names = cfg.waico, list(cfg.states)
    for name in w.china_trade:
        if name not in cfg.states:
            return unknown_state(f"waico.china_trade.{name}", name, names)
    for key in ("credibility", "hq_capacity"):
        for hq in HQ_CHOICES:
            if hq not in w[key]:
                return f"waico.{key}: no entry for headquarters '{hq}'; give all of {HQ_CHOICES}"
    message = hq_check(w) or _quarter_error(cfg, "waico.proposed", w.proposed)
    if message or not w.enabled:
        return message
    if PROPOSER not in cfg.states:
        return f"waico.enabled: WAICO needs the state '{PROPOSER}' (its proposer) in the world"
    missing = [s for s in names if s != PROPOSER and s not in w.china_trade]
    if missing:
        return f"waico.china_trade: no entry for {', '.join(missing)}; give each a share in [0, 1]"
    from sim.tools.validate import quarter_index

    if quarter_index(w.proposed, cfg.start, "waico.proposed") < 0:
        return f"waico.proposed: {w.proposed} is before the start {cfg.start}"
    return None


def cross_check(cfg) -> str | None:
    """Checks across keys that the schema cannot express; returns a one-line error or None."""
    message = _waico_check(cfg)
    if message:
        return message
    for name, accord in cfg.accords.items():
        message = _quarter_error(cfg, f"accords.{name}.adopted", accord.adopted)
        if message:
            return message
    return None

"""Typed configuration schemas (Hydra structured configs).

Every parameter is declared with :func:`param`, which records its default, allowed range, unit,
meaning and source. OmegaConf enforces names and types from these dataclasses; :mod:`sim.validate`
enforces the ranges and cross-references; ``docs/parameters.md`` is generated from the same
metadata so that the reference cannot drift from the code.
"""

from dataclasses import MISSING as DC_MISSING
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

POLES = ("us", "eu", "china")
GOVERNANCE = ("single_track", "dual_track", "silos")
MODES = ("binding", "voluntary", "hybrid")


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


@dataclass
class Alignment:
    """A state's geopolitical alignment with the three poles (weights, normalised at use)."""

    us: float = param(MISSING, "alignment with the US pole", "weight", 0, 1, "world file")
    eu: float = param(MISSING, "alignment with the EU pole", "weight", 0, 1, "world file")
    china: float = param(MISSING, "alignment with the China pole", "weight", 0, 1, "world file")


@dataclass
class StateConfig:
    """One jurisdiction of the initial world. Values and sources live in ``configs/world/``."""

    label: str = param(MISSING, "display name", "text")
    pole: str = param(
        "none", "pole the state belongs to", "name", choices=(*POLES, "none"), source="MODEL.md §2"
    )
    governance: str = param(
        "single_track",
        "governance structure",
        "name",
        choices=GOVERNANCE,
        source="Ma 2024 (002), assessment of dual-track regulation",
    )
    mode: str = param(
        "voluntary", "regime mode", "name", choices=MODES, source="001 (Asia's spectrum)"
    )
    R: float = param(MISSING, "restrictiveness: binding obligations", "index", 0, 1)
    F: float = param(MISSING, "facilitation: subsidies, sandboxes, compute", "index", 0, 1)
    E: float = param(MISSING, "enforcement: how strictly R is applied", "index", 0, 1)
    gdp: float = param(MISSING, "gross domestic product, 2024", "USD tn", 0, None)
    ai_market: float = param(MISSING, "annual AI market (revenue firms can earn)", "USD bn/yr", 0)
    ai_investment: float = param(MISSING, "annual private AI investment", "USD bn/yr", 0)
    compute_access: float = param(MISSING, "access to frontier chips", "share", 0, 1)
    chips: float = param(MISSING, "domestic chip capability vs frontier", "share", 0, 1)
    talent: float = param(MISSING, "AI talent pool relative to the US", "index", 0, 2)
    firm_weight: float = param(MISSING, "relative number of AI firms", "count", 0)
    capability_scale: float = param(MISSING, "median firm capability", "capability units", 0)
    open_share: float = param(MISSING, "share of firms releasing open weights", "share", 0, 1)
    alignment: Alignment = field(default_factory=Alignment)
    trust: dict[str, float] = param(
        {}, "trust towards named states (others: alignment similarity)", "share", 0, 1
    )


@dataclass
class FirmParams:
    """Firm behaviour (vectorised over all firms)."""

    n_initial: int = param(
        3000, "initial number of firms in the world", "count", 1, 2_000_000, "MODEL.md §6"
    )
    reference_n: int = param(
        3000,
        "number of firms for which the world's money flows are calibrated",
        "count",
        1,
        source="markets, investment and the incident scale are multiplied by "
        "n_initial/reference_n, so n_initial changes granularity, not per-firm economics",
    )
    capability_sigma: float = param(
        1.0,
        "log-sd of firm capability within a state",
        "log units",
        0,
        3,
        "heavy-tailed firm sizes; calibrated to foundation-model shares",
    )
    talent_sigma: float = param(
        0.3,
        "log-sd of a firm's own talent around its state's pool",
        "log units",
        0,
        3,
        source="firms in one country differ less in talent than in capability",
    )
    rd_share: float = param(
        0.25,
        "share of capital spent on R&D each quarter",
        "share/quarter",
        0,
        1,
        "AI labs spend most of their funding within about a year",
    )
    productivity: float = param(
        1.0,
        "capability produced per unit of effective R&D^beta",
        "capability units",
        0,
        source="scale of the capability index",
    )
    rd_elasticity: float = param(
        0.5, "returns to effective R&D (beta)", "elasticity", 0, 1, "diminishing returns"
    )
    talent_elasticity: float = param(
        0.3,
        "returns to the talent pool",
        "elasticity",
        0,
        1,
        source="talent matters less than compute for frontier capability (scaling laws); "
        "kept below the R&D elasticity",
    )
    facilitation_boost: float = param(
        0.5,
        "productivity gain at full facilitation F=1",
        "share",
        0,
        5,
        "facilitative regulation enlarges firms' freedom of action (Ma 2024)",
    )
    subsidy_rate: float = param(
        0.0005,
        "public AI funding per unit of facilitation F",
        "share of GDP per year",
        0,
        0.05,
        "facilitative regulation includes subsidies and funds (Ma 2024); at China's F=0.7 this is "
        "about USD 6.5 bn a year, the order of its 60 bn yuan national AI industry fund (Jan 2025)",
    )
    obsolescence: float = param(
        0.08,
        "capability lost to the moving frontier each quarter",
        "share/quarter",
        0,
        1,
        source="frontier capability roughly doubles a year, so a fixed capability loses "
        "about 8% of its relative standing a quarter",
    )
    margin: float = param(
        0.3,
        "gross margin on AI revenue",
        "share",
        0,
        1,
        source="software-like gross margins net of inference compute",
    )
    share_exponent: float = param(
        1.0, "market share ~ capability^theta", "exponent", 0, 4, "winner-take-more markets"
    )
    home_bias: float = param(
        3.0,
        "weight of home firms in their own market",
        "multiplier",
        1,
        100,
        "language, procurement and data localisation favour domestic firms",
    )
    fixed_cost: float = param(
        0.0015,
        "operating cost of a firm each quarter, whatever its size",
        "USD bn/quarter",
        0,
        source="a small AI team burns about USD 6 m a year",
    )
    revenue_noise: float = param(
        0.3,
        "log-sd of a firm's quarterly demand luck",
        "log units",
        0,
        3,
        "makes exit possible for firms near break-even",
    )
    compliance_fixed: float = param(
        0.004,
        "fixed compliance cost per market at stringency 1",
        "USD bn/quarter",
        0,
        source="a compliance team and conformity assessment: about USD 16 m a year "
        "per strict market",
    )
    compliance_variable: float = param(
        0.10,
        "compliance cost per unit revenue at stringency 1",
        "share of revenue",
        0,
        1,
        "AI Act conformity estimates of several per cent of turnover for high-risk systems",
    )
    market_entry_cost: float = param(
        0.002,
        "one-off cost of entering a foreign market",
        "USD bn",
        0,
        source="local entity, sales and legal set-up, about USD 2 m",
    )
    market_payback: float = param(
        4.0,
        "quarters of value that must cover the entry cost of a market",
        "quarters",
        0,
        40,
        source="firms ask a foreign market to pay back its set-up within about a year",
    )
    divisible_share: float = param(
        0.3,
        "share of firms able to tailor products per market",
        "share",
        0,
        1,
        "Bradford (2020): non-divisible production drives the Brussels effect",
    )
    market_review: float = param(
        0.25,
        "probability a firm reconsiders its markets in a quarter",
        "probability",
        0,
        1,
        source="firms revisit market strategy about once a year",
    )
    safety_pref_mean: float = param(
        0.2,
        "mean intrinsic safety effort",
        "share",
        0,
        1,
        source="voluntary safety commitments below the level strict regimes require",
    )
    safety_pref_sd: float = param(
        0.1,
        "sd of intrinsic safety effort across firms",
        "share",
        0,
        1,
        source="some labs commit to safety beyond any rule, most do not",
    )
    safety_adjust: float = param(
        0.3,
        "speed of safety effort towards its target",
        "share/quarter",
        0,
        1,
        source="safety processes take about a year to build",
    )
    fm_rate: float = param(
        0.0066,
        "foundation-model releases per quarter by a firm of capability 1",
        "models/quarter",
        0,
        10,
        "calibrated to about 150 models a year (AI Index 2024)",
    )
    fm_elasticity: float = param(
        1.5, "releases ~ capability^eta", "exponent", 0, 4, "frontier concentration"
    )
    review_drag: float = param(
        0.3,
        "release delay from pre-launch review at stringency 1",
        "share",
        0,
        1,
        "China's pre-launch review of models (000)",
    )
    incident_rate: float = param(
        0.012,
        "incidents per quarter of a reference firm with zero safety effort",
        "incidents/quarter",
        0,
        10,
        "AI Incident Database: about 120-230 a year (AI Index)",
    )
    open_incident_risk: float = param(
        0.5,
        "extra incident risk of open-weight release",
        "share",
        0,
        10,
        source="released weights cannot be recalled, so misuse is harder to stop",
    )
    min_capital: float = param(
        0.0005, "capital below which a firm exits", "USD bn", 0, source="USD 0.5 m runway"
    )
    entry_rate: float = param(
        0.008,
        "entrants per incumbent per quarter at the initial attractiveness",
        "rate/quarter",
        0,
        1,
        "calibrated so that entry roughly balances exit in the baseline",
    )
    entry_sigma: float = param(
        0.5,
        "log-sd of entrants' capability",
        "log units",
        0,
        3,
        source="entrants are more alike than incumbents",
    )
    entry_capital: float = param(
        0.005, "seed capital of an entrant", "USD bn", 0, source="a seed round of about USD 5 m"
    )
    entry_capability: float = param(
        0.3,
        "entrant capability relative to its state's median",
        "share",
        0,
        10,
        source="entrants start well below incumbents",
    )
    attract_facilitation: float = param(
        1.0,
        "entry and investment attractiveness gained per unit of change in F",
        "per unit",
        0,
        10,
        source="entry and investment follow facilitation (Ma 2024's competitive liberalisation)",
    )
    attract_restriction: float = param(
        1.0,
        "entry and investment attractiveness lost per unit of change in R*E",
        "per unit",
        0,
        10,
        source="binding, enforced rules deter entry (the 'over-regulation' argument of 001)",
    )


@dataclass
class PolicyParams:
    """National policy update (MODEL.md §3, step 2)."""

    speed: float = param(
        0.15,
        "share of the gap to the target stance closed each quarter",
        "share/quarter",
        0,
        1,
        "regulation takes years to legislate",
    )
    rp_response: float = param(
        0.5,
        "rise of target R per unit of regulatory pressure",
        "per unit",
        0,
        5,
        "Ma 2024: restrictive rules answer the EU's regulatory pressure",
    )
    tp_response: float = param(
        0.3,
        "rise of target F per unit of technological pressure",
        "per unit",
        0,
        5,
        "Ma 2024: facilitative rules answer the US's technological pressure",
    )
    ip_response: float = param(
        0.2,
        "rise of target R per unit of incident pressure",
        "per unit",
        0,
        5,
        source="incidents raise demand for binding rules; smaller than the "
        "Brussels-effect response",
    )
    ip_enforcement: float = param(
        0.2,
        "rise of target E per unit of incident pressure",
        "per unit",
        0,
        5,
        source="incidents are met first by stricter enforcement of existing rules",
    )
    incident_scale: float = param(
        50.0,
        "incidents a year in a market at which its incident pressure reaches 63%",
        "incidents/yr",
        0,
        source="about a quarter of the world's ~200 incidents a year",
    )
    single_track_damping: float = param(
        0.6,
        "how much a restrictive single-track centre damps facilitation",
        "share",
        0,
        1,
        "Ma 2024: the EU's restrictive framework prevents members' facilitation",
    )
    learning_rate: float = param(
        0.05,
        "pull towards successful, trusted, aligned peers each quarter",
        "share/quarter",
        0,
        1,
        source="policy diffusion is slow: a few per cent of the gap a quarter",
    )
    success_scale: float = param(
        0.05,
        "growth lead over the average at which a peer counts as 63% successful",
        "share/yr",
        1e-6,
        10,
        source="five percentage points of yearly capability growth is a "
        "visible lead for policymakers",
    )
    chip_investment_base: float = param(
        0.02,
        "domestic chip investment per unit of AI market",
        "share of AI market",
        0,
        1,
        source="about 2% of the AI market reinvested in domestic chips at F=1",
    )
    chip_investment_gap: float = param(
        3.0,
        "extra chip investment per unit of denied compute access",
        "multiplier",
        0,
        50,
        "export controls motivate import substitution (Huawei Ascend, 002)",
    )
    chip_learning: float = param(
        0.02,
        "chip capability gained per sqrt(USD bn) invested per quarter",
        "share",
        0,
        1,
        source="stated estimate: with its baseline investment China's chips move from 0.45 to "
        "about 0.6 of the frontier by 2030, continuing the Ascend 910C's progress (002)",
    )
    chip_substitution: float = param(
        0.8,
        "how well domestic chips replace denied imports",
        "share",
        0,
        1,
        "Ascend 910C said to match the H100, less versatile (002)",
    )
    access_adjust: float = param(
        0.3,
        "share of the gap to the export-control access target closed each quarter",
        "share/quarter",
        0,
        1,
        "stockpiles and grey imports delay controls",
    )


@dataclass
class ExportControl:
    """A dated change to the compute access that ``issuer`` allows ``target``."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    target: str = param(MISSING, "state whose access changes", "state name")
    severity: float = param(
        MISSING, "share of remaining access removed (>0) or restored (<0)", "share", -1, 1
    )
    issuer: str = param("us", "state imposing the control", "state name")
    label: str = param("", "description", "text")


@dataclass
class MarketBan:
    """A dated closure of part of ``issuer``'s market to ``target``'s firms."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    issuer: str = param(MISSING, "state closing its market", "state name")
    target: str = param(MISSING, "state whose firms are shut out", "state name")
    share: float = param(MISSING, "share of the market closed (1 = full ban)", "share", 0, 1)
    label: str = param("", "description", "text")


@dataclass
class ExportPackage:
    """The US package of cloud, chips and AI tools offered to partners (001)."""

    date: str = param(MISSING, "quarter it is offered", "YYYYQn")
    partners: list[str] = param([], "states offered the package", "state names")
    issuer: str = param("us", "state offering the package", "state name")
    alignment_shift: float = param(
        0.3, "share of the gap to full issuer alignment closed", "share", 0, 1
    )
    R_shift: float = param(0.15, "fall in target R at full alignment", "index", 0, 1)
    F_shift: float = param(0.10, "rise in target F at full alignment", "index", 0, 1)
    access_boost: float = param(0.1, "rise in compute access at full alignment", "share", 0, 1)
    label: str = param("", "description", "text")


@dataclass
class PolicyShift:
    """A dated change of a state's anchor stance (laws, executive orders, AI Act milestones)."""

    date: str = param(MISSING, "quarter it takes effect", "YYYYQn")
    state: str = param(MISSING, "state whose anchor stance shifts", "state name")
    dR: float = param(0.0, "change of anchor R", "index", -1, 1)
    dF: float = param(0.0, "change of anchor F", "index", -1, 1)
    dE: float = param(0.0, "change of anchor E", "index", -1, 1)
    label: str = param("", "description", "text")


@dataclass
class EventsConfig:
    """Geopolitical events scheduled by the scenario (MODEL.md §3, step 1)."""

    # Keyed by event name so that scenarios compose by merging (lists would replace each other).
    export_controls: dict[str, ExportControl] = field(default_factory=dict)
    bans: dict[str, MarketBan] = field(default_factory=dict)
    export_packages: dict[str, ExportPackage] = field(default_factory=dict)
    policy_shifts: dict[str, PolicyShift] = field(default_factory=dict)


@dataclass
class OutputConfig:
    """What ``python -m sim`` writes besides the tables."""

    figure: bool = param(True, "draw overview.png", "flag")
    quiet: bool = param(False, "skip the printed summary table", "flag")


@dataclass
class SimConfig:
    """The whole run: world, behaviour, events, horizon and seed."""

    seed: int | None = param(
        42,
        "master seed (null: fresh entropy, logged in summary.json)",
        "integer",
        0,
        source="fixed default so that a bare run is reproducible",
    )
    steps: int = param(40, "quarters to simulate", "quarters", 1, 4000, "MODEL.md §3")
    start: str = param("2025Q1", "first simulated quarter", "YYYYQn", source="MODEL.md §3")
    states: dict[str, StateConfig] = field(default_factory=dict)
    firms: FirmParams = field(default_factory=FirmParams)
    policy: PolicyParams = field(default_factory=PolicyParams)
    events: EventsConfig = field(default_factory=EventsConfig)
    output: OutputConfig = field(default_factory=OutputConfig)


def has_default(f: Any) -> bool:
    """Whether a dataclass field has a usable default (not MISSING)."""
    if f.default is not DC_MISSING:
        return f.default is not MISSING
    return f.default_factory is not DC_MISSING


def register_configs() -> None:
    """Register the schema so that ``configs/config.yaml`` can extend it."""
    ConfigStore.instance().store(name="sim_schema", node=SimConfig)

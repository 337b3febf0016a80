"""Subnational regulation: localities, their policy instruments, local competition and the
central regulator (``localities.<name>.*``, ``instruments.<name>.*``, ``local.*``,
``central.*``). The mechanisms are in ``sim/agents/local_government.py`` and
``sim/agents/central_regulator.py``; docs/ODD.md, "Dual-track regulation", gives the equations.
"""

from dataclasses import dataclass

from omegaconf import MISSING

from sim.config.base import param

INSTRUMENT_KINDS = ("talent", "finance", "compute", "ip", "platform", "sandbox", "sector_bet")


@dataclass
class LocalityConfig:
    """Locality: a city, province, US state or EU member state with its own economic regulator."""

    state: str = param(
        MISSING,
        "state the locality belongs to",
        "state name",
        role="data",
        provenance="sourced",
    )
    label: str = param(
        MISSING,
        "display name",
        "text",
        role="setting",
    )
    advantage: float = param(
        MISSING,
        "comparative advantage in AI (tech firms, universities, talent)",
        "index",
        0,
        1,
        role="data",
        provenance="proxy",
    )
    budget: float = param(
        MISSING,
        "fiscal budget the locality can put into AI",
        "USD bn/yr",
        0,
        1e4,
        role="data",
        provenance="proxy",
    )
    firm_share: float = param(
        MISSING,
        "relative number of the state's AI firms located here",
        "weight",
        0,
        1e6,
        role="data",
        provenance="proxy",
    )
    F: float = param(
        MISSING,
        "local facilitation: share of the AI budget spent on instruments",
        "index",
        0,
        1,
        role="data",
        provenance="assumed",
    )
    R: float = param(
        0.0,
        "local restrictive rules (state AI laws); they act only while the state is silos",
        "index",
        0,
        1,
        source="Ma 2024 Table 2: China's local regulators are economic regulators with "
        "facilitative functions only; US states legislate (e.g. California, Colorado)",
        role="data",
        provenance="sourced",
    )
    instruments: list[str] = param(
        [],
        "instruments in force at the start",
        "instrument names",
        source="world file",
        role="data",
        provenance="sourced",
    )
    pilot_zone: bool = param(
        False,
        "a national pilot zone at the start (China's NIDS)",
        "flag",
        source="18 NIDS by Dec 2021 (002)",
        role="data",
        provenance="sourced",
    )


@dataclass
class InstrumentSpec:
    """Instrument: a named facilitative policy a locality can adopt (Ma 2024, Table 1)."""

    label: str = param(
        MISSING,
        "display name",
        "text",
        role="setting",
    )
    kind: str = param(
        "talent",
        "what the instrument works on; a sector_bet is never codified",
        "name",
        choices=INSTRUMENT_KINDS,
        source="Ma 2024 Table 1 and the KASE framework it cites",
        role="data",
        provenance="sourced",
    )
    productivity: float = param(
        MISSING,
        "productivity gain of local firms at full fit and F=1",
        "share",
        0,
        1,
        role="data",
        provenance="assumed",
    )
    need: float = param(
        MISSING,
        "comparative advantage the instrument needs to return its full value",
        "index",
        1e-3,
        1,
        role="data",
        provenance="assumed",
    )
    weight: float = param(
        1.0,
        "share of local spending it takes, relative to other instruments",
        "weight",
        0,
        100,
        role="data",
        provenance="assumed",
    )
    source: str = param(
        "",
        "where the instrument is documented",
        "text",
        role="setting",
    )


@dataclass
class LocalParams:
    """Local competition: how local governments compete, imitate, invent, herd and spend."""

    competition: float = param(
        1.0,
        "yardstick intensity: weight of relative performance in officials' promotion",
        "multiplier",
        0,
        10,
        "Ma 2024: competitive liberalisation; 0 switches the yardstick off",
        role="lever",
        provenance="assumed",
    )
    liberalisation: float = param(
        0.4,
        "rise of a locality's target facilitation, as a share of its headroom, per unit of "
        "effort (the official's stance times 4x the marginal promotion odds of one sd of "
        "growth; officials.incentive_effort false: the share of peers ahead)",
        "share",
        0,
        1,
        source="stated assumption: the last-ranked locality closes 40% of its gap to full "
        "facilitation, the median one 20%",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.2, 0.8),
        why="assumed: half to double",
    )
    speed: float = param(
        0.2,
        "share of the gap to the target facilitation closed each quarter",
        "share/quarter",
        0,
        1,
        source="local action plans are revised yearly, faster than national law",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double (the gap closed in about 1 to 2.5 years)",
    )
    boost: float = param(
        1.0,
        "multiplier on instruments' productivity gains for local firms",
        "multiplier",
        0,
        10,
        source="scale of the instrument catalogue's productivity column",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )
    imitation_rate: float = param(
        0.15,
        "chance a quarter that a locality copies an instrument of a better-ranked peer, "
        "at competition 1",
        "probability/quarter",
        0,
        1,
        "Ma 2024: the ten cities' talent policies are strikingly similar (Table 1)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.075, 0.3),
        why="assumed: half to double",
    )
    invention_rate: float = param(
        0.02,
        "chance a quarter that a locality invents a new instrument",
        "probability/quarter",
        0,
        1,
        "Ma 2024: entrepreneurial regulation; about one new instrument per city every 12 years, "
        "doubled in pilot zones",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.01, 0.04),
        why="assumed: half to double",
    )
    invention_productivity: float = param(
        0.02,
        "median productivity gain of an invented instrument",
        "share",
        0,
        1,
        source="the order of the catalogue's talent instruments",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.01, 0.04),
        why="assumed: half to double (the catalogue's gains run 0.01-0.03)",
    )
    invention_sigma: float = param(
        0.8,
        "log-sd of invented instruments' productivity",
        "log units",
        0,
        3,
        source="most experiments are modest, a few are large",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.4, 1.6),
        why="assumed: half to double",
    )
    herding: float = param(
        0.1,
        "chance a quarter that an official reconsiders the sector bet, at competition 1 "
        "(officials.noise_herding false: of joining one that every peer has made)",
        "probability/quarter",
        0,
        1,
        "Ma 2024: local governments invest in similar sectors because the centre evaluates "
        "them more easily; the post-2022 local LLM race",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double",
    )
    bet: str = param(
        "local_llm",
        "the instrument localities herd into",
        "instrument name",
        source="Ma 2024: cities and provinces racing to train their own LLMs (Henan)",
        role="data",
        provenance="sourced",
    )
    adoption_rate: float = param(
        0.25,
        "chance a quarter that a locality adopts a codified national instrument it judges worth "
        "it (with local.adoption_by_value, a speed of implementation only: which localities "
        "adopt is set by fit, budget and the alternative use of money)",
        "probability/quarter",
        0,
        1,
        source="national guidance is implemented locally within about a year",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.125, 0.5),
        why="assumed: half to double (implementation in about half a year to two years)",
    )
    fiscal: bool = param(
        True,
        "local fiscal constraint: instruments share the spending with diminishing returns, the "
        "money has an alternative use (investment in firms) and localities drop instruments "
        "that do not beat it (false: spending only counts waste, as before issue 13)",
        "flag",
        source="Ma 2024: the Henan LLM case, spending without the advantage to use it",
        role="setting",
    )
    half_cost: float = param(
        0.1,
        "yearly spending per unit of instrument weight at which an instrument returns 63% "
        "(1 - 1/e) of its gain",
        "USD bn/yr",
        1e-4,
        100,
        source="stated assumption, between two anchors: Wuhan's CNY 5 m per selected team "
        "(002 Table 1), ~100 teams = USD 0.07 bn/yr for talent_plan_funding (weight 1.5, 0.05 "
        "per unit); Beijing's AI industry fund, CNY 10 bn target (Jan 2024, State Council news), "
        "over a five-year investment period = USD 0.28 bn/yr for ai_fund (weight 2, 0.14 per "
        "unit)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.05, 0.15),
        why="from the talent-plan anchor (0.05 per unit) to just above the AI-fund anchor "
        "(0.14 per unit)",
    )
    own_alternative: float = param(
        0.5,
        "share of a locality's own AI money whose alternative use is investment in the "
        "state's AI firms (local guidance funds); the rest would go to non-AI uses",
        "share",
        0,
        1,
        source="stated assumption: local AI money is split between guidance-fund equity "
        "(Beijing: at most CNY 3 bn of its CNY 10 bn AI fund from the guidance fund) and "
        "grants, vouchers and programmes",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.75),
        why="assumed: +-50% (a share); Beijing's fund is at most 30% guidance-fund equity",
    )
    budget_scale: float = param(
        1.0,
        "multiplier on every locality's AI budget (a sweep handle: the answer hinges on it)",
        "multiplier",
        0,
        1000,
        source="1: the world file's budgets",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.3, 2.0),
        why="the funds on record alone are 0.3-0.6 USD bn/yr of the leading cities' 1.2-1.5 "
        "(localities.yaml); up to double",
    )
    adoption_by_value: bool = param(
        True,
        "a locality adopts a codified instrument only when it raises its net value (gain at "
        "its fit less the alternative use of the money); false: every locality for which it "
        "would be the best of its kind adopts at adoption_rate",
        "flag",
        source="Ma 2024 Figure 1: national guidance is implemented unevenly across localities",
        role="setting",
    )
    instrument_term: int = param(
        20,
        "quarters an instrument runs before the locality renews it (only the best of its "
        "kind is renewed; the others lapse)",
        "quarters",
        1,
        4000,
        source="stated assumption: local AI action plans run about five years (e.g. Henan's "
        "AI+ plan 2024-26, Shanghai's 2018-2022 plan); a programme superseded by a better one "
        "of its kind is not renewed",
        role="uncertainty",
        provenance="proxy",
        plausible=(12, 24),
        why="the sources' plans run 3 (Henan 2024-26) to 5 years (Shanghai 2018-22); up to 6",
    )
    per_state: int = param(
        0,
        "localities of each state that has any: the listed ones plus copies of randomly drawn "
        "listed ones (advantage moved by up to 0.05, budget and firm share split with the "
        "copy), so the same world is cut finer (0: the world file's localities only)",
        "count",
        0,
        10000,
        source="a scale handle for speed and granularity studies (issue 14: 300 localities); "
        "sim/local_world.py",
        role="setting",
    )
    relocation_rate: float = param(
        0.05,
        "share of firms that reconsider their locality each quarter",
        "share/quarter",
        0,
        1,
        source="stated assumption: a firm reviews its location about every five years",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.025, 0.1),
        why="assumed: half to double",
    )
    relocation_threshold: float = param(
        0.03,
        "productivity gain a destination must offer to be worth a move",
        "share",
        0,
        1,
        source="moving costs: staff, premises and lost local ties",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.015, 0.06),
        why="assumed: half to double",
    )
    location_sensitivity: float = param(
        10.0,
        "how strongly firms' choice of locality follows its conditions (logit)",
        "per log unit",
        0,
        100,
        source="stated assumption: a 7% productivity advantage doubles a locality's pull",
        role="uncertainty",
        provenance="assumed",
        plausible=(5.0, 20.0),
        why="assumed: half to double",
    )


@dataclass
class CentralParams:
    """Central regulator: codification, yardstick, pilot zones and tolerance (Ma 2024)."""

    tolerance: float = param(
        0.5,
        "how far a dual-track centre keeps enforcement below its rules: E <= (1-tolerance) R",
        "share",
        0,
        1,
        "Ma 2024: 'tolerant and prudent' (baorong shenshen), Art. 3 of the 2023 generative AI "
        "measures; China's E 0.35 at R 0.7 in the world file",
        role="lever",
        provenance="proxy",
    )
    review_every: int = param(
        4,
        "quarters between the centre's reviews (yardstick ranking, codification, pilot zones)",
        "quarters",
        1,
        40,
        source="yearly cadence of cadre evaluation and national guidance",
        role="uncertainty",
        provenance="proxy",
        plausible=(2, 8),
        why="assumed: half to double around the yearly cadre evaluation",
    )
    codify_margin: float = param(
        0.05,
        "yearly capability-growth lead adopters need over non-adopters for codification",
        "share/yr",
        0,
        10,
        "Ma 2024 Figure 1: Beijing codifies what bears fruit locally; five points of yearly "
        "growth is the visible lead also used by policy.success_scale",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.025, 0.1),
        why="assumed: half to double",
    )
    codify_reviews: int = param(
        2,
        "consecutive reviews in which adopters must lead before the centre codifies",
        "reviews",
        1,
        40,
        source="stated assumption: a practice must bear fruit for two years running",
        role="uncertainty",
        provenance="assumed",
        plausible=(1, 4),
        why="assumed: half to double",
    )
    codify_min_adopters: int = param(
        2,
        "adopters an instrument needs before the centre can judge it",
        "count",
        1,
        100,
        source="one adopter's success cannot be told from luck",
        role="uncertainty",
        provenance="assumed",
        plausible=(1, 4),
        why="assumed: half to double",
    )
    codify_F: float = param(
        0.01,
        "rise of the national facilitation anchor per codified instrument (only with "
        "central.codify_by_value false)",
        "index",
        0,
        1,
        "Ma 2024 Figure 1: codified local practice becomes national facilitative policy",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.005, 0.02),
        why="assumed: half to double (acts only with central.codify_by_value false)",
    )
    codify_by_value: bool = param(
        True,
        "the national facilitation anchor rises by the codified instrument's measured value "
        "(false: by the fixed central.codify_F)",
        "flag",
        source="issue 13: codification as a mechanism, not a fixed step",
        role="setting",
    )
    codify_value_F: float = param(
        0.5,
        "rise of the national facilitation anchor per unit of the codified instrument's "
        "measured gain (mean productivity gain pi x fit among its adopters)",
        "index per share",
        0,
        100,
        source="stated assumption: a typical catalogue instrument (gain ~0.02 at adopters' "
        "fit) moves F by ~0.01, the old fixed step; a worthless one by nothing",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double",
    )
    transfer_share: dict[str, float] = param(
        {"china": 0.4, "us": 0.1, "eu": 0.2},
        "share of a locality's AI spending financed by central transfers, by state (drawn "
        "from the national pool of public AI money that otherwise reaches the state's firms)",
        "share",
        source="China: over 40% of local spending relies on central transfers (SCMP, 3 Jun "
        "2020; 47% in 2003, World Bank); US and EU: stated assumptions (federal AI grants, "
        "EU Digital Europe and recovery funds co-finance a small part of state programmes)",
        role="data",
        provenance="proxy",
    )
    promotion_share: float = param(
        0.2,
        "share of localities whose officials are promoted at each review (officials.tournament: "
        "the promotion odds at the peers' mean performance)",
        "share",
        0,
        1,
        source="promotion is for the top performers (yardstick competition)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double",
    )
    pilot_cap: int = param(
        20,
        "most pilot zones the centre designates",
        "count",
        0,
        1000,
        "NIDS guidelines: about 20 (MST 2020, in 002)",
        role="lever",
        provenance="sourced",
    )
    pilot_invention: float = param(
        2.0,
        "invention-rate multiplier in a pilot zone",
        "multiplier",
        1,
        20,
        "NIDS are where municipalities test new AI regulatory measures (002)",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.0, 4.0),
        why="assumed: half to double",
    )
    pilot_leeway: float = param(
        0.1,
        "extra headroom for a pilot zone's target facilitation",
        "index",
        0,
        1,
        source="pilot zones may go further than others; stated assumption",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double",
    )
    restrictive_floor: bool = param(
        False,
        "the old hard floor of a dual-track centre: its target R answers the largest "
        "restrictive pressure seen so far and R never falls below it (for comparison; the "
        "default is the sticky adjustment of policy.r_stickiness)",
        "flag",
        source="the model before issue 13: Ma 2024's restrictive signal written in as a ratchet",
        role="setting",
    )

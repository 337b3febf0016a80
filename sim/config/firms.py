"""Firm behaviour parameters (``firms.*``)."""

from dataclasses import dataclass

from sim.config.base import param


@dataclass
class FirmParams:
    """Firms: behaviour, vectorised over all firms (`sim/agents/firms.py`, `markets.py`)."""

    n_initial: int = param(
        3000,
        "initial number of firms in the world",
        "count",
        1,
        2_000_000,
        "MODEL.md §6",
        role="setting",
    )
    reference_n: int = param(
        3000,
        "number of firms for which the world's money flows are calibrated",
        "count",
        1,
        2_000_000,
        source="markets, investment and the incident scale are multiplied by "
        "n_initial/reference_n, so n_initial changes granularity, not per-firm economics",
        role="setting",
    )
    capability_sigma: float = param(
        1.0,
        "log-sd of firm capability within a state",
        "log units",
        0,
        3,
        "heavy-tailed firm sizes; calibrated to foundation-model shares",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.93, 1.15),
        why="calibrated (1.06): calibration objective within 15 of its minimum (3.84 J/dof)",
    )
    talent_sigma: float = param(
        0.3,
        "log-sd of a firm's own talent around its state's pool",
        "log units",
        0,
        3,
        source="firms in one country differ less in talent than in capability",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    rd_share: float = param(
        0.25,
        "share of capital spent on R&D each quarter",
        "share/quarter",
        0,
        1,
        "AI labs spend most of their funding within about a year",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.125, 0.5),
        why="assumed: half to double",
    )
    # A setting, not an uncertainty: the start infers each firm's efficiency, which absorbs this
    # scale (seed 1, 40 quarters: the same bits at 0.5, 1 and 2).
    productivity: float = param(
        1.0,
        "capability produced per unit of effective R&D^beta",
        "capability units",
        0,
        100,
        source="scale of the capability index",
        role="setting",
    )
    rd_elasticity: float = param(
        0.5,
        "returns to effective R&D (beta)",
        "elasticity",
        0,
        1,
        "diminishing returns",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.75),
        why="assumed: half to 1.5 times, short of constant returns",
    )
    talent_elasticity: float = param(
        0.3,
        "returns to the talent pool",
        "elasticity",
        0,
        1,
        source="talent matters less than compute for frontier capability (scaling laws); "
        "kept below the R&D elasticity",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    facilitation_boost: float = param(
        0.5,
        "productivity gain at full facilitation F=1",
        "share",
        0,
        5,
        "facilitative regulation enlarges firms' freedom of action (Ma 2024)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double (Ma 2024 gives the sign, not the size)",
    )
    subsidy_rate: float = param(
        0.0005,
        "public AI funding per unit of facilitation F",
        "share of GDP per year",
        0,
        0.05,
        "facilitative regulation includes subsidies and funds (Ma 2024); at China's F=0.7 this is "
        "about USD 6.5 bn a year, the order of its 60 bn yuan national AI industry fund (Jan 2025)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.00025, 0.001),
        why="assumed: half to double the proxy (one Chinese fund stands for all public AI funding)",
    )
    frontier_k: int = param(
        3,
        "number of a state's best firms whose mean capability is its frontier",
        "count",
        1,
        100,
        "a state's frontier is its few leading labs (OpenAI, Google, Anthropic; DeepSeek, "
        "Alibaba, Moonshot), not its best single firm, which one lucky draw decides",
        role="setting",
    )
    efficiency: bool = param(
        True,
        "compute-constrained firms shift R&D towards algorithmic efficiency (false: export "
        "controls can only lower capability)",
        "flag",
        source="MODEL.md §9; DeepSeek-V3 (Dec 2024) was trained with about 2.8 M H800 GPU "
        "hours, against 30.8 M H100 hours for Llama 3.1 405B",
        role="setting",
    )
    efficiency_recovery: float = param(
        0.5,
        "share of a fall in effective compute (in logs) that efficiency research makes up in "
        "the long run",
        "share",
        0,
        1,
        "assumed, to be swept: DeepSeek's roughly tenfold saving is an upper bound reached "
        "by the best lab, not a whole industry's response",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 0.75),
        why="assumed: +-50%",
    )
    efficiency_speed: float = param(
        0.1,
        "share of the gap to the efficiency target closed each quarter",
        "share/quarter",
        0,
        1,
        "assumed: a new training method takes about two years to spread through an industry "
        "(DeepSeek's MLA and MoE work of 2024 after the 2022-23 controls)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double (one to four years to spread)",
    )
    efficiency_effort: float = param(
        0.2,
        "share of R&D diverted from scaling to efficiency research while far from the target",
        "share",
        0,
        1,
        "assumed: the effort is in proportion to the remaining gap, so it falls to zero as "
        "efficiency reaches its target",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double",
    )
    obsolescence: float = param(
        0.08,
        "capability lost to the moving frontier each quarter",
        "share/quarter",
        0,
        1,
        source="frontier capability roughly doubles a year, so a fixed capability loses "
        "about 8% of its relative standing a quarter",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.04, 0.16),
        why="half to double; a frontier that doubles a year implies 0.16 (1 - 2^-0.25)",
    )
    margin: float = param(
        0.3,
        "gross margin on AI revenue",
        "share",
        0,
        1,
        source="software-like gross margins net of inference compute",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    share_exponent: float = param(
        1.0,
        "market share ~ capability^theta",
        "exponent",
        0,
        4,
        "winner-take-more markets",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )
    home_bias: float = param(
        3.0,
        "weight of home firms in their own market",
        "multiplier",
        1,
        100,
        "language, procurement and data localisation favour domestic firms",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 6.0),
        why="assumed: half to double",
    )
    fixed_cost: float = param(
        0.0015,
        "operating cost of a firm each quarter, whatever its size",
        "USD bn/quarter",
        0,
        10,
        source="a small AI team burns about USD 6 m a year",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.00075, 0.003),
        why="assumed: half to double",
    )
    revenue_noise: float = param(
        0.3,
        "log-sd of a firm's quarterly demand luck",
        "log units",
        0,
        3,
        "makes exit possible for firms near break-even",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    compliance_fixed: float = param(
        0.004,
        "fixed compliance cost per market at stringency 1",
        "USD bn/quarter",
        0,
        10,
        source="a compliance team and conformity assessment: about USD 16 m a year "
        "per strict market",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.002, 0.008),
        why="assumed: half to double",
    )
    compliance_variable: float = param(
        0.10,
        "compliance cost per unit revenue at stringency 1",
        "share of revenue",
        0,
        1,
        "AI Act conformity estimates of several per cent of turnover for high-risk systems",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.05, 0.2),
        why="assumed: half to double around the AI Act's several per cent of turnover",
    )
    market_entry_cost: float = param(
        0.002,
        "one-off cost of entering a foreign market",
        "USD bn",
        0,
        100,
        source="local entity, sales and legal set-up, about USD 2 m",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.001, 0.004),
        why="assumed: half to double",
    )
    market_payback: float = param(
        4.0,
        "quarters of value that must cover the entry cost of a market",
        "quarters",
        0,
        40,
        source="firms ask a foreign market to pay back its set-up within about a year",
        role="uncertainty",
        provenance="assumed",
        plausible=(2.0, 8.0),
        why="assumed: half to double (half a year to two years)",
    )
    divisible_share: float = param(
        0.3,
        "share of firms able to tailor products per market",
        "share",
        0,
        1,
        "Bradford (2020): non-divisible production drives the Brussels effect",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double (Bradford 2020 gives no share)",
    )
    market_review: float = param(
        0.25,
        "probability a firm reconsiders its markets in a quarter",
        "probability",
        0,
        1,
        source="firms revisit market strategy about once a year",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.125, 0.5),
        why="assumed: half to double (every two years to twice a year)",
    )
    safety_pref_mean: float = param(
        0.2,
        "mean intrinsic safety effort",
        "share",
        0,
        1,
        source="voluntary safety commitments below the level strict regimes require",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.1, 0.4),
        why="assumed: half to double",
    )
    safety_pref_sd: float = param(
        0.1,
        "sd of intrinsic safety effort across firms",
        "share",
        0,
        1,
        source="some labs commit to safety beyond any rule, most do not",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.05, 0.2),
        why="assumed: half to double",
    )
    safety_adjust: float = param(
        0.3,
        "speed of safety effort towards its target",
        "share/quarter",
        0,
        1,
        source="safety processes take about a year to build",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    fm_rate: float = param(
        0.0066,
        "foundation-model releases per quarter by a firm of capability 1",
        "models/quarter",
        0,
        10,
        "calibrated to about 150 models a year (AI Index 2024)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.0035, 0.0066),
        why="calibrated (0.0047): objective within 15 of its minimum, widened to the default",
    )
    fm_elasticity: float = param(
        1.5,
        "releases ~ capability^eta",
        "exponent",
        0,
        4,
        "frontier concentration",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.75, 2.0),
        why="calibration objective, fm_rate refitted, within 15 of its minimum (2.5: +33)",
    )
    review_drag: float = param(
        0.3,
        "release delay from pre-launch review at stringency 1",
        "share",
        0,
        1,
        "China's pre-launch review of models (000)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double (000 names the review, not its delay)",
    )
    incident_rate: float = param(
        0.012,
        "incidents per quarter of a reference firm with zero safety effort",
        "incidents/quarter",
        0,
        10,
        "AI Incident Database: about 120-230 a year (AI Index)",
        role="uncertainty",
        provenance="proxy",
        plausible=(0.0095, 0.014),
        why="calibrated (0.0115): calibration objective within 15 of its minimum (3.84 J/dof)",
    )
    open_incident_risk: float = param(
        0.5,
        "extra incident risk of open-weight release",
        "share",
        0,
        10,
        source="released weights cannot be recalled, so misuse is harder to stop",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double",
    )
    min_capital: float = param(
        0.0005,
        "capital below which a firm exits",
        "USD bn",
        0,
        100,
        "USD 0.5 m runway",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.00025, 0.001),
        why="assumed: half to double",
    )
    entry_rate: float = param(
        0.002,
        "entrants per incumbent per quarter at the initial attractiveness",
        "rate/quarter",
        0,
        1,
        "set so that entry balances exit in the world at rest (firm count within about 1% "
        "over 40 quarters: tests/test_world.py); was 0.008 when the start was off its path",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.001, 0.004),
        why="assumed: half to double (tuned so that entry balances exit at rest)",
    )
    entry_crowding: float = param(
        3.0,
        "a state's firm capacity, in multiples of its initial firms per unit of its market",
        "multiplier",
        1.1,
        100,
        source="stated assumption: entry per incumbent is untouched up to the initial density "
        "of firms in a market and stops at three times it, so no entry rate makes the "
        "population explode",
        role="uncertainty",
        provenance="assumed",
        plausible=(1.5, 6.0),
        why="assumed: half to double",
    )
    entry_sigma: float = param(
        0.5,
        "log-sd of entrants' capability",
        "log units",
        0,
        3,
        source="entrants are more alike than incumbents",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double",
    )
    entry_capital: float = param(
        0.005,
        "seed capital of an entrant",
        "USD bn",
        0,
        100,
        "a seed round of about USD 5 m",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.0025, 0.01),
        why="assumed: half to double (stays above min_capital's range)",
    )
    entry_capability: float = param(
        0.3,
        "entrant capability relative to its state's median",
        "share",
        0,
        10,
        source="entrants start well below incumbents",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    attract_facilitation: float = param(
        1.0,
        "entry and investment attractiveness gained per unit of change in F",
        "per unit",
        0,
        10,
        source="entry and investment follow facilitation (Ma 2024's competitive liberalisation)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )
    attract_restriction: float = param(
        1.0,
        "entry and investment attractiveness lost per unit of change in R*E",
        "per unit",
        0,
        10,
        source="binding, enforced rules deter entry (the 'over-regulation' argument of 001)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )


def cross_check(firms) -> str | None:
    """Firm parameters that make no sense together; returns a one-line error or None."""
    if firms.entry_capital < firms.min_capital:
        return (
            f"firms.entry_capital = {firms.entry_capital:g} is below firms.min_capital = "
            f"{firms.min_capital:g}: every entrant would start below the exit threshold; "
            "raise firms.entry_capital or lower firms.min_capital"
        )
    return None

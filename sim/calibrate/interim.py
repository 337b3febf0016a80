"""A small record of the facts named in MODEL.md and issue 12, in the shape of the sourced record
(``sim/calibrate/record.py``, compiled on branch ``history``): one frozen row per figure.

``sim/calibrate/targets.py`` imports ``RECORD`` from here until the full record replaces it (a
one-line change there)."""

from __future__ import annotations

from dataclasses import dataclass

IN_SAMPLE, HELD_OUT = "in_sample", "held_out"


@dataclass(frozen=True)
class Fact:
    """One sourced figure.

    Attributes:
        key: ``quantity.region`` (``notable_models.us``); the quantity says how it is compared.
        label: what the figure is, in words.
        year: the year it describes.
        value: the figure, in ``unit``.
        unit: its unit.
        source: the publication.
        url: where to read it.
        split: ``in_sample`` (2024 and earlier: may enter the fit) or ``held_out`` (2025-2026:
            never enters the fit).
        sampling_error: the basis of its sampling error: ``poisson`` (a count), ``binomial:N``
            (a share of N items), ``relative:X`` (a stated relative error X), ``exact`` (a
            count of designations, no sampling error).
    """

    key: str
    label: str
    year: int
    value: float
    unit: str
    source: str
    url: str
    split: str
    sampling_error: str


_AI_INDEX_2024 = "Stanford AI Index 2024"
_AI_INDEX_2025 = "Stanford AI Index 2025"
_AI_INDEX_2026 = "Stanford AI Index 2026"
_URL_2024 = "https://aiindex.stanford.edu/report/"
_CHINA_AI = "Ma 2024 (002)"


def _notable(year: int, counts: dict[str, int], source: str, split: str) -> list[Fact]:
    return [
        Fact(
            f"notable_models.{region}",
            f"notable AI models by origin, {region}",
            year,
            n,
            "models",
            source,
            _URL_2024,
            split,
            "poisson",
        )
        for region, n in counts.items()
    ]


def _investment(year: int, us: float, china: float, source: str) -> list[Fact]:
    # The source publishes no error for its deal totals; 10% is a stated assumption.
    return [
        Fact(
            f"private_investment.{region}",
            f"private AI investment, {region}",
            year,
            value,
            "USD bn",
            source,
            _URL_2024,
            IN_SAMPLE,
            "relative:0.1",
        )
        for region, value in (("us", us), ("china", china))
    ]


RECORD: tuple[Fact, ...] = (
    *_notable(2023, {"us": 61, "eu": 21, "china": 15}, _AI_INDEX_2024, IN_SAMPLE),
    *_notable(2024, {"us": 40, "europe": 3, "china": 15}, _AI_INDEX_2025, IN_SAMPLE),
    *_notable(2025, {"us": 50, "china": 30, "south_korea": 5}, _AI_INDEX_2026, HELD_OUT),
    *_investment(2023, 67.2, 7.8, _AI_INDEX_2024),
    *_investment(2024, 109.1, 9.3, _AI_INDEX_2025),
    Fact(
        "foundation_models.world",
        "foundation models released",
        2023,
        149,
        "models",
        _AI_INDEX_2024,
        _URL_2024,
        IN_SAMPLE,
        "poisson",
    ),
    *(
        Fact(
            f"foundation_model_share.{region}",
            f"share of the world's foundation models, {region}",
            2023,
            share,
            "share",
            "Meyers & Springford 2023, cited in Ma 2024 (002)",
            "",
            IN_SAMPLE,
            "binomial:149",
        )
        for region, share in (("us", 0.73), ("china", 0.13))
    ),
    Fact(
        "open_share.world",
        "share of foundation models released with open weights",
        2023,
        0.657,
        "share",
        _AI_INDEX_2024,
        _URL_2024,
        IN_SAMPLE,
        "binomial:149",
    ),
    *(
        Fact(
            "incidents.world",
            "AI incidents reported",
            year,
            n,
            "incidents",
            "AI Incident Database, via the AI Index",
            "https://incidentdatabase.ai/",
            IN_SAMPLE,
            "poisson",
        )
        for year, n in ((2023, 123), (2024, 233))
    ),
    Fact(
        "top100_firms.us",
        "US firms among the AI 100",
        2022,
        72,
        "firms of 100",
        "CB Insights 2022, cited in Ma 2024 (002)",
        "",
        IN_SAMPLE,
        "binomial:100",
    ),
    Fact(
        "firm_share.shanghai",
        "Shanghai's share of China's AI firms (1,100+ of about 4,500)",
        2024,
        1100 / 4500,
        "share",
        "003; MIIT 2024",
        "",
        IN_SAMPLE,
        "relative:0.05",  # rounding of "1,100+" and "about 4,500"
    ),
    Fact(
        "pilot_zones.china",
        "China's national AI pilot zones (NIDS); none added 2022-2024",
        2024,
        18,
        "zones",
        _CHINA_AI,
        "",
        IN_SAMPLE,
        "exact",
    ),
    Fact(
        "top10_cities.china",
        "HSMAP's top-10 Chinese AI cities among the model's top 10 by capability",
        2024,
        10,
        "cities of 10",
        "HSMAP 2024, Ma 2024 (002) Table 1",
        "",
        IN_SAMPLE,
        "relative:0.1",  # rankings from other indicators (ICI China 2020) share 9 of 10
    ),
)

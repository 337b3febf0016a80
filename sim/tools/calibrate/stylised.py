"""The stylised facts of MODEL.md section 4 that the record (``sim/tools/calibrate/record/``)
does not hold, as facts of the record's schema: foundation models of 2023, the top-100 firms,
Shanghai, the pilot zones and HSMAP's top-10 cities. All are of 2024 or earlier, so all are
in-sample."""

from __future__ import annotations

from sim.tools.calibrate.record.schema import AI_INDEX_2024, POISSON, Fact, make_fact

_URL_AI_INDEX_2024 = "https://aiindex.stanford.edu/report/"
_MA_2024 = "Ma 2024 (002)"
_URL_MA_2024 = ""  # Ma 2024 (002) is a source document of the project (MODEL.md section 4)

FACTS: tuple[Fact, ...] = (
    make_fact(
        "foundation_models.world",
        "foundation models released",
        2023,
        149,
        "models",
        AI_INDEX_2024,
        _URL_AI_INDEX_2024,
        POISSON,
    ),
    *(
        make_fact(
            f"foundation_model_share.{region}",
            f"share of the world's foundation models, {region}",
            2023,
            share,
            "share",
            "Meyers & Springford 2023, cited in Ma 2024 (002)",
            _URL_MA_2024,
            "share of 149: binomial",
        )
        for region, share in (("us", 0.73), ("china", 0.13))
    ),
    make_fact(
        "open_share.world",
        "share of foundation models released with open weights",
        2023,
        0.657,
        "share",
        AI_INDEX_2024,
        _URL_AI_INDEX_2024,
        "share of 149: binomial",
    ),
    make_fact(
        "top100_firms.us",
        "US firms among the AI 100 (measured on the 2024 initial world)",
        2022,
        72,
        "firms of 100",
        "CB Insights 2022, cited in Ma 2024 (002)",
        _URL_MA_2024,
        "share of 100: binomial",
    ),
    make_fact(
        "firm_share.shanghai",
        "Shanghai's share of China's AI firms (1,100+ of about 4,500)",
        2024,
        1100 / 4500,
        "share",
        "003; MIIT 2024",
        _URL_MA_2024,
        "relative 0.05: the rounding of 1,100+ and about 4,500",
    ),
    make_fact(
        "pilot_zones.china",
        "China's national AI pilot zones (NIDS); none added 2022-2024",
        2024,
        18,
        "zones",
        _MA_2024,
        _URL_MA_2024,
        "exact: a count of designations",
    ),
    make_fact(
        "top10_cities.china",
        "HSMAP's top-10 Chinese AI cities among the model's top 10 by capability",
        2024,
        10,
        "cities of 10",
        "HSMAP 2024, Ma 2024 (002) Table 1",
        _URL_MA_2024,
        "relative 0.1: rankings from other indicators (ICI China 2020) share 9 of 10",
    ),
)

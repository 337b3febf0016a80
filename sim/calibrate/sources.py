"""The stylised facts' figures as their sources give them, and the tolerance of each comparison
with its reason. A tolerance comes from the source's own precision or spread, never from the
model's result."""

from __future__ import annotations

import math

# -- the sources' figures --------------------------------------------------------------------

FM_2023 = 149  # foundation models released in 2023 (Stanford AI Index 2024)
FM_SHARE = {"us": 0.73, "china": 0.13}  # Meyers & Springford 2023, cited in Ma 2024 (002)
OPEN_SHARE = 0.657  # share of 2023's foundation models released open (AI Index 2024)
US_TOP100 = 72  # CB Insights AI 100 (May 2022), cited in 002
NOTABLE = {  # notable AI models by origin: AI Index 2024 (2023) and 2025 (2024, "Europe")
    2023: {"us": 61, "eu": 21, "china": 15},
    2024: {"us": 40, "eu": 3, "china": 15},
}
# Private AI investment, USD bn (US, China): AI Index 2023, 2024 and 2025 editions.
INVESTMENT = {2022: (47.4, 13.4), 2023: (67.2, 7.8), 2024: (109.1, 9.3)}
INCIDENTS = {2023: 123, 2024: 233}  # AI Incident Database, via the AI Index
SHANGHAI_FIRMS, CHINA_FIRMS = 1100, 4500  # "1,100+" core AI firms (003); about 4,500 (MIIT 2024)
NIDS_2021, NIDS_PLAN = 18, 20  # 18 by Dec 2021, none added to late 2024; plan "around 20" (002)
HSMAP_TOP10 = (  # Ma 2024, Table 1 (HSMAP 2024), in rank order
    "beijing",
    "shenzhen",
    "shanghai",
    "guangzhou",
    "hangzhou",
    "xian",
    "nanjing",
    "chengdu",
    "wuhan",
    "suzhou",
)

# -- tolerances, each with its reason ----------------------------------------------------------
# A tolerance comes from the source's own precision or spread, never from the model's result.

Z = 2.0  # two standard errors: about 95% of the draws a source's count could have given


def _binomial(p: float, n: float) -> tuple[float, float, float]:
    """(low, high, half-width) of a share p measured on n items, +-Z standard errors."""
    half = Z * math.sqrt(p * (1 - p) / n)
    return p - half, p + half, half


# Foundation-model shares and the open share: the real 2023 figures are one year's draw of 149
# releases, so they carry binomial sampling error; the model's mean must be within 2 s.e.
FM_US_BAND = _binomial(FM_SHARE["us"], FM_2023)
FM_CHINA_BAND = _binomial(FM_SHARE["china"], FM_2023)
OPEN_BAND = _binomial(OPEN_SHARE, FM_2023)
WHY_BINOMIAL = "2 binomial standard errors of a share measured on the 149 releases of 2023"
# Releases a year: a count of 149 has Poisson error sqrt(149).
FM_HALF = Z * math.sqrt(FM_2023)
WHY_POISSON = "2 Poisson standard errors of a count of 149 releases"
# Top 100: a list of 100 firms is 100 draws, so the US count has binomial error.
TOP100_BAND = tuple(100 * x for x in _binomial(US_TOP100 / 100, 100))
WHY_TOP100 = "2 binomial standard errors of a US count out of a list of 100 firms"
# Incidents: the source's own two years, 123 and 233, bracket the target.
WHY_INCIDENTS = "the source's own spread: 123 incidents in 2023, 233 in 2024"
# Notable models: a small curated count whose shares swing from year to year in the source
# itself; the band is the largest change of any pole's share between 2023 and 2024.
NOTABLE_SHARES = {y: {p: c / sum(v.values()) for p, c in v.items()} for y, v in NOTABLE.items()}
NOTABLE_HALF = max(abs(NOTABLE_SHARES[2023][p] - NOTABLE_SHARES[2024][p]) for p in NOTABLE[2023])
WHY_NOTABLE = (
    f"the source's own year-to-year swing: a pole's share moved by up to {NOTABLE_HALF:.3f} "
    "between 2023 and 2024 (Europe), wide because notable models are not all foundation models"
)
# Investment ratio: the US/China ratio of the source moved from 3.5 (2022) to 8.6 (2023) and 11.7
# (2024); the band is that range.
RATIOS = [us / cn for us, cn in INVESTMENT.values()]
RATIO_BAND = (min(RATIOS), max(RATIOS))
WHY_RATIO = "the source's own range of the US/China ratio over 2022-2024 (3.5 to 11.7)"
# Shanghai's share: "1,100+" read as 1,100-1,200 (up to the next round hundred) and "about 4,500"
# as 4,250-4,750 (to the nearest 500).
SHANGHAI_BAND = (SHANGHAI_FIRMS / 4750, 1200 / 4250)
WHY_SHANGHAI = "rounding of the source's figures: 1,100-1,200 firms of 4,250-4,750"
# Pilot zones: between the real count (18, none added 2022-24) and the plan (about 20).
WHY_NIDS = "between the real count (18, unchanged 2021-24, Ma 2024) and the plan of about 20"
# Top-10 cities: two rankings built from different indicators, HSMAP 2024 and the University of
# Sydney's Intelligent Cities Index China (2020), share 9 of their top 10, so a ranking by a
# different measure (capability) may differ by one city.
HSMAP_LOW = 9
WHY_HSMAP = "independent rankings of China's AI cities (HSMAP 2024, ICI China 2020) share 9 of 10"

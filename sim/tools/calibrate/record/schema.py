"""The record's entries: a dated fact with its source, and a growth rate."""

from __future__ import annotations

from dataclasses import dataclass

IN_SAMPLE, HELD_OUT = "in_sample", "held_out"
LAST_IN_SAMPLE = 2024

POISSON = "count: Poisson"
NO_ERROR = "none given"


@dataclass(frozen=True)
class Fact:
    """One figure of the record."""

    key: str
    label: str
    year: int
    value: float
    unit: str
    source: str
    url: str
    split: str
    error: str = NO_ERROR
    note: str = "secondary"


@dataclass(frozen=True)
class Growth:
    """An annual growth factor of the AI economy (1.5 = +50% a year)."""

    key: str
    label: str
    factor: float
    period: str
    source: str
    url: str
    note: str = "secondary"


def _split(year: int) -> str:
    return IN_SAMPLE if year <= LAST_IN_SAMPLE else HELD_OUT


def make_fact(key, label, year, value, unit, source, url, error=NO_ERROR, note="secondary") -> Fact:
    return Fact(key, label, year, value, unit, source, url, _split(year), error, note)


# -- sources -----------------------------------------------------------------------------------
AI_INDEX_2024 = "Stanford AI Index 2024"
AI_INDEX_2025 = "Stanford AI Index 2025"
AI_INDEX_2026 = "Stanford AI Index 2026"
U_R_AND_D_2025 = "https://hai.stanford.edu/ai-index/2025-ai-index-report/research-and-development"
U_NOTABLE_2023 = (
    "https://meritalk.com/articles/us-ahead-of-china-in-ai-innovation-stanford-ranking-says/"
)
U_NOTABLE_2023_EU = (
    "https://mangoanimate.com./w/wq4egbrtzffcmyi/ai-research-and-development/wb1epccyzfacltz"
)
U_NANET_2025 = "http://nsp.nanet.go.kr/plan/subject/detail.do?nationalPlanControlNo=PLAN0000051795"
U_NOTABLE_2025 = "https://www.besthub.dev/articles/2026-ai-index-china-us-model-race-compute-surge-data-trends-4bf4e02321c0"
U_SPECTRUM_2026 = (
    "https://nowletus.com/news/graphs-that-explain-the-state-of-ai-in-2026-now4455.html"
)
U_INV_2021 = "https://www.aitimejournal.com/10-highlights-from-the-2022-artificial-intelligence-index-report/34288/"
U_INV_2022 = "https://databoks.katadata.co.id/datapublish/2023/05/16/10-negara-dengan-investasi-ai-terbesar-di-dunia"
U_INV_2024 = (
    "https://www.ciol.com/news/ai-investment-boom-global-tech-race-driving-next-tech-boom-10966187"
)
U_INV_2025 = "https://neodatagroup.ai/?p=17169"
U_DIGEST_2026 = (
    "https://www.digitalapplied.com/blog/stanford-ai-index-2026-numbers-that-matter-digest"
)
U_CUMULATIVE = "https://www.sipoch.com/en/articles/300330018366562"
U_INCIDENTS_2024 = "https://thedailyscout.com/s/a-07wcGmc0U"
U_INCIDENTS_2025 = "https://ai-vnv.kfupm.io/blog/ai-index-2026-responsible-ai/"
U_GAP_2025 = "https://propakistani.pk/2025/04/12/china-nearly-closes-ai-performance-gap-with-us-despite-investing-much-less/"
U_GAP_2026 = "https://read-signs.com/us/39-point-ai-gap-americas-lead-measured-in-days"

NOTABLE = "notable AI models (Epoch AI), by the developer's country"
INVEST = "private AI investment (Quid data), USD bn, nominal"

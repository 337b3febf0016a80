"""Growth rates of the AI economy with their sources: compute, GPU price-performance, spending
and investment."""

from __future__ import annotations

from sim.tools.calibrate.record.schema import (
    AI_INDEX_2025,
    AI_INDEX_2026,
    U_GAP_2025,
    U_INV_2025,
    U_NOTABLE_2025,
    Growth,
)

GROWTH: tuple[Growth, ...] = (
    Growth(
        "compute.world",
        "world AI compute capacity (H100-equivalents)",
        3.3,
        "2022-2025",
        AI_INDEX_2026 + " (17.1 m H100e in 2025)",
        U_NOTABLE_2025,
    ),
    Growth(
        "compute.training_notable",
        "training compute of notable models",
        4.6,
        "2010-2024",
        "Epoch AI, data insight",
        "https://epoch.ai/data-insights/compute-trend-post-2010",
        "official",
    ),
    Growth(
        "compute.training_frontier",
        "training compute of frontier models (4-5x)",
        4.5,
        "2018-2024",
        "Epoch AI",
        "https://epoch.ai/data-insights/training-compute-decomposition",
        "official",
    ),
    Growth(
        "compute.china_top10",
        "training compute of the top 10 Chinese models",
        3.0,
        "late 2021-2024",
        AI_INDEX_2025 + " citing Epoch AI",
        U_GAP_2025,
    ),
    Growth(
        "gpu.price_performance",
        "GPU FLOP/s per dollar (doubling 2.46 yr, 95% CI 2.24-2.72)",
        2 ** (1 / 2.46),
        "2006-2021",
        "Hobbhahn & Besiroglu 2022 (Epoch AI)",
        "https://www.alignmentforum.org/posts/c6KFvQcZggQKZzxr9/trends-in-gpu-price-performance",
    ),
    Growth(
        "gpu.price_performance_ml",
        "the same, GPUs used in ML (doubling 2.07 yr)",
        2 ** (1 / 2.07),
        "2006-2021",
        "Hobbhahn & Besiroglu 2022 (Epoch AI)",
        "https://www.alignmentforum.org/posts/c6KFvQcZggQKZzxr9/trends-in-gpu-price-performance",
    ),
    Growth(
        "budgets.frontier",
        "AI development budgets of frontier developers (2-3x)",
        2.5,
        "2018-2024",
        "Epoch AI",
        "https://epoch.ai/data-insights/training-compute-decomposition",
        "official",
    ),
    Growth(
        "spending.world_2025",
        "world AI spending, Gartner (988 to 1,479 USD bn)",
        1478.634 / 987.904,
        "2024-2025",
        "Gartner, Sep 2025 forecast",
        "https://it-online.co.za/2025/09/19/global-ai-spending-will-surge-to-15trn-this-year/",
    ),
    Growth(
        "spending.world_2026",
        "world AI spending, Gartner (1,757 to 2,528 USD bn)",
        2527.845 / 1757.152,
        "2025-2026",
        "Gartner, Jan 2026 forecast",
        "https://it-online.co.za/2026/01/16/global-ai-spending-could-pass-25trn-in-2026/",
    ),
    Growth(
        "investment.world_2025",
        "world private AI investment",
        2.275,
        "2024-2025",
        AI_INDEX_2026,
        U_INV_2025,
    ),
)

"""First-year calibration of the baseline against the stylised facts: ``python -m sim.calibrate``.

Runs the baseline for four quarters (2025) over several seeds and prints, for each fact the model
can speak to, the target, the model's mean and standard deviation across seeds, and the relative
distance. Options: ``--seeds N`` (default 10), ``--scenario NAME``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from sim.model import RegulatoryCompetition

# (fact, target, source): targets from MODEL.md section 4.
FACTS = [
    ("foundation-model share, US", 0.73, "Meyers & Springford 2023, cited in 002"),
    ("foundation-model share, China", 0.13, "Meyers & Springford 2023, cited in 002"),
    ("foundation models a year", 149.0, "Stanford AI Index 2024 (2023 releases)"),
    ("open share of foundation models", 0.657, "Stanford AI Index 2024"),
    ("US firms among the top 100 by capability", 72.0, "CB Insights 2022, cited in 002"),
    ("AI incidents a year", 175.0, "AI Incident Database via AI Index: 123 (2023), 233 (2024)"),
]


def target(fact: str) -> float:
    """The target value of a named stylised fact."""
    return next(t for f, t, _ in FACTS if f == fact)


def first_year(seed: int, scenario: str = "baseline") -> dict[str, float]:
    """The model's values of the facts over its first simulated year."""
    m = RegulatoryCompetition(seed=seed, scenario=scenario, steps=4).run()
    st, df = m.states_frame(), m.model_frame()
    year = st[st.step >= 1].groupby("state").foundation_models.sum()
    total = year.sum()
    pop = m.firms
    top = np.argsort(-np.where(pop.alive, pop.k, -np.inf))[:100]
    return {
        "foundation-model share, US": year["us"] / total,
        "foundation-model share, China": year["china"] / total,
        "foundation models a year": float(total),
        "open share of foundation models": float(df.open_model_share.iloc[-1]),
        "US firms among the top 100 by capability": float(
            (pop.home[top] == m.state("us").index).sum()
        ),
        "AI incidents a year": float(df.incidents.iloc[1:].sum()),
    }


def table(seeds: int = 10, scenario: str = "baseline") -> pd.DataFrame:
    """One row per fact: target, model mean and s.d. over seeds, relative distance, source."""
    runs = pd.DataFrame([first_year(s, scenario) for s in range(seeds)])
    rows = []
    for fact, target, source in FACTS:
        mean, sd = runs[fact].mean(), runs[fact].std(ddof=1)
        rows.append(
            {
                "fact": fact,
                "target": target,
                "model": mean,
                "sd": sd,
                "distance": (mean - target) / target,
                "source": source,
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    """Print the calibration table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scenario", default="baseline")
    args = parser.parse_args()
    out = table(args.seeds, args.scenario)
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(out.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()

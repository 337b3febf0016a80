"""The power analysis (experiments/power.py) and the multiplicity corrections the figure scripts
read their families with (experiments/figures/common.py)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import power
from experiments.figures import convergence, waico_adoption
from experiments.figures.common import benjamini_hochberg, diff_p, family_counts, holm


def test_seeds_needed_matches_a_hand_computation():
    # sd 2, effect 8: the half-width must be <= 2, i.e. t(0.975, n-1) / sqrt(n) <= 1;
    # n = 6: 2.571 / 2.449 = 1.050 (too wide), n = 7: 2.447 / 2.646 = 0.925 (enough)
    assert power.seeds_needed(2.0, 8.0) == 7
    assert power.seeds_needed(2.0, -8.0) == 7  # the sign of the effect does not matter
    # sd 1, effect 1: t(0.975, n-1) / sqrt(n) <= 0.25; n = 63: 1.9990 / 7.937 = 0.2519,
    # n = 64: 1.9983 / 8 = 0.2498
    assert power.seeds_needed(1.0, 1.0) == 64
    assert power.half_width(1.0, 64) <= 0.25 < power.half_width(1.0, 63)


def test_seeds_needed_has_no_answer_for_a_zero_effect_and_two_for_no_noise():
    assert power.seeds_needed(1.0, 0.0) is None
    assert power.seeds_needed(float("nan"), 1.0) is None
    assert power.seeds_needed(0.0, 1.0) == 2  # no seed noise: the smallest interval there is


def test_seeds_to_detect_is_the_smallest_n_with_the_power_wanted():
    def brute(sd, mei):  # the definition, n by n from 2
        n = 2
        while (stats.t.ppf(0.975, n - 1) + stats.t.ppf(0.8, n - 1)) * sd / np.sqrt(n) > mei:
            n += 1
        return n

    for sd, mei in ((1.0, 0.5), (0.5, 0.5), (1.3, 0.2), (0.05, 1.0)):
        assert power.seeds_to_detect(sd, mei) == brute(sd, mei)
    assert power.seeds_to_detect(1.0, 0.5) == 34  # ~ ((1.96 + 0.84) / 0.5)^2 + t's correction


def test_needed_seeds_fall_monotonically_as_the_effect_grows_against_the_noise():
    ratios = np.linspace(0.2, 5.0, 60)  # |effect| / sd
    n = [power.seeds_needed(1.0, r) for r in ratios]
    assert all(a >= b for a, b in itertools.pairwise(n))
    assert n[0] > 1000 and n[-1] < 10
    # only the ratio counts: the same sd / effect in other units needs the same seeds
    assert power.seeds_needed(0.3, 0.9) == power.seeds_needed(3.0, 9.0) == power.seeds_needed(1, 3)


def _exactly(n: int, mean: float, sd: float) -> np.ndarray:
    """``n`` noisy values whose mean and sd are exactly ``mean`` and ``sd``."""
    z = np.random.default_rng(n).standard_normal(n)
    return mean + sd * (z - z.mean()) / z.std(ddof=1)


def test_more_seeds_of_the_same_noise_turn_the_verdict_to_enough():
    rows = [power.row(power.Quantity("E0", "x", _exactly(n, 2.0, 1.0), 0.5)) for n in (10, 40, 200)]
    # sd 1 and effect 2 in every case: the seeds needed stay put (t(0.975, 17) / sqrt(18) =
    # 0.497 <= 0.5, t(0.975, 16) / sqrt(17) = 0.514), the seeds run grow past them
    assert {r["n_needed"] for r in rows} == {power.seeds_needed(1.0, 2.0)} == {18}
    assert [r["verdict"] for r in rows] == ["needs 8 more seeds", "enough", "enough"]


def test_an_unresolved_effect_is_sized_by_its_minimal_effect_of_interest():
    values = np.array([1.0, -1.0, 0.5, -0.5, 0.0, 0.2, -0.2, 0.1])  # mean 0.0125, CI covers 0
    r = power.row(power.Quantity("E4", "cell", values, mei=0.5, family="20 cells", m=20))
    sd = values.std(ddof=1)
    assert r["lo"] < 0 < r["hi"]
    assert r["n_needed"] == power.seeds_to_detect(sd, 0.5)  # not a quarter of ~0
    assert r["n_family"] == power.seeds_to_detect(sd, 0.5, level=1 - 0.05 / 20)
    assert r["n_family"] > r["n_needed"] and "not resolved" in r["basis"]


def test_holm_against_a_worked_example_where_it_rejects_more_than_bonferroni():
    p = np.array([0.01, 0.015, 0.03, 0.2])
    # Holm: sorted p times 4, 3, 2, 1 = 0.04, 0.045, 0.06, 0.2 (already non-decreasing)
    assert holm(p) == pytest.approx([0.04, 0.045, 0.06, 0.2])
    bonferroni = np.minimum(p * len(p), 1)  # 0.04, 0.06, 0.12, 0.8
    assert (holm(p) < 0.05).sum() == 2 > (bonferroni < 0.05).sum() == 1
    # order and monotonicity: an unsorted family with a step that must be carried forward
    assert holm([0.04, 0.01, 0.03]) == pytest.approx([0.06, 0.03, 0.06])
    assert np.isnan(holm([0.01, np.nan])[1]) and holm([0.01, np.nan])[0] == 0.01  # m = 1


def _holm_by_definition(p):
    """Holm's adjusted p of the i-th smallest: the largest min(1, (m - j) p_(j)) over j <= i."""
    order, m = np.argsort(p), len(p)
    steps = [min(1.0, (m - j) * p[order[j]]) for j in range(m)]
    out = np.empty(m)
    for i in range(m):
        out[order[i]] = max(steps[: i + 1])
    return out


def test_holm_and_benjamini_hochberg_agree_with_their_definitions():
    # scipy's BH rather than statsmodels': importing statsmodels costs seconds in the fast suite
    rng = np.random.default_rng(7)
    for _ in range(20):
        p = rng.uniform(0, 0.2, rng.integers(1, 25))
        assert holm(p) == pytest.approx(_holm_by_definition(p))
        assert benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p))


def test_benjamini_hochberg_by_hand():
    # sorted p times m / k = 0.04, 0.04, 0.04, 0.2; then the running minimum from the top
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.2]) == pytest.approx([0.04, 0.04, 0.04, 0.2])


def test_diff_p_is_the_paired_t_test():
    a = pd.Series([1.0, 2.5, 3.0, 4.0, 2.25])  # a + 1 - a is exactly 1
    b = pd.Series([0.5, 2.0, 3.4, 3.0, 1.0])
    assert diff_p(a, b) == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert diff_p(a, a) == 1.0 and diff_p(a + 1, a) == 0.0  # no noise at all


def test_family_counts_reads_the_corrected_decisions():
    s = pd.DataFrame({"mean": [1.0, 2.0, -1.0], "lo": [0.1, 1.0, -2.0], "hi": [2, 3, -0.1]})
    s["p_holm"] = [0.2, 0.001, 0.3]
    assert family_counts(s, "cells") == (
        "CI above 0 in 2 of 3 cells, below 0 in 1; Holm over the 3 cells: above 0 in 1, "
        "below 0 in 0"
    )


def _waico_runs() -> pd.DataFrame:
    """20 cells x 8 seeds: Singapore ahead of Shanghai clearly in one cell, modestly (p ~ 0.01,
    a 95% CI above 0 but not after Holm over 20 cells) in two, and not at all elsewhere."""
    clear = np.array([3, 3, 3, 3, 3, 3, 4, 3.0])
    modest = np.array([1, 0, 1, 0, 1, 1, 0, 1.0])
    rows = []
    for i, (wd, up) in enumerate((w, u) for w in (0, 1.5, 3, 4.5, 6) for u in (0, 1, 2, 4)):
        lift = clear if i == 0 else modest if i in (5, 9) else np.zeros(8)
        for r in range(8):
            base = 3.0 + r % 3
            for scen, v in (("waico_shanghai", base), ("waico_hk_cohost", base),
                            ("waico_singapore", base + lift[r])):  # fmt: skip
                row = {"scenario": scen, "replicate": r, waico_adoption.WD: float(wd)}
                rows.append(row | {waico_adoption.UP: float(up), waico_adoption.FINAL: v})
    return pd.DataFrame(rows)


def test_waico_headline_counts_cells_with_holm_over_the_grid():
    runs = _waico_runs()
    fig, axes = plt.subplots(2, 3)
    data = pd.concat(waico_adoption.grid_maps(fig, axes, runs, (3.0, 1.0)), ignore_index=True)
    plt.close(fig)
    text = waico_adoption.grid_headline(data)[
        "Singapore minus Shanghai, final members over the grid"
    ]
    assert "CI above 0 in 3 of 20 cells" in text  # uncorrected: the clear and the modest cells
    assert "Holm over the 20 cells: above 0 in 1, below 0 in 0" in text


def test_convergence_headline_counts_levers_with_holm_over_the_levers():
    modest = 0.004 * np.array([1, 0, 1, 0, 1, 0, 1, 0, 0, 0])  # paired t test: p = 0.037
    lift = {"us_deregulation": np.full(10, 0.05), "eu_strict_enforcement": modest}
    rows = []
    for scen in ["baseline", *convergence.LEVERS]:
        for r in range(10):
            v = 0.5 + 0.01 * (r % 4) + lift.get(scen, np.zeros(10))[r]
            rows.append({"scenario": scen, "replicate": r, "final_fragmentation": v})
    runs = pd.DataFrame(rows)
    fig, ax = plt.subplots()
    b = convergence.levers(ax, runs, "2034Q4")
    plt.close(fig)
    eu = next(r for r in b if r["scenario"] == "eu_strict_enforcement")
    assert eu["p"] < 0.05 < eu["p_holm"]  # holds alone, not over the 8 levers
    text = convergence.headline(runs, b, [])["single levers against the baseline"]
    assert text.startswith("CI above 0 in 2 of 8 levers")
    assert text.endswith("Holm over the 8 levers: above 0 in 1, below 0 in 0")


def test_a_users_power_call_never_writes_the_committed_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    q = power.Quantity("E1", "x", np.array([1.0, 2.0, 3.0]), mei=1.0)
    monkeypatch.setattr(power, "table", lambda *a, **k: pd.DataFrame([power.row(q)]))
    assert power.main(committed=False) == power.RESULTS / "sweeps" / "power.csv"
    assert not (tmp_path / "results" / "figures").exists()
    assert power.main(committed=True) == power.RESULTS / "figures" / "power.csv"
    assert pd.read_csv(tmp_path / "results" / "figures" / "power.csv").n_needed.iloc[0] == 10


def test_the_power_command_says_when_there_is_nothing_to_read(tmp_path, monkeypatch, capsys):
    from experiments.__main__ import main

    monkeypatch.chdir(tmp_path)
    assert main(["power"]) == 0
    assert "no aggregated sweep under results/sweeps" in capsys.readouterr().out
    assert not any(tmp_path.rglob("*.csv"))
    with pytest.raises(SystemExit) as exit_:
        main(["power", "extra"])
    assert exit_.value.code == 2 and "unrecognized arguments: extra" in capsys.readouterr().err

"""E7's analysis on synthetic points tables with known answers (SALib's own samplers draw the
designs): Morris ranks and its noise floor, Sobol indices against Ishigami's analytic values,
the seed-noise share, the answers as distributions and PRIM's boxes."""

import json

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from experiments.sensitivity import HEADLINES, OUTCOMES
from experiments.sensitivity.discovery import choose, discover, find_box
from experiments.sensitivity.indices import (
    morris_indices,
    select_top,
    sobol_convergence,
    sobol_indices,
)
from experiments.sensitivity.noise import noise_share, seed_variance
from experiments.sensitivity.propagate import (
    decompose,
    distribution,
    hinges,
    propagate,
    sentence,
    sentences,
)
from sim.tools.validate import ConfigError

LINEAR = {"num_vars": 3, "names": ["m.x1", "m.x2", "m.x3"], "bounds": [[0.0, 1.0]] * 3}
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def points(stage, x, problem, y, seeds=1, noise=0.0, rng=None, outcome="y"):
    """A points table: each row of ``x`` a point, run on ``seeds`` seeds, outcome ``y`` (one
    value per point) plus normal seed noise of sd ``noise``."""
    rng = rng or np.random.default_rng(0)
    cols = [n.replace(".", "_") for n in problem["names"]]
    base = pd.DataFrame(x, columns=cols).assign(stage=stage, point=np.arange(len(x)), _y=y)
    rows = base.loc[base.index.repeat(seeds)].reset_index(drop=True)
    rows["seed"] = np.tile(np.arange(seeds), len(x))
    rows[outcome] = rows.pop("_y") + noise * rng.standard_normal(len(rows))
    return rows


def linear_morris(noise=0.3, seeds=3, r=20):
    x = morris_sample.sample(LINEAR, r, num_levels=4, seed=3)
    return points("morris", x, LINEAR, 4 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2], seeds, noise)


def ishigami_analytic(a=7.0, b=0.1):
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_morris_ranks_a_linear_model_and_puts_the_null_key_under_the_noise_floor():
    table = morris_indices(linear_morris(), LINEAR, "y").set_index("key")
    assert table.loc["m.x1", "mu_star"] > table.loc["m.x2", "mu_star"] > 0
    assert table.loc["m.x1", "mu_star"] == pytest.approx(4, rel=0.1)
    assert table.loc["m.x2", "mu_star"] == pytest.approx(1, rel=0.3)
    assert table.loc["m.x3", "mu_star"] < table.loc["m.x3", "noise_floor"]
    assert table["above_noise"].to_dict() == {"m.x1": True, "m.x2": True, "m.x3": False}
    assert select_top(table.reset_index(), 3) == ["m.x1", "m.x2"]
    assert select_top(table.reset_index(), 1) == ["m.x1"]
    assert select_top(table.reset_index(), 3, fill=True) == ["m.x1", "m.x2", "m.x3"]


def test_morris_noise_floor_is_what_pure_noise_gives():
    """On a pure-noise outcome SALib's mu* is about the floor's expected mu*; more seeds per
    point lower the floor by about the square root of their number."""
    x = morris_sample.sample(LINEAR, 40, num_levels=4, seed=5)
    noise = points("morris", x, LINEAR, np.zeros(len(x)), seeds=2, noise=1.0)
    table = morris_indices(noise, LINEAR, "y")
    assert table["mu_star"].mean() == pytest.approx(table["noise_mu_star"].mean(), rel=0.2)
    assert (table["noise_floor"] > table["noise_mu_star"]).all()
    more = morris_indices(points("morris", x, LINEAR, np.zeros(len(x)), 8, 1.0), LINEAR, "y")
    ratio = table["noise_mu_star"].mean() / more["noise_mu_star"].mean()
    assert ratio == pytest.approx(2.0, rel=0.25)


def test_morris_with_one_seed_uses_the_given_seed_variance_or_says_it_cannot_tell():
    x = morris_sample.sample(LINEAR, 20, num_levels=4, seed=3)
    one = points("morris", x, LINEAR, 4 * x[:, 0], seeds=1, noise=0.3)
    assert morris_indices(one, LINEAR, "y")["noise_floor"].isna().all()
    given = morris_indices(one, LINEAR, "y", noise_var=0.09).set_index("key")
    assert given["above_noise"].to_dict() == {"m.x1": True, "m.x2": False, "m.x3": False}


def test_morris_leaves_out_a_trajectory_with_a_failed_point():
    table = linear_morris(r=10)
    failed = table[table["point"] != 5]  # every seed of point 5 failed
    assert morris_indices(failed, LINEAR, "y")["trajectories"].iloc[0] == 9


def test_morris_imputes_undefined_points_only_where_no_trajectory_is_complete():
    table = linear_morris(r=10)
    table.loc[table["point"] % 4 == 0, "y"] = np.nan  # undefined at every 4th point
    m = morris_indices(table, LINEAR, "y").set_index("key")
    assert m["trajectories"].iloc[0] == 10 and m["imputed_points"].iloc[0] == 10
    assert m["mu_star"].idxmax() == "m.x1"  # still first, with spurious effects beside
    table.loc[table["point"].isin([4, 8]), "y"] = 1.0  # trajectories 1, 2 complete: used alone
    two = morris_indices(table, LINEAR, "y")
    assert two["trajectories"].iloc[0] == 2 and two["imputed_points"].iloc[0] == 0


def test_a_missing_column_is_named():
    with pytest.raises(ConfigError, match="no column 'z'"):
        morris_indices(linear_morris(r=4), LINEAR, "z")
    problem = dict(LINEAR, names=["m.x1", "m.x2", "m.q"])
    with pytest.raises(ConfigError, match="m_q"):
        morris_indices(linear_morris(r=4), problem, "y")


@pytest.fixture(scope="module")
def ishigami():
    x = sobol_sample.sample(ISHIGAMI, 1024, calc_second_order=False, seed=2)
    return points("sobol", x, ISHIGAMI, Ishigami.evaluate(x))


def test_sobol_intervals_hold_ishigamis_analytic_indices(ishigami):
    s1, st = ishigami_analytic()
    assert s1 == pytest.approx([0.314, 0.442, 0], abs=0.005)  # the brief's values
    table = sobol_indices(ishigami, ISHIGAMI, "y", n_boot=1000)
    assert (table["S1_lo"] <= s1).all() and (s1 <= table["S1_hi"]).all(), table
    assert (table["ST_lo"] <= st).all() and (st <= table["ST_hi"]).all(), table
    assert (table["n_base"] == 1024).all()


def test_sobol_convergence_uses_whole_blocks_and_narrows(ishigami):
    conv = sobol_convergence(ishigami, ISHIGAMI, "y", n_boot=200)
    assert sorted(conv["n_base"].unique()) == [128, 256, 512, 1024]
    full = conv[conv["fraction"] == 1].set_index("key")
    first = conv[conv["fraction"] == 1 / 8].set_index("key")
    assert (first["ST_conf"] > full["ST_conf"]).all()
    ref = sobol_indices(ishigami, ISHIGAMI, "y", n_boot=200).set_index("key")
    assert full["ST"].to_numpy() == pytest.approx(ref["ST"].to_numpy())


def test_sobol_needs_two_complete_blocks(ishigami):
    first_two = ishigami[ishigami["point"] < 10].copy()
    first_two.loc[first_two["point"] == 7, "y"] = np.nan  # the second block incomplete
    with pytest.raises(ConfigError, match="one complete Saltelli block only"):
        sobol_convergence(first_two, ISHIGAMI, "y")


def test_sobol_st_noise_is_what_seed_noise_adds_to_a_null_keys_total_index():
    x = sobol_sample.sample(LINEAR, 512, calc_second_order=False, seed=4)
    table = points("sobol", x, LINEAR, 4 * x[:, 0], seeds=2, noise=1.0)
    sobol = sobol_indices(table, LINEAR, "y", n_boot=300).set_index("key")
    # means of 2 seeds: noise variance 0.5 against 16/12 from x1
    assert sobol.loc["m.x3", "st_noise"] == pytest.approx(0.5 / (0.5 + 16 / 12), rel=0.15)
    assert sobol.loc["m.x3", "ST_lo"] <= sobol.loc["m.x3", "st_noise"] <= sobol.loc["m.x3", "ST_hi"]


def test_noise_share_is_one_for_pure_noise_and_zero_without_noise():
    rng = np.random.default_rng(7)
    theta = rng.standard_normal(200)
    theta = (theta - theta.mean()) / theta.std(ddof=1)  # points' variance exactly 1
    x = np.zeros((200, 3))
    pure = noise_share(points("morris", x, LINEAR, 0 * theta, 4, 1.0, rng), "y", n_boot=200)
    assert pure.share == pytest.approx(1, abs=0.1) and pure.lo <= 1 <= pure.hi + 0.05
    none = noise_share(points("morris", x, LINEAR, theta, 4, 0.0, rng), "y", n_boot=200)
    assert none.share == pytest.approx(0, abs=1e-12)
    half = noise_share(points("morris", x, LINEAR, theta, 4, 1.0, rng), "y", n_boot=200)
    assert half.lo < 0.5 < half.hi and half.points == 200


def test_noise_share_needs_points_with_several_seeds():
    with pytest.raises(ConfigError, match="two or more seeds"):
        noise_share(points("explore", np.zeros((5, 3)), LINEAR, np.zeros(5)), "y")


def test_distribution_percentiles_on_a_known_sample():
    d = distribution(np.arange(101.0) - 10)  # -10 .. 90
    assert (d["q05"], d["median"], d["q95"]) == (-5.0, 40.0, 85.0)
    assert d["mean"] == 40.0 and d["positive"] == pytest.approx(90 / 101) and d["n"] == 101


def test_propagation_separates_parametric_spread_from_seed_noise():
    rng = np.random.default_rng(3)
    x = np.zeros((400, 3))
    explore = points("explore", x, LINEAR, 2.0 * rng.standard_normal(400), 1, 1.0, rng)
    morris = points("morris", x[:100], LINEAR, rng.standard_normal(100) * 5, 5, 1.0, rng)
    defaults = points("defaults", x[:1], LINEAR, [3.0], 20, 1.0, rng)
    table = pd.concat([explore, morris, defaults]).rename(columns={"y": "dual_gain"})
    assert seed_variance(table, "dual_gain") == pytest.approx(1.0, rel=0.15)
    row = propagate(table, ["dual_gain"]).iloc[0]
    assert row["seed_share"] == pytest.approx(1 / 5, abs=0.07)  # seed 1 of parametric 4 + 1
    assert row["default_lo"] < 3.0 < row["default_hi"] and row["default_n"] == 20
    text = sentence(row)
    assert text.startswith("E1: China's capability growth, dual minus single track: +")
    assert f"positive in {row['explore_positive']:.0%}" in text and "at the defaults" in text


def test_the_sentence_names_what_the_answer_hinges_on_and_what_is_missing():
    rng = np.random.default_rng(5)
    explore = points("explore", np.zeros((50, 3)), LINEAR, rng.standard_normal(50))
    table = propagate(explore.rename(columns={"y": "waico_members"}), ["waico_members"])
    sobol = pd.DataFrame(
        {"key": ["a.x", "b.y"], "ST": [0.2, 0.6], "ST_lo": [0.1, 0.4], "ST_hi": [0.3, 0.8]}
    )
    text = sentences(table, {"waico_members": sobol}, {"b.y": "assumed"})["E4"]
    assert "no runs at the defaults" in text
    assert text.endswith("hinges most on b.y (ST 0.60 [0.40, 0.80], assumed), a.x (ST 0.20 "
                         "[0.10, 0.30]).")  # fmt: skip
    noisy = hinges(sobol.assign(st_noise=0.25), {"b.y": "assumed"})  # a.x's interval reaches it
    assert noisy == ("b.y (ST 0.60 [0.40, 0.80], assumed), a.x (ST 0.20 [0.10, 0.30], not above "
                     "seed noise's 0.25)")  # fmt: skip


def test_decompose_keeps_the_parametric_part_non_negative():
    assert decompose(4.0, 1.0)["parametric_share"] == 0.75
    assert decompose(1.0, 1.5)["var_parametric"] == 0.0 and decompose(1.0, 1.5)["seed_share"] == 1


def test_box_rule_takes_the_densest_box_with_enough_coverage():
    traj = pd.DataFrame({"coverage": [1, 0.9, 0.6, 0.5, 0.3], "density": [0.1, 0.5, 0.8, 0.8, 1.0]})
    assert choose(traj, 0.5) == 2  # ties in density go to the larger coverage
    assert choose(traj, 0.95) == 0
    assert choose(traj, 0.3) == 4


def test_discovery_says_why_a_question_has_no_box():
    x = np.random.default_rng(2).random((40, 3))
    table = points("explore", x, LINEAR, 0.0).assign(waico_members=3.0, fragmentation_change=0.1)
    boxes = discover(table, members=8)
    assert boxes == {
        "WAICO reaches 8 members": "scenario discovery 'WAICO reaches 8 members': no point has "
        "the outcome (no box)",
        "the poles fragment": "scenario discovery 'the poles fragment': every point has the "
        "outcome (no box)",
    }


def test_a_constant_outcome_has_no_sobol_indices(ishigami):
    table = sobol_indices(ishigami.assign(y=2.0), ISHIGAMI, "y", n_boot=50)
    assert table[["S1", "ST", "ST_lo", "ST_hi"]].isna().all().all()


@pytest.mark.slow  # EMA Workbench takes about ten seconds to import
def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((1000, 4)), columns=["x1", "x2", "x3", "x4"])
    y = (x.x1 > 0.7) & (x.x2 < 0.3)
    box = find_box(x, y.to_numpy(), "planted")
    assert box.coverage >= 0.8 and box.density >= 0.9
    assert box.base_rate == pytest.approx(0.09, abs=0.03)
    lims = box.limits.set_index("key")
    assert set(lims.index) == {"x1", "x2"}
    assert lims.loc["x1", "min"] == pytest.approx(0.7, abs=0.05)
    assert lims.loc["x2", "max"] == pytest.approx(0.3, abs=0.05)
    assert "x1 >= 0.7" in box.text() and "x2 <= 0." in box.text()


def synthetic_e7(root, r=6, n=16, explore=128, defaults=20):
    """E7's outputs (points.parquet, design.json) for a toy model of five uncertainties and a
    lever: every outcome is ``4 a + 1 b`` plus seed noise (``waico_members`` 5 + 5 in the
    planted box a > 0.6, lever > 0.5; ``fragmentation_change`` positive where c > 0.5)."""
    keys = ["p.a", "p.b", "p.c", "p.d", "p.e"]
    problem = {"num_vars": 5, "names": keys, "bounds": [[0.0, 1.0]] * 5}
    cols = [k.replace(".", "_") for k in keys]
    rng = np.random.default_rng(11)

    def outcomes(frame):
        x = frame[cols].fillna(0.5)
        lever = frame["w_lever"].fillna(0.5) if "w_lever" in frame else 0.5
        noise = rng.standard_normal((len(frame), len(OUTCOMES)))
        for i, o in enumerate(OUTCOMES):
            frame[o] = 4 * x["p_a"] + x["p_b"] + 0.2 * noise[:, i]
        frame["waico_members"] = 5 + 5 * ((x["p_a"] > 0.6) & (lever > 0.5)) + noise[:, 0]
        frame["fragmentation_change"] = x["p_c"] - 0.5 + 0.05 * noise[:, 1]
        return frame

    frames = [points("morris", morris_sample.sample(problem, r, num_levels=4, seed=1), problem,
                     0.0, seeds=2)]  # fmt: skip
    selection, sobol_points, start = {}, {}, 0
    for q in HEADLINES:
        sub = {"num_vars": 3, "names": keys[:3], "bounds": [[0.0, 1.0]] * 3}
        x = sobol_sample.sample(sub, n, calc_second_order=False, seed=2)
        frame = points("sobol", x, sub, 0.0).assign(question=q)
        frame["point"] += start
        selection[q] = {"headline": HEADLINES[q], "keys": keys[:3]}
        sobol_points[q] = [start, start + len(x)]
        start += len(x)
        frames.append(frame)
    lever = {"num_vars": 6, "names": [*keys, "w.lever"], "bounds": [[0.0, 1.0]] * 6}
    frames.append(points("explore", rng.random((explore, 6)), lever, 0.0))
    frames.append(points("defaults", np.full((1, 5), 0.5), problem, 0.0, seeds=defaults))
    table = outcomes(pd.concat(frames, ignore_index=True).drop(columns="y"))
    table["question"] = table["question"].fillna("")
    root.mkdir(parents=True, exist_ok=True)
    table.to_parquet(root / "points.parquet")
    col = [{"key": k, "column": k.replace(".", "_"), "lo": 0.0, "hi": 1.0} for k in keys]
    design = {
        "quick": True,
        "problem": problem,
        "sizes": {"morris": {"r": r, "levels": 4, "seeds": 2}, "sobol": {"n": n}},
        "selection": selection,
        "sobol_points": sobol_points,
        "uncertainties": col,
        "levers": [{"key": "w.lever", "column": "w_lever", "lo": 0.0, "hi": 1.0}],
    }
    (root / "design.json").write_text(json.dumps(design))
    return table


def lower_bound(box: str, column: str) -> float:
    """A box's lower limit on ``column``: ``column >= x`` or ``column in [x, y]``."""
    import re

    found = re.search(rf"{column} (?:>= |in \[)([-0-9.e]+)", box)
    assert found, box
    return float(found.group(1))


@pytest.mark.slow  # PRIM's import, and six questions' Sobol bootstraps
def test_the_figure_reads_e7s_outputs_and_states_each_answer(tmp_path):
    from experiments.figures import sensitivity as fig_e7

    synthetic_e7(tmp_path / "sensitivity")
    assert fig_e7.main([str(tmp_path / "sensitivity"), "--members", "8"]) == 0
    out = tmp_path / "sensitivity" / "figure"
    manifest = json.loads((out / "sensitivity.json").read_text())
    head = manifest["headline"]
    assert set(HEADLINES) <= set(head)
    assert head["E1"].startswith("China's capability growth, dual minus single track: +")
    assert "p.a (ST" in head["E1 top 3 by ST"].split(",")[0]
    ratio = head["E2 as a ratio"]  # the companion, with its own Sobol indices
    assert ratio.startswith("China's final capability, local competition 4 minus 0: +")
    assert "log points" in ratio and "it hinges most on p.a (ST" in ratio
    assert "of 5 uncertainties above the seed-noise floor; largest mu*: p.a" in head["E1 Morris"]
    assert lower_bound(head["PRIM: WAICO reaches 8 members"], "p_a") == pytest.approx(0.6, abs=0.02)
    assert lower_bound(head["PRIM: WAICO reaches 8 members"], "w_lever") == pytest.approx(
        0.5, abs=0.02
    )
    assert lower_bound(head["PRIM: the poles fragment"], "p_c") == pytest.approx(0.5, abs=0.02)
    data = pd.read_csv(out / "sensitivity.csv")
    assert {"morris", "sobol", "convergence", "distribution", "prim"} <= set(data["panel"])
    assert (out / "sensitivity.png").stat().st_size > 10_000

"""E7: global sensitivity, answers as distributions and scenario discovery (MODEL.md §10).

One figure, one row per question (its headline outcome) and four panels in each row: Morris
screening (mu* against sigma, the seed-noise floor shaded), the Sobol indices of the question's
selected keys (S1 and ST with bootstrap intervals), their convergence over the Saltelli sample,
and the answer as a distribution (over the plausible region, and over seeds at the defaults);
a last row states PRIM's boxes. A key whose provenance is "assumed" carries a dagger (†).

It reads ``points.parquet`` and ``design.json`` of ``results/sweeps/sensitivity[_quick]/``
(``load``); ``python -m experiments.figures.sensitivity [folder]`` draws it into the folder's
``figure/`` with its data and manifest (``common.save``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.figures.common import LEVEL, Sweep, ci_text, save
from experiments.sensitivity import COMPANIONS, HEADLINES, OUTCOMES
from experiments.sensitivity.discovery import MEMBERS, discover
from experiments.sensitivity.indices import (
    morris_indices,
    sobol_convergence,
    sobol_indices,
    subproblem,
)
from experiments.sensitivity.noise import noise_share, seed_variance, stage_rows
from experiments.sensitivity.propagate import hinges, propagate, sentences
from sim.tools.validate import ConfigError

ASSUMED = "†"
LABELLED = 5  # keys named in a Morris panel
CURVES = 4  # keys followed in a convergence panel


def load(root: Path) -> Sweep:
    """E7's outputs as a ``Sweep`` (its meta: the design, for the manifest)."""
    points_path, design_path = root / "points.parquet", root / "design.json"
    if not points_path.is_file() or not design_path.is_file():
        raise FileNotFoundError(
            f"{root}: no points.parquet and design.json; run `python -m experiments run "
            "sensitivity` first"
        )
    design = json.loads(design_path.read_text())
    points = pd.read_parquet(points_path)
    meta = {
        "experiment": "sensitivity",
        "title": "E7: global sensitivity, answers as distributions, scenario discovery",
        "quick": design.get("quick"),
        "file": "sensitivity.yaml",
        "finished": len(points),
        "seeds": design.get("seeds"),
        "sizes": design.get("sizes"),
        "design": design,
    }
    return Sweep(root, meta, {"points": points})


def label(key: str, provenance: dict[str, str]) -> str:
    return f"{key} {ASSUMED}" if provenance.get(key) == "assumed" else key


def _question(points: pd.DataFrame, design: dict, q: str, n_boot: int) -> dict:
    """One question's tables: Morris of its headline, Sobol and convergence on its selection
    (each None where its stage did not run or has no usable block)."""
    outcome, noise = HEADLINES[q], seed_variance(points, HEADLINES[q])
    out = {"outcome": outcome, "morris": None, "sobol": None, "convergence": None, "why": {}}
    out["companion"] = None
    levels = design.get("sizes", {}).get("morris", {}).get("levels", 4)
    try:
        out["morris"] = morris_indices(points, design["problem"], outcome, levels, noise)
    except ConfigError as exc:
        out["why"]["morris"] = str(exc)
    try:
        keys = design["selection"][q]["keys"]
        first = design.get("sobol_points", {}).get(q, [0])[0]
        rows = points[points["question"] == q] if "question" in points.columns else points
        args = (rows, subproblem(design["problem"], keys), outcome)
        kw = {"noise_var": noise, "first_point": first}
        sobol = sobol_indices(*args, n_boot=n_boot, **kw)
        if sobol["ST"].isna().all():
            raise ConfigError(f"sobol stage of {outcome!r}: the outcome does not vary")
        out["sobol"], out["convergence"] = sobol, sobol_convergence(*args, **kw)
        if q in COMPANIONS:  # the same sample read through the headline's ratio
            other, kw["noise_var"] = COMPANIONS[q], seed_variance(points, COMPANIONS[q])
            out["companion"] = sobol_indices(*args[:2], other, n_boot=n_boot, **kw)
    except (ConfigError, KeyError) as exc:
        out["why"]["sobol"] = str(exc)
    return out


def analyse(points: pd.DataFrame, design: dict, members: int = MEMBERS, n_boot: int = 1000):
    """Every table of the figure: per question, the propagation, the seed-noise shares and
    the PRIM boxes (a box that cannot be found is a line saying why)."""
    per_q = {q: _question(points, design, q, n_boot) for q in HEADLINES}
    propagation = propagate(points)
    shares = {}
    for o in propagation["outcome"]:
        try:
            shares[o] = noise_share(stage_rows(points, "morris", o), o)
        except ConfigError as exc:
            shares[o] = str(exc)
    keys = [u["column"] for u in design.get("uncertainties", []) + design.get("levers", [])]
    try:
        boxes = discover(points, keys or None, members)
    except ConfigError as exc:
        boxes = {"scenario discovery": str(exc)}
    return per_q, propagation, shares, boxes


def morris_panel(ax, table: pd.DataFrame, provenance: dict[str, str]) -> None:
    """mu* against sigma; the keys under the noise floor grey, the floor's region shaded."""
    floor = float(table["noise_floor"].median())
    above = table["above_noise"]
    ax.scatter(table.loc[~above, "mu_star"], table.loc[~above, "sigma"], c="0.6", s=14)
    ax.scatter(table.loc[above, "mu_star"], table.loc[above, "sigma"], c="C0", s=18)
    if np.isfinite(floor):
        ax.axvspan(0, floor, color="0.85", lw=0, label=f"noise floor ({LEVEL:.0%} of noise mu*)")
        ax.legend(frameon=False, fontsize=7, loc="upper left")
    for r in table.head(LABELLED).itertuples():
        ax.annotate(label(r.key, provenance), (r.mu_star, r.sigma), fontsize=6.5, alpha=0.9)
    ax.set(xlabel="mu* (mean |effect| of a step over the range)", ylabel="sigma (their spread)")
    ax.set_xlim(left=0)


def sobol_panel(ax, table: pd.DataFrame, provenance: dict[str, str]) -> None:
    """S1 and ST bars with their bootstrap intervals, largest ST on top; the dotted line is the
    ST that seed noise alone gives."""
    t = table.sort_values("ST").reset_index(drop=True)
    y = np.arange(len(t))
    for name, dy, color in (("S1", -0.2, "C1"), ("ST", 0.2, "C0")):
        err = [t[name] - t[f"{name}_lo"], t[f"{name}_hi"] - t[name]]
        ax.barh(y + dy, t[name], 0.4, xerr=err, color=color, label=name, capsize=2)
    noise = t["st_noise"].iloc[0]
    if np.isfinite(noise):
        ax.axvline(noise, ls=":", c="k", lw=1, label="ST of seed noise")
    ax.set_yticks(y, [label(k, provenance) for k in t["key"]], fontsize=7)
    ax.set_xlabel(f"Sobol index (N = {t['n_base'].iloc[0]}, {LEVEL:.0%} bootstrap CI)")
    ax.legend(frameon=False, fontsize=7, loc="lower right")


def convergence_panel(ax, conv: pd.DataFrame, provenance: dict[str, str]) -> None:
    """ST with its interval over growing prefixes of the sample, for the top keys."""
    full = conv[conv["n_base"] == conv["n_base"].max()]
    for key in full.sort_values("ST", ascending=False)["key"].head(CURVES):
        c = conv[conv["key"] == key].sort_values("n_base")
        (line,) = ax.plot(c["n_base"], c["ST"], marker="o", ms=3, label=label(key, provenance))
        ax.fill_between(c["n_base"], c["ST_lo"], c["ST_hi"], color=line.get_color(), alpha=0.15)
    shown = conv[conv["key"].isin(full.nlargest(CURVES, "ST")["key"])]
    # the first prefixes' intervals can be huge: the axis follows the indices, within [-0.5, 2]
    low = max(-0.5, min(-0.05, full["ST_lo"].min()))
    ax.set_ylim(low, max(1.05, min(2.0, 1.1 * shown["ST"].max())))
    ax.set_xscale("log", base=2)
    ax.set(xlabel="base sample N (Saltelli blocks)", ylabel="total-order index ST")
    ax.legend(frameon=False, fontsize=6.5)


def distribution_panel(ax, points: pd.DataFrame, outcome: str, row: pd.Series) -> None:
    """Filled: the answers over the plausible region (parameters and seeds drawn together);
    outline: the answers over seeds at the defaults, with its mean and CI on top."""
    explore = points.loc[points["stage"] == "explore", outcome].dropna()
    at = points.loc[points["stage"] == "defaults", outcome].dropna()
    both = pd.concat([explore, at])
    if both.empty:
        ax.text(0.5, 0.5, "no explore or defaults runs", ha="center", transform=ax.transAxes)
        return
    bins = np.histogram_bin_edges(both, bins=min(30, max(len(both) // 8, 5)))
    if len(explore):
        ax.hist(explore, bins, density=True, color="C2", alpha=0.5,
                label=f"plausible region ({len(explore)} points)")  # fmt: skip
        for q in ("explore_q05", "explore_q95"):
            ax.axvline(row[q], c="C2", ls="--", lw=1)
    if len(at):
        ax.hist(at, bins, density=True, histtype="step", color="k", lw=1.5,
                label=f"seeds only, at the defaults ({len(at)})")  # fmt: skip
        top = ax.get_ylim()[1]
        lo, hi = row["default_lo"], row["default_hi"]
        err = [[row["default_mean"] - lo], [hi - row["default_mean"]]] if np.isfinite(lo) else None
        ax.errorbar(row["default_mean"], top * 0.95, xerr=err, fmt="kD", ms=4, capsize=3)
    what, unit = OUTCOMES[outcome][1:]
    ax.set(xlabel=f"{outcome} ({unit})", ylabel="density")
    ax.set_title(what, fontsize=8)
    ax.legend(frameon=False, fontsize=6.5)


def _unavailable(ax, why: str) -> None:
    ax.text(0.5, 0.5, why, ha="center", va="center", wrap=True, fontsize=7, transform=ax.transAxes)
    ax.set_axis_off()


def _boxes_text(boxes: dict) -> dict[str, str]:
    return {f"PRIM: {n}": b if isinstance(b, str) else b.text() for n, b in boxes.items()}


def _tidy(per_q: dict, propagation: pd.DataFrame, shares: dict, boxes: dict) -> pd.DataFrame:
    """The plotted numbers, one table with ``panel`` and ``question`` columns."""
    frames = [propagation.assign(panel="distribution")]
    for q, t in per_q.items():
        for panel in ("morris", "sobol", "convergence"):
            if t[panel] is not None:
                frames.append(t[panel].assign(panel=panel, question=q, outcome=t["outcome"]))
    rows = [
        {"outcome": o, "share": s.share, "lo": s.lo, "hi": s.hi, "points": s.points}
        for o, s in shares.items()
        if not isinstance(s, str)
    ]
    frames.append(pd.DataFrame(rows).assign(panel="seed noise share"))
    for name, b in boxes.items():
        if not isinstance(b, str):
            frames.append(b.limits.assign(panel="prim", box=name, coverage=b.coverage,
                                          density=b.density, mass=b.mass))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def headline(per_q, propagation, shares, boxes, provenance) -> dict[str, str]:
    """Per question: the answer's sentence, the keys it hinges on, the Morris screening's
    count above the noise floor and the seed-noise share; then the PRIM boxes."""
    sobol = {t["outcome"]: t["sobol"] for t in per_q.values() if t["sobol"] is not None}
    sobol |= {COMPANIONS[q]: t["companion"] for q, t in per_q.items() if t["companion"] is not None}
    every = sentences(propagation, sobol, provenance, headlines_only=False)  # by outcome
    out = {}
    for q, outcome in HEADLINES.items():
        if outcome not in every:
            continue
        t = per_q[q]
        out[q] = every[outcome].removeprefix(f"{q}: ")
        if t["sobol"] is not None:
            out[f"{q} top 3 by ST"] = hinges(t["sobol"], provenance)
        m = t["morris"]
        if m is not None:
            out[f"{q} Morris"] = (
                f"{int(m['above_noise'].sum())} of {len(m)} uncertainties above the seed-noise "
                f"floor; largest mu*: {', '.join(label(k, provenance) for k in m['key'][:3])}"
            )
        if COMPANIONS.get(q) in every:
            out[f"{q} as a ratio"] = every[COMPANIONS[q]].removeprefix(f"{q}: ")
        for o in [outcome, *([COMPANIONS[q]] if q in COMPANIONS else [])]:
            s = shares.get(o)
            if s is not None:
                out[f"{q} seed-noise share of {o}"] = (
                    s if isinstance(s, str) else ci_text(s.share, s.lo, s.hi, ".2f", floor=0)
                )
    return out | _boxes_text(boxes)


def draw(sweep: Sweep, provenance: dict[str, str] | None = None, members: int = MEMBERS):
    """E7's figure.

    Args:
        sweep: E7's outputs (``load``): the table ``points`` and ``meta["design"]``.
        provenance: key -> sourced/proxy/assumed (default: the schemas',
            ``sim.config.roles.described()``).
        members: PRIM's "WAICO reaches N members".

    Returns:
        The figure, its numbers as a tidy table (``panel`` says which) and the headline: per
        question the answer with its robust range, the keys it hinges on (ST with CI), the
        Morris count above noise and the seed-noise share; the PRIM boxes.
    """
    if provenance is None:
        from sim.config.roles import described

        provenance = {d.key: d.provenance for d in described()}
    points, design = sweep.table("points"), sweep.meta["design"]
    per_q, propagation, shares, boxes = analyse(points, design, members)
    rows = propagation.set_index("outcome")
    fig, axes = plt.subplots(
        len(HEADLINES) + 1, 4, figsize=(20, 4 * len(HEADLINES) + 2), layout="constrained",
        height_ratios=[1] * len(HEADLINES) + [0.3],
    )  # fmt: skip
    for ax_row, (q, t) in zip(axes, per_q.items(), strict=False):
        panels = (
            ("morris", morris_panel, "Morris screening"),
            ("sobol", sobol_panel, "Sobol indices, selected keys"),
            ("convergence", convergence_panel, "convergence of ST"),
        )
        for ax, (name, panel, title) in zip(ax_row, panels, strict=False):
            if t[name] is None:
                _unavailable(ax, t["why"].get(name, t["why"].get("sobol", "stage not run")))
            else:
                panel(ax, t[name], provenance)
            ax.set_title(f"{q} {t['outcome']}: {title}", fontsize=9, loc="left")
        distribution_panel(ax_row[3], points, t["outcome"], rows.loc[t["outcome"]])
    gs = axes[-1, 0].get_gridspec()
    for ax in axes[-1]:
        ax.remove()
    text = fig.add_subplot(gs[-1, :])
    text.set_axis_off()
    lines = [f"{k}: {v}" for k, v in _boxes_text(boxes).items()]
    text.text(0, 1, "\n".join(lines), va="top", fontsize=8, family="monospace", wrap=True)
    fig.suptitle(
        f"E7  sensitivity of each question's headline ({ASSUMED} = assumed value; grey: under "
        "the seed-noise floor; filled histogram: plausible region, outline: seeds at defaults)"
    )
    data = _tidy(per_q, propagation, shares, boxes)
    return fig, data, headline(per_q, propagation, shares, boxes, provenance)


def main(argv: list[str] | None = None) -> int:
    """Draw E7's figure into ``<folder>/figure/`` (or ``--out``)."""
    parser = argparse.ArgumentParser(prog="python -m experiments.figures.sensitivity")
    parser.add_argument("folder", nargs="?", default="results/sweeps/sensitivity", type=Path)
    parser.add_argument("--out", type=Path, help="default: <folder>/figure")
    parser.add_argument("--members", type=int, default=MEMBERS, help="PRIM: WAICO reaches N")
    args = parser.parse_args(argv)
    try:
        sweep = load(args.folder)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    fig, data, head = draw(sweep, members=args.members)
    png = save(fig, data, "sensitivity", sweep, args.out or args.folder / "figure", head)
    print(f"sensitivity: figure {png}")
    for key, value in head.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

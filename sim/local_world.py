"""The local world: the localities and their central regulators built at the start (:func:`build`),
the layout through which firms see them (:func:`refresh_layout`), and a world cut into more
localities than the world file lists (``local.per_state``, :func:`expand`).

Each state that has listed localities is topped up to ``local.per_state`` of them. A new
locality copies a listed locality of its state drawn at random (its template): its instruments,
facilitation and local rules, with its comparative advantage moved by up to
``ADVANTAGE_JITTER``; it is never a pilot zone at the start. A template's budget and firm share
are split equally between it and its copies, so each state's local money and the spread of its
firms over its localities' kinds stay those of the world file: the same world, cut finer. The
draws come from their own child of the model's local-government seed, spawned after the
centres' streams, so switching this on leaves every other draw of the run in place.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.central_regulator import CentralRegulator
from sim.agents.local_government import LocalGovernment
from sim.agents.location import LocalLayout
from sim.config.local import LocalityConfig
from sim.instruments import catalogue

if TYPE_CHECKING:
    from sim.model import RegulatoryCompetition

ADVANTAGE_JITTER = 0.05  # largest move of a copy's advantage from its template's


def _plain(lc) -> LocalityConfig:
    """A listed locality's config as a plain dataclass."""
    fields = {f.name: getattr(lc, f.name) for f in dataclasses.fields(LocalityConfig)}
    fields["instruments"] = list(fields["instruments"])
    return LocalityConfig(**fields)


def expand(listed: Mapping, per_state: int, seq: np.random.SeedSequence) -> dict:
    """The localities of the run, by name: the listed ones (``listed``, in their order) and,
    after them, the copies that bring each state with localities to ``per_state``."""
    counts = Counter(lc.state for lc in listed.values()) if per_state > 0 else Counter()
    if all(n >= per_state for n in counts.values()):
        return dict(listed.items())
    rng = np.random.default_rng(seq.spawn(1)[0])
    out = {name: _plain(lc) for name, lc in listed.items()}
    copies: dict[str, list[str]] = {name: [] for name in out}
    for state, listed_here in counts.items():  # states in the order of their first locality
        templates = [name for name, lc in out.items() if lc.state == state]
        for k in range(max(per_state - listed_here, 0)):
            template = templates[int(rng.integers(len(templates)))]
            copies[template].append(f"{template}_{k + 1}")
            lc = out[template]
            advantage = lc.advantage + rng.uniform(-ADVANTAGE_JITTER, ADVANTAGE_JITTER)
            out[copies[template][-1]] = dataclasses.replace(
                lc,
                label=f"{lc.label} ({k + 1})",
                advantage=float(np.clip(advantage, 0.0, 1.0)),
                instruments=list(lc.instruments),
                pilot_zone=False,
            )
    for template, names in copies.items():
        parts = 1 + len(names)
        budget, firm_share = out[template].budget / parts, out[template].firm_share / parts
        for name in [template, *names]:
            out[name] = dataclasses.replace(out[name], budget=budget, firm_share=firm_share)
    return out


def build(model: RegulatoryCompetition) -> None:
    """Local governments, one central regulator per state that has any, and the layout
    through which firms see them."""
    model.instrument_registry = catalogue(model.plain.instruments)
    listed = model.plain.localities
    named = {lc.state for lc in listed.values()}
    with_locs = [s for s in model.states if s.name in named]
    seqs = model.local_seq.spawn(len(with_locs))  # before local.per_state's: see expand
    model.localities = [
        LocalGovernment(model, name, i, lc, model.state(lc.state))
        for i, (name, lc) in enumerate(
            expand(listed, model.local.per_state, model.local_seq).items()
        )
    ]
    model.centres = [
        CentralRegulator(
            model,
            s,
            [loc for loc in model.localities if loc.state is s],
            np.random.default_rng(seq),
        )
        for s, seq in zip(with_locs, seqs, strict=True)
    ]
    model.layout = LocalLayout(
        np.array([loc.state.index for loc in model.localities], np.int64),
        np.array([loc.firm_share for loc in model.localities]),
        model.S,
    )
    for centre in model.centres:
        for loc in centre.localities:
            loc.damping = centre.damping
            if model.local.fiscal:  # the start is a fiscal equilibrium (docs/ODD.md 7.12.4)
                loc.prune()
            loc.spend(centre.damping)
            loc.spending0, loc.crowded_out = loc.spending, 0.0
    refresh_layout(model)


def refresh_layout(model: RegulatoryCompetition) -> None:
    """Hand the localities' productivity and local rules to the firms' layout."""
    if not model.localities:
        return
    p = model.firm_params
    # Only silos localities hold restrictive power (Ma 2024, Table 2); elsewhere R_l is idle.
    local_rules = np.array(
        [loc.R * loc.state.E * (loc.state.governance == "silos") for loc in model.localities]
    )
    model.layout.refresh(
        np.array([loc.productivity for loc in model.localities]),
        p.attract_restriction * local_rules,
        p.compliance_fixed * local_rules,
    )

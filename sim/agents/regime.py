"""Regime mode (binding, hybrid, voluntary): what it does and how states move between modes.

The mode acts three ways (docs/ODD.md 7.15): firms comply with only part of a voluntary or hybrid
regime's stated stringency; enforcement without sanctions acts only up to a cap; and binding law
moves R at the pace of legislation, guidelines faster. States move one step towards binding when
the demand for restrictive rules (the rise of target R from regulatory and incident pressure above
the level the regime has settled) has accumulated past a threshold, and one step back towards
voluntary when the demand for facilitation (from technological pressure) has. The transitions are
deterministic given the pressures: no random draw, so no other stream is touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.agents.state import State

LADDER = ("voluntary", "hybrid", "binding")


def _factor(params, prefix: str, mode: str) -> float:
    """The mode's value of ``<prefix>_<mode>``; binding law complies and enforces in full."""
    if mode == "binding" and prefix != "speed":
        return 1.0
    return getattr(params, f"{prefix}_{mode}")


def applied_stringency(state: State) -> float:
    """R*E as it binds firms: enforcement capped and compliance partial below binding law."""
    p = state.model.regime
    if not p.acts:
        return state.R * state.E
    enforced = min(state.E, _factor(p, "enforce_cap", state.mode))
    return state.R * enforced * _factor(p, "comply", state.mode)


def applied_stringencies(states: list[State], p) -> np.ndarray:
    """:func:`applied_stringency` of every state, the same arithmetic with the mode's factors
    looked up once (the model reads it several times a quarter)."""
    if not p.acts:
        return np.array([s.R * s.E for s in states])
    cap = {m: _factor(p, "enforce_cap", m) for m in LADDER}
    comply = {m: _factor(p, "comply", m) for m in LADDER}
    return np.array([s.R * min(s.E, cap[s.mode]) * comply[s.mode] for s in states])


def paced_target(state: State, target: float) -> float:
    """Target R moved so that the policy.speed update closes the mode's share of the gap:
    binding law at the pace of legislation, guidelines faster (never past the target)."""
    p = state.model.regime
    factor = _factor(p, "speed", state.mode)
    if not p.acts or factor == 1.0:
        return target
    speed = state.model.policy.speed
    factor = min(factor, 1.0 / speed) if speed > 0 else factor
    return state.R + factor * (target - state.R)


class RegimeDynamics:
    """The accumulated demand for a law (and for deregulation) of every state, and the moves."""

    def __init__(self, states: list[State], params) -> None:
        self.p = params
        self.law = np.zeros(len(states))
        self.repeal = np.zeros(len(states))
        self.reference = np.zeros((len(states), 3))  # RP, IP, TP the regime has settled
        for s in states:
            self._settle(s)

    def _settle(self, s: State) -> None:
        self.reference[s.index] = (s.RP, s.IP, s.TP)
        self.law[s.index] = self.repeal[s.index] = 0.0

    def demand(self, s: State) -> tuple[float, float]:
        """Rise of target R (from RP and IP) and of target F (from TP) above the settled level."""
        pol = s.model.policy
        rp, ip, tp = self.reference[s.index]
        up = pol.rp_response * (s.RP - rp) + pol.ip_response * (s.IP - ip)
        return up, pol.tp_response * (s.TP - tp)

    def step(self, states: list[State]) -> None:
        """Accumulate each state's demand and move it one step up or down the ladder."""
        if not self.p.endogenous:
            return
        keep = 1.0 - self.p.memory
        for s in states:
            up, down = self.demand(s)
            i = s.index
            self.law[i] = keep * self.law[i] + max(0.0, up)
            self.repeal[i] = keep * self.repeal[i] + max(0.0, down)
            rung = LADDER.index(s.mode)
            if 0 < self.law[i] >= self.p.law_threshold and rung < len(LADDER) - 1:
                s.mode = LADDER[rung + 1]
                self._settle(s)  # the new regime answers the pressure it accumulated
            elif 0 < self.repeal[i] >= self.p.repeal_threshold and rung > 0:
                s.mode = LADDER[rung - 1]
                self._settle(s)


def law_pressure(state: State) -> float:
    """A state's accumulated demand for a law, in units of ``regime.law_threshold``."""
    dyn = state.model.regimes
    return float(dyn.law[state.index] / dyn.p.law_threshold) if dyn.p.law_threshold > 0 else 0.0


def binding_regimes(model) -> int:
    """Number of states whose regime is binding."""
    return sum(s.mode == "binding" for s in model.states)

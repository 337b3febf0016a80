"""States: national regulatory stance answering technological, regulatory and incident pressure.

A state's stance is restrictiveness ``R``, facilitation ``F`` and enforcement ``E`` (each 0-1).
Each quarter it reads three pressures, sets a target stance from its *anchor* (the politically
chosen position, moved by laws and events) plus its answers to the pressures, closes part of the
gap, and learns from successful, trusted, aligned peers (docs/ODD.md, "National policy").
"""

from __future__ import annotations

from collections import deque

import mesa
import numpy as np

from sim.agents import regime
from sim.config import POLES


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


class State(mesa.Agent):
    """One jurisdiction (a country or a bloc) with its stance, economy and geopolitics."""

    def __init__(self, model: mesa.Model, name: str, index: int, cfg) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.label = cfg.label
        self.pole = cfg.pole
        self.governance = cfg.governance
        self.mode = cfg.mode
        self.R, self.F, self.E = float(cfg.R), float(cfg.F), float(cfg.E)
        self.anchor = {"R": self.R, "F": self.F, "E": self.E}
        self.gdp = float(cfg.gdp)
        # Annual rates at the start (2024 values); the model grows them every quarter.
        self.ai_market0 = self.ai_market = float(cfg.ai_market)
        self.ai_investment0 = self.ai_investment = float(cfg.ai_investment)
        self.compute_access = float(cfg.compute_access)
        self.access_target = self.compute_access
        self.chips = float(cfg.chips)
        self.chip_investment = 0.0
        self.talent = float(cfg.talent)
        # Algorithmic efficiency won under compute constraints, relative to the start, and the
        # share of R&D spent winning it (update_efficiency).
        self.efficiency = 1.0
        self.efficiency_effort = 0.0
        self.access_peak = self.effective_access  # the most compute its firms have had
        self.productivity = 1.0  # the state's inferred productivity term (docs/ODD.md 5.1)
        align = np.array([float(getattr(cfg.alignment, p)) for p in POLES])
        self.alignment = align / align.sum() if align.sum() > 0 else np.full(3, 1 / 3)
        # Outcomes written by the model after the firms' step.
        self.capability = 0.0
        self.frontier = 0.0
        self.firms = 0
        self.foundation_models = 0
        self.releases = 0
        self.incidents = 0
        self.incidents_in_market = 0.0
        self.capability_history: deque[float] = deque(maxlen=5)
        self.incident_history: deque[float] = deque(maxlen=4)
        self.mean_safety = float("nan")
        self.TP = self.RP = self.IP = 0.0
        self.waico_member = False  # set by the institutions (sim/agents/waico.py)
        self.centre = None  # its CentralRegulator, if the state has localities

    @property
    def stringency(self) -> float:
        """R*E: the binding force of the rules as applied (under the regime's mode, 7.15)."""
        return regime.applied_stringency(self)

    @property
    def alignment_us(self) -> float:
        """Weight of the US pole in the state's alignment."""
        return float(self.alignment[0])

    @property
    def effective_access(self) -> float:
        """Compute reachable through imports plus domestic chips replacing denied imports."""
        sub = self.model.policy.chip_substitution
        return self.compute_access + (1.0 - self.compute_access) * sub * self.chips

    @property
    def growth(self) -> float:
        """Capability growth over the last four quarters (share)."""
        h = self.capability_history
        return h[-1] / h[0] - 1.0 if len(h) > 1 and h[0] > 0 else 0.0

    # -- pressures ----------------------------------------------------------------------------

    def read_pressures(
        self, capability: np.ndarray, stringency: np.ndarray, exposure: np.ndarray
    ) -> None:
        """Technological (TP), regulatory (RP) and incident (IP) pressure, each in [0, 1].

        Args:
            capability: national capability of every state.
            stringency: R*E of every state.
            exposure: this state's firms' revenue by market (USD bn / quarter).
        """
        pol = self.model.policy
        self.TP = 1.0 - capability[self.index] / max(capability.max(), 1e-12)
        total = exposure.sum()
        weights = exposure / total if total > 0 else exposure
        self.RP = float(weights @ np.maximum(0.0, stringency - self.stringency))
        scale = pol.incident_scale * self.model.world_scale
        remembered = sum(self.incident_history)
        # incident_scale 0 is the limit of an ever smaller scale: any incident is full pressure.
        self.IP = 1.0 - np.exp(-remembered / scale) if scale > 0 else float(remembered > 0)

    def pressure_response(self) -> dict[str, float]:
        """How far the pressures move the target stance from the anchor."""
        pol = self.model.policy
        tp = pol.tp_response * self.TP
        if self.governance == "single_track":
            # A centre holding restrictive power damps the facilitation it lets through (Ma 2024).
            tp *= 1.0 - pol.single_track_damping * self.R
        return {
            "R": pol.rp_response * self.RP + pol.ip_response * self.IP,
            "F": tp,
            "E": pol.ip_enforcement * self.IP,
        }

    def settle_anchor(self) -> None:
        """Read the initial stance as the equilibrium answer to the initial pressures."""
        for key, shift in self.pressure_response().items():
            self.anchor[key] -= shift

    # -- stance update -------------------------------------------------------------------------

    def update_stance(self, peer_pull: dict[str, float]) -> None:
        """Close part of the gap to the target stance and add the peers' pull."""
        pol = self.model.policy
        response = self.pressure_response()
        target = {key: _clip01(self.anchor[key] + response[key]) for key in ("R", "F", "E")}
        if self.centre is not None:
            self.centre.shape_target(target, response)
        target["R"] = regime.paced_target(self, target["R"])  # law slow, guidelines quick
        for key in ("R", "F", "E"):
            now = getattr(self, key)
            speed = self.r_speed(target[key] > now) if key == "R" else pol.speed
            setattr(self, key, _clip01(now + speed * (target[key] - now) + peer_pull[key]))
        if self.centre is not None:
            self.centre.constrain()

    def r_speed(self, up: bool) -> float:
        """Share of the gap to the target R closed this quarter: binding rules are sticky, so R
        falls ``policy.r_stickiness`` more slowly than it rises (repeal takes new legislation).
        The one place where R's speed is set."""
        pol = self.model.policy
        return pol.speed if up else pol.speed * (1.0 - pol.r_stickiness)

    def update_chips(self) -> None:
        """Compute access drifts to the export-control target; domestic chips grow with investment.

        Investment rises with facilitation and with the share of compute that controls deny.
        """
        pol = self.model.policy
        self.compute_access += pol.access_adjust * (self.access_target - self.compute_access)
        denied = 1.0 - self.compute_access
        self.chip_investment = (
            pol.chip_investment_base
            * self.ai_market
            / 4.0
            * self.F
            * (1.0 + pol.chip_investment_gap * denied)
        )
        gain = pol.chip_learning * np.sqrt(self.chip_investment) * (1.0 - self.chips)
        self.chips = min(1.0, self.chips + gain)  # a large step cannot overshoot the frontier

    def update_efficiency(self) -> None:
        """Firms facing less compute than they have had shift R&D towards algorithmic
        efficiency: the target makes up ``efficiency_recovery`` of the fall from the peak of
        effective compute (in logs), approached at ``efficiency_speed``; what is learnt is kept
        if access recovers."""
        fp = self.model.firm_params
        self.access_peak = max(self.access_peak, self.effective_access)
        if not fp.efficiency:
            return
        target = (max(self.effective_access, 1e-9) / self.access_peak) ** -fp.efficiency_recovery
        gap = max(0.0, target - self.efficiency)
        self.efficiency_effort = fp.efficiency_effort * gap / target
        self.efficiency += fp.efficiency_speed * gap


def peer_pull(
    states: list[State], trust: np.ndarray, rate: float, success_scale: float
) -> list[dict[str, float]]:
    """Policy learning: each state moves towards peers that grow faster than the average,
    weighted by its trust in them and their alignment similarity (lesson-drawing).

    Returns, per state, the change of R, F and E this quarter.
    """
    growth = np.array([s.growth for s in states])
    success = 1.0 - np.exp(-np.maximum(0.0, growth - growth.mean()) / success_scale)
    base = trust * alignment_similarity(states)
    np.fill_diagonal(base, 0.0)
    weights = base * success[None, :] / np.maximum(base.sum(axis=1, keepdims=True), 1e-12)
    stance = np.array([[s.R, s.F, s.E] for s in states])
    pull = rate * (weights @ stance - weights.sum(axis=1, keepdims=True) * stance)
    return [dict(zip("RFE", row, strict=True)) for row in pull]


def alignment_similarity(states: list[State]) -> np.ndarray:
    """Cosine similarity of the states' pole alignments."""
    align = np.array([s.alignment for s in states])
    norm = np.linalg.norm(align, axis=1)
    return (align @ align.T) / np.outer(norm, norm)

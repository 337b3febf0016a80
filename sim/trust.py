"""Trust dynamics: shared membership builds trust, export controls, bans and incidents erode it.

``model.trust[i, j]`` is the trust of state ``i`` towards ``j`` in [0, 1] (diagonal 1). Each
quarter, after the institutions have acted (docs/ODD.md, "Trust"):

    T_ij <- clip01( T_ij + relax * (B_ij + D_ij - T_ij) + G_ij * (1 - T_ij) - L_ij * T_ij )

- ``G_ij``: gain rate from shared membership: the ``trust_gain`` of every accord in force that
  both signed, plus ``waico.trust_gain`` when both are members of a founded WAICO;
- ``L_ij``: loss rate this quarter: ``trust.control_loss * severity`` of an export control that
  ``j`` imposed on ``i``; ``trust.ban_loss *`` the rise of the share of ``j``'s market closed to
  ``i``'s firms; ``trust.incident_loss *`` the incidents ``j``'s firms caused in ``i``'s market
  (counted at the reference world size);
- ``B_ij``: the settled level, chosen so that the initial trust is the equilibrium of the
  initial gains and expected losses (like the states' anchors): trust does not drift without a
  cause, and relaxes back after a shock;
- ``D_ij``: with ``policy.signal``, the restrictive signal: ``signal_trust * s_i * (s_j - s0_j)``
  with ``s = R*E`` (``sim/restrictive_signal.py``): states that value safety trust a state more
  as its rules bind more than at the start (0 at the start). Trust relaxes towards ``B + D``.

Export controls are read from the quarter's scheduled events (their issuer is not visible in
the states); bans from the change of ``model.ban``; incidents from the firms' tallies, each home
state's incidents spread over markets by its revenue exposure.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.accords import Accord, shared_gain
from sim.restrictive_signal import stringency, trust_shift

if TYPE_CHECKING:
    from sim.agents.waico import WAICO
    from sim.model import RegulatoryCompetition


def incidents_by_origin(incidents: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """``out[i, j]``: incidents of ``j``'s firms in market ``i``, off the diagonal.

    Args:
        incidents: incidents caused by each home state's firms.
        exposure: revenue of home ``h``'s firms in market ``m`` (``[h, m]``).
    """
    # float: with no firm alive np.bincount returns integer zeros
    exposure = np.asarray(exposure, dtype=float)
    total = exposure.sum(axis=1, keepdims=True)
    share = np.divide(exposure, total, out=np.zeros_like(exposure), where=total > 0)
    out = (incidents[:, None] * share).T
    np.fill_diagonal(out, 0.0)
    return out


class TrustDynamics:
    """The trust update of the model, with its settled levels and last quarter's bans."""

    def __init__(
        self, model: RegulatoryCompetition, accords: list[Accord], waico: WAICO | None
    ) -> None:
        self.model, self.accords, self.waico = model, accords, waico
        self.p = copy.copy(model.plain.trust)  # the model's own copy of the shared dataclass
        self.initial = model.trust.copy()
        self.last_ban = model.ban.copy()
        pop = model.firms
        expected = np.bincount(pop.home[pop.alive], pop.incident_rates()[pop.alive], model.S)
        exposure = model.last_tallies["revenue_exposure"]
        loss0 = self.p.incident_loss * incidents_by_origin(expected, exposure) / model.world_scale
        gain0 = shared_gain(accords, model.S, None)
        T0 = self.initial
        # Not clipped: an offset, like the states' anchors (relax 0: trust never relaxes).
        offset = (loss0 * T0 - gain0 * (1.0 - T0)) / self.p.relax if self.p.relax > 0 else 0.0
        self.settled = T0 + offset
        self._accord_gain: dict[tuple[bool, ...], np.ndarray] = {}

    def gains(self, quarter: int) -> np.ndarray:
        """Gain rates from shared membership this quarter."""
        key = tuple(a.in_force(quarter) for a in self.accords)
        if key not in self._accord_gain:  # changes only when an accord is adopted
            self._accord_gain[key] = shared_gain(self.accords, self.model.S, quarter)
        gain = self._accord_gain[key].copy()
        w = self.waico
        if w is not None and w.founded and w.members:
            idx = np.array(sorted(w.members), dtype=int)
            gain[np.ix_(idx, idx)] += w.p.trust_gain
            np.fill_diagonal(gain, 0.0)
        return gain

    def losses(self, quarter: int) -> np.ndarray:
        """Loss rates this quarter from controls, bans and incidents (``[truster, trusted]``)."""
        m, p = self.model, self.p
        loss = np.zeros((m.S, m.S))
        for ev in m.schedule:
            if ev.quarter == quarter and ev.kind == "export_controls" and ev.spec.severity > 0:
                i, j = m.state(ev.spec.target).index, m.state(ev.spec.issuer).index
                loss[i, j] += p.control_loss * ev.spec.severity
        # ban[issuer, target]: the target's trust in the issuer falls.
        loss += p.ban_loss * np.maximum(0.0, m.ban - self.last_ban).T
        self.last_ban = m.ban.copy()
        tallies = m.last_tallies
        inc = incidents_by_origin(tallies["incidents"].astype(float), tallies["revenue_exposure"])
        # per unit of AI in use: incidents that grow with use alone do not wear trust away
        loss += p.incident_loss * inc / (m.world_scale * m.firms.money)
        np.fill_diagonal(loss, 0.0)
        return loss

    def step(self, quarter: int) -> None:
        """Update ``model.trust`` in place for one quarter."""
        m = self.model
        T = m.trust
        gain, loss = self.gains(quarter), self.losses(quarter)
        settled = self.settled
        if m.policy.signal:
            settled = settled + trust_shift(stringency(m), m.stringency0, m.policy.signal_trust)
        new = T + self.p.relax * (settled - T) + gain * (1.0 - T) - loss * T
        np.clip(new, 0.0, 1.0, out=new)
        np.fill_diagonal(new, 1.0)
        T[...] = new

"""The restrictive signal: what a state's binding force R*E earns it (docs/ODD.md 7.12.1, 7.13.6).

Ma 2024 (002): restrictive elements "signal Chinese commitment to building responsible AI", and
the central regulators' restrictive role "helps to build China's image as a responsible AI
power". States that value safety (their own R*E is high) credit a state whose R*E rises above its
start in two ways, each zero at the start so that the world stays at rest:

- trust: the settled level of ``i``'s trust in ``j`` moves by ``signal_trust * s_i * (s_j - s0_j)``
  (``sim/trust.py``), so it reaches WAICO's joining utility through trust towards China;
- market access: ``j``'s firms weigh ``exp(signal_access * s_m * T_mj * (s_j - s0_j))`` times
  more in market ``m`` (``RegulatoryCompetition.jurisdictions``).

A dual-track centre weighs the access its firms gain against their compliance and
attractiveness cost (:func:`net_marginal_value`; ``CentralRegulator.shape_target``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import regime

if TYPE_CHECKING:
    from sim.agents.state import State
    from sim.model import RegulatoryCompetition


def stringency(model: RegulatoryCompetition) -> np.ndarray:
    """R*E of every state now (as applied under its regime mode)."""
    return regime.applied_stringencies(model.states, model.regime)


def trust_shift(sigma: np.ndarray, sigma0: np.ndarray, weight: float) -> np.ndarray:
    """``[i, j]``: shift of i's settled trust in j, ``weight * s_i * (s_j - s0_j)``; diagonal 0."""
    shift = weight * np.outer(sigma, sigma - sigma0)
    np.fill_diagonal(shift, 0.0)
    return shift


def access_factor(
    sigma: np.ndarray, sigma0: np.ndarray, trust: np.ndarray, weight: float
) -> np.ndarray:
    """``[m, h]``: weight multiplier of h's firms in market m, ``exp(weight * s_m * T_mh *
    (s_h - s0_h))``; 1 at home (a state's own rules earn no credit with itself)."""
    log = weight * sigma[:, None] * trust * (sigma - sigma0)[None, :]
    np.fill_diagonal(log, 0.0)
    return np.exp(log)


def net_marginal_value(model: RegulatoryCompetition, state: State) -> float:
    """What one unit more of R is worth to the state's firms this quarter, as a share of their
    revenue: ``E * (gain - cost) / revenue``, with d(R*E)/dR = E and

    - ``gain = margin * signal_access * sum_{m != h} X_hm * s_m * T_mh``: the margin on the
      revenue its firms gain in markets that value safety and trust it (the derivative of the
      access factor, ignoring the share they already hold);
    - ``cost = compliance_variable * X_hh + compliance_fixed * U * n_h + attract_restriction *
      I_h / 4``: the compliance bill at home and the investment that stricter rules deter.

    ``X``: last quarter's revenue exposure; ``U``: the use of AI (7.14); ``I_h``: private AI
    investment at the model's scale (USD bn a year).
    """
    h, fp, pol = state.index, model.firm_params, model.policy
    X = model.last_tallies["revenue_exposure"][h]
    revenue = X.sum()
    if revenue <= 0:
        return 0.0
    others = np.arange(model.S) != h
    valued = stringency(model) * model.trust[:, h]
    gain = fp.margin * pol.signal_access * float((X * valued)[others].sum())
    cost = (
        fp.compliance_variable * X[h]
        + fp.compliance_fixed * model.firms.money * state.firms
        + fp.attract_restriction * state.ai_investment * model.world_scale / 4.0
    )
    return state.E * (gain - cost) / revenue

"""Local officials and the promotion tournament of a dual-track centre (Ma 2024, 002).

Each locality is run by an official with a term and a growth orientation (``stance``) drawn at
appointment from the centre's stream. The centre observes each locality's growth relative to its
peers with an error that is smaller when it compares localities of the same sector, because
common sector shocks cancel (Maskin, Qian & Xu 2000). Promotion odds are logistic in the observed
relative growth (Li & Zhou 2005). An official's expected odds, averaged over that error, drive
how hard the locality liberalises (the marginal value of performance) and whether it joins the
sector bet (the odds in the bet's sector against those outside it). docs/ODD.md 7.12 gives the
equations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PROBIT_LOGIT = math.pi / 8.0  # E[logistic(x + s e)] ~ logistic(x / sqrt(1 + pi s^2 / 8))


@dataclass
class Official:
    """The official who runs a locality."""

    stance: float = 1.0  # growth orientation, mean 1
    appointed: int = 0  # quarter of appointment (negative: before the run)


def appoint(op, rng: np.random.Generator, quarter: int) -> Official:
    """A new official: a log-normal stance of mean 1."""
    s = op.stance_sigma
    return Official(float(rng.lognormal(-0.5 * s * s, s)), quarter)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def base_logit(share: float) -> float:
    """The intercept that promotes ``share`` of officials at the peers' mean performance."""
    share = min(max(share, 1e-6), 1 - 1e-6)
    return math.log(share / (1.0 - share))


def noise_sd(op, same_share: float) -> float:
    """The centre's observation error for a locality whose sector a share ``same_share`` of its
    peers share: common sector shocks cancel within a sector, not across."""
    return math.sqrt(op.noise**2 + (1.0 - same_share) * op.noise_gap**2)


def expected_odds(a: float, b: float, z: float, sd: float) -> float:
    """Promotion odds logistic(a + b (z + e)), e ~ N(0, sd^2), averaged over e."""
    return logistic((a + b * z) / math.sqrt(1.0 + PROBIT_LOGIT * (b * sd) ** 2))


def marginal_odds(a: float, b: float, z: float, sd: float) -> float:
    """d expected_odds / dz: what one more sd of relative growth is worth to the official."""
    k = 1.0 / math.sqrt(1.0 + PROBIT_LOGIT * (b * sd) ** 2)
    p = logistic(k * (a + b * z))
    return k * b * p * (1.0 - p)


def standings(growth: np.ndarray) -> np.ndarray:
    """Each locality's growth minus its peers' mean, in sd of the growth across localities."""
    n = len(growth)
    if n < 2:
        return np.zeros(n)
    peers = (growth.sum() - growth) / (n - 1)
    sd = float(growth.std())
    return (growth - peers) / sd if sd > 0 else np.zeros(n)


class Snapshot(dict):
    """Every same-state locality's instruments, by name, at one moment. It counts the holders of
    an instrument once, so each locality's share of peers in the bet costs O(1), not O(peers).
    Its lists must not change while it is in use."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._holders: dict[str, int] = {}

    def holders(self, name: str) -> int:
        if name not in self._holders:
            self._holders[name] = sum(name in names for names in self.values())
        return self._holders[name]


def bet_share(loc, snapshot: dict[str, list[str]], bet: str) -> float:
    """Share of the locality's peers holding the sector bet."""
    if not isinstance(snapshot, Snapshot):
        snapshot = Snapshot(snapshot)
    own = snapshot.get(loc.name)
    peers = len(snapshot) - (own is not None)
    held = snapshot.holders(bet) - (own is not None and bet in own)
    return held / max(peers, 1)


def same_sector_share(loc, snapshot: dict[str, list[str]], bet: str) -> float:
    """Share of peers whose sector shocks the locality shares: those in the bet, if it is in it.
    Outside the bet, localities' industries differ, so no common shock cancels."""
    in_bet = bet in snapshot.get(loc.name, loc.instruments)
    return bet_share(loc, snapshot, bet) if in_bet else 0.0


class Tournament:
    """A dual-track centre's promotion tournament among its localities' officials."""

    def __init__(self, centre, op, promotion_share: float) -> None:
        self.centre = centre
        self.op = op
        self.a = base_logit(promotion_share)

    def slope(self, competition: float) -> float:
        """The log-odds slope b = local.competition * officials.strength."""
        return competition * self.op.strength

    def appoint_all(self, rng: np.random.Generator) -> None:
        """Officials in office at the start, each part-way through a term."""
        if not self.op.tournament:
            return
        for loc in self.centre.localities:
            loc.official = appoint(self.op, rng, 0)
            loc.official.appointed = -int(rng.integers(self.op.term))

    # -- what officials expect -----------------------------------------------------------------

    def prospects(self, loc, snapshot: dict[str, list[str]], competition: float) -> None:
        """Write the official's expected promotion odds at the locality's current standing."""
        b = self.slope(competition)
        sd = noise_sd(self.op, same_sector_share(loc, snapshot, self.centre.model.local.bet))
        loc.promotion_odds = expected_odds(self.a, b, loc.standing, sd)
        loc.marginal_odds = marginal_odds(self.a, b, loc.standing, sd)

    def effort(self, loc, competition: float) -> float:
        """Facilitation effort: stance times the marginal value of one sd of relative growth,
        relative to a logistic of unit slope at its centre (1/4); the old rule is rho_l."""
        if not self.op.incentive_effort:
            return competition * loc.rank_pressure
        return loc.official.stance * 4.0 * loc.marginal_odds

    def joins_bet(self, loc, snapshot: dict[str, list[str]], competition: float) -> bool:
        """Whether joining the sector bet raises the official's expected odds: inside it the
        centre compares the locality with the peers already in it, whose sector shocks cancel;
        the bet's expected return at the locality's fit moves its standing."""
        bet = self.centre.model.local.bet
        b = self.slope(competition)
        q = bet_share(loc, snapshot, bet)
        stay = expected_odds(self.a, b, loc.standing, noise_sd(self.op, 0.0))
        join = expected_odds(self.a, b, loc.standing + self.bet_return(loc), noise_sd(self.op, q))
        return join > stay

    def bet_return(self, loc) -> float:
        """The bet's expected effect on the locality's relative growth (in sd): its fitted gain,
        seen through the official's stance, less the gain of the instruments in force whose
        share of spending the bet would take (a fixed budget)."""
        model = self.centre.model
        registry, lp = model.instrument_registry, model.local
        bet = registry[lp.bet]
        held = [registry[n] for n in loc.instruments]
        best: dict[str, float] = {}
        for inst in held:
            value = inst.productivity * inst.fit(loc.advantage)
            best[inst.kind] = max(best.get(inst.kind, 0.0), value)
        total = sum(inst.weight for inst in held) + bet.weight
        # a bet of no weight (allowed) takes no share of the spending
        crowded = bet.weight / total * sum(best.values()) if total > 0 else 0.0
        gain = loc.official.stance * bet.productivity * bet.fit(loc.advantage) - crowded
        return lp.boost * loc.F * gain * self.centre.growth_scale

    # -- the review ----------------------------------------------------------------------------

    def review(self, rng: np.random.Generator, quarter: int, competition: float) -> list[str]:
        """Draw promotions from the odds at the centre's noisy observation; promoted officials
        and those at the end of their term are replaced. Returns the instruments carried up."""
        locs, op = self.centre.localities, self.op
        bet = self.centre.model.local.bet
        snapshot = Snapshot((loc.name, loc.instruments) for loc in locs)
        b = self.slope(competition)
        carried = []
        for loc in locs:
            sd = noise_sd(op, same_sector_share(loc, snapshot, bet))
            observed = loc.standing + sd * float(rng.standard_normal())
            promoted = rng.random() < logistic(self.a + b * observed)
            if promoted:
                loc.promotions += 1
                name = self._carried(loc) if op.carry else None
                if name is not None:
                    carried.append(name)
            if promoted or quarter + 1 - loc.official.appointed >= op.term:
                loc.official = appoint(op, rng, quarter + 1)
                loc.turnovers += 1
        return carried

    def _carried(self, loc) -> str | None:
        """The locality's most valuable codifiable instrument not yet national policy."""
        registry, codified = self.centre.model.instrument_registry, self.centre.codified
        options = [
            registry[n] for n in loc.instruments if registry[n].codifiable and n not in codified
        ]
        if not options:
            return None
        return max(options, key=lambda i: i.productivity * i.fit(loc.advantage)).name

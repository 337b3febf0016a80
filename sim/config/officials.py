"""Local officials and the promotion tournament of a dual-track centre (``officials.*``).

The mechanism is in ``sim/agents/officials.py``; docs/ODD.md 7.12.2-7.12.5 and 7.12.10 give the
equations. Performance is measured in standard deviations of the peers' yearly capability growth,
so that the slope and the noise do not depend on the scale of growth.
"""

from dataclasses import dataclass

from sim.config.base import param


@dataclass
class OfficialsParams:
    """Officials: terms, stances, promotion odds and the centre's noisy comparison."""

    tournament: bool = param(
        True,
        "promotions drawn from odds that rise with observed relative performance, with "
        "consequences: the promoted official leaves, a successor with a fresh stance takes over, "
        "and an instrument may be carried upward (false: the top central.promotion_share are "
        "counted, nothing follows)",
        "flag",
        source="Ma 2024 (002): the promotion tournament behind competitive liberalisation",
        role="setting",
    )
    incentive_effort: bool = param(
        True,
        "a locality's facilitation target rises with the marginal value of performance for its "
        "official's promotion odds (false: with the share of peers ranked ahead, rho_l)",
        "flag",
        source="Li & Zhou 2005 (J. Public Econ.): officials respond to promotion incentives",
        role="setting",
    )
    noise_herding: bool = param(
        True,
        "an official joins the sector bet when it raises the official's expected promotion "
        "odds, given the centre's noisier comparison across sectors (false: a probability "
        "local.herding times the share of peers in the bet)",
        "flag",
        source="Maskin, Qian & Xu 2000 (Rev. Econ. Stud.); Ma 2024: the centre evaluates "
        "localities more easily in similar sectors",
        role="setting",
    )
    carry: bool = param(
        True,
        "a promoted official carries the locality's most valuable codifiable instrument upward: "
        "it enters the centre's codification review with a head start of all but one review",
        "flag",
        source="Ma 2024 Figure 1: local practice becomes national policy; officials who move "
        "up bring their practices to the level above (stated assumption)",
        role="setting",
    )
    term: int = param(
        20,
        "quarters an official serves before rotating out if not promoted earlier",
        "quarters",
        1,
        400,
        source="five-year terms of local Party committees (CCP Constitution); realised tenures "
        "are shorter (Cheng Li 2022, China-US Focus: provincial chiefs' tenure unprecedentedly "
        "short; Jiang, Kostka & Eaton 2021: prefectural leaders' tenure shortened since 2013), "
        "which promotions produce here",
        role="lever",
        provenance="sourced",
    )
    stance_sigma: float = param(
        0.3,
        "log-sd of an official's growth orientation (mean 1), which scales facilitation effort "
        "and the return the official expects from the sector bet",
        "log units",
        0,
        3,
        source="stated assumption: one official in six pushes a third harder (or less hard) "
        "than the average",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.15, 0.6),
        why="assumed: half to double",
    )
    strength: float = param(
        1.0,
        "slope of the promotion log-odds in the observed relative growth (per cross-locality "
        "sd), at local.competition 1; b = local.competition * strength",
        "log-odds per sd",
        0,
        20,
        source="stated assumption of the order of Li & Zhou 2005 (J. Public Econ.; provincial "
        "leaders 1979-95: promotion odds rise with growth relative to predecessors and peers): "
        "one sd ahead multiplies the odds by e. Contested: Shih, Adolph & Liu 2012 (APSR) find "
        "factional ties, not growth, predict promotion, and Landry 2008 finds little effect of "
        "cities' growth on mayors' promotion (strength 0). Swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.0, 2.0),
        why="from no effect of growth (Landry 2008; Shih, Adolph & Liu 2012) to twice Li & Zhou",
    )
    noise: float = param(
        0.5,
        "sd of the centre's error in observing a locality's relative growth when it compares "
        "localities of the same sector (in cross-locality sd of growth)",
        "sd of growth",
        0,
        10,
        source="stated assumption: local growth statistics are reported, not measured (provincial "
        "GDP summing above the national figure is a known symptom)",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.25, 1.0),
        why="assumed: half to double",
    )
    noise_gap: float = param(
        1.0,
        "extra sd of that error when the comparison is across sectors (sector shocks do not "
        "cancel); the variance is noise^2 + (1 - q) noise_gap^2, q the share of peers in the "
        "sector bet for a locality in it, 0 outside it (other industries differ)",
        "sd of growth",
        0,
        10,
        source="Maskin, Qian & Xu 2000 (Rev. Econ. Stud.): relative performance evaluation is "
        "more precise among units exposed to common shocks; magnitude stated assumption, swept",
        role="uncertainty",
        provenance="assumed",
        plausible=(0.5, 2.0),
        why="assumed: half to double",
    )

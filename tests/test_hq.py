"""WAICO's headquarters from drivers (issue 13 item 6): a host's credibility comes from its
features as each state judges them, and the typed value per city only behind
``waico.credibility_from: typed``. Each test shows the effect with the features and its absence
without them.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from sim.agents.waico import WAICO, waico_of
from sim.config import POLES
from sim.config.hq import FEATURES, HOSTS
from sim.model import RegulatoryCompetition
from sim.tools.compose import compose_config
from sim.tools.validate import ConfigError

SMALL = {"firms.n_initial": 600}
SEEDS = (0, 1, 2, 3, 4)
WESTERN = ["eu", "uk", "canada", "japan", "south_korea", "australia"]  # distrustful, not South
# Every host given Singapore's features: no feature tells the hosts apart.
SAME = tuple(
    (f"waico.hosts.{h}.{k}", v)
    for h in HOSTS
    for k, v in (
        ("rule_of_law", 0.99),
        ("voice", 0.42),
        ("independence", 1.0),
        ("institutions", 1.0),
    )
) + tuple(
    (f"waico.hosts.{h}.alignment.{pole}", v)
    for h in HOSTS
    for pole, v in (("us", 0.6), ("eu", 0.4), ("china", 0.4))
)


@functools.cache
def config(scenario: str, steps: int, extra: tuple = ()):
    return compose_config(scenario, {**SMALL, "steps": steps, **dict(extra)})


def model(scenario: str = "waico_shanghai", steps: int = 1, **extra) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=1, config=config(scenario, steps, tuple(extra.items())))


@functools.cache
def run(seed: int, scenario: str, extra: tuple = ()) -> RegulatoryCompetition:
    return RegulatoryCompetition(seed=seed, config=config(scenario, 24, extra)).run()


def waico(m: RegulatoryCompetition) -> WAICO:
    w = waico_of(m)
    assert w is not None
    return w


def credibility(m: RegulatoryCompetition, name: str) -> float:
    return waico(m).credibility(m.state(name))


@pytest.mark.parametrize("mode", ["features", "typed"])
def test_credibility_rises_with_the_hosts_rule_of_law_only_with_features(mode):
    cred, prob = [], []
    for rule_of_law in (0.2, 0.5, 0.8):
        m = model(
            **{"waico.credibility_from": mode, "waico.hosts.shanghai.rule_of_law": rule_of_law}
        )
        cred.append(credibility(m, "japan"))
        prob.append(waico(m).join_probability(m.state("japan")))
    if mode == "features":
        assert cred[0] < cred[1] < cred[2] and prob[0] < prob[1] < prob[2], (cred, prob)
    else:
        assert cred[0] == cred[1] == cred[2] == 0.0 and prob[0] == prob[2]


@pytest.mark.parametrize("mode", ["features", "typed"])
def test_a_states_credibility_for_a_host_under_chinese_jurisdiction_falls_with_us_alignment(mode):
    for hq in ("shanghai", "cohost", "hong_kong", "singapore"):
        m = model(**{"waico.credibility_from": mode, "waico.hq": hq})
        s, w = m.state("asean"), waico(m)
        cred = []
        for us in (0.0, 0.5, 1.0, 2.0):  # more US, the same EU and China weights
            align = np.array([us, 0.2, 0.5])
            s.alignment = align / align.sum()
            cred.append(w.credibility(s))
        if mode == "features" and w.features["independence"] < 1.0:
            assert all(a > b for a, b in itertools.pairwise(cred)), (hq, cred)
        else:  # typed, or a sovereign third state (Singapore): alignment does not matter
            assert cred == pytest.approx([cred[0]] * 4, abs=1e-12), (hq, mode, cred)
    # The same host is worth less to a US-aligned state than to a China-aligned one.
    m = model()
    assert credibility(m, "us") < credibility(m, "japan") < credibility(m, "africa")
    assert m.state("africa").alignment[POLES.index("china")] > 0.4


def test_a_cohosted_headquarters_mixes_its_hosts_features():
    m = model(**{"waico.hq": "cohost", "waico.cohost_share": 0.25})
    w = waico(m)
    sh = waico(model()).features
    hk = waico(model(**{"waico.hq": "hong_kong"})).features
    for k in FEATURES:
        assert w.features[k] == pytest.approx(0.25 * hk[k] + 0.75 * sh[k])
    order = [
        credibility(model(**{"waico.hq": hq}), "japan")
        for hq in ("shanghai", "cohost", "hong_kong", "singapore")
    ]
    assert order == sorted(order) and len(set(order)) == 4, order


def test_with_every_feature_equal_the_hq_effect_on_the_distrust_term_vanishes():
    terms = {}
    for same in (False, True):
        extra = dict(SAME) if same else {}
        for hq in ("shanghai", "cohost", "singapore"):
            m = model(**{"waico.hq": hq, **extra})
            terms[same, hq] = [waico(m).utility_terms(s)["distrust"] for s in m.states]
    assert (
        terms[False, "shanghai"][m.state("japan").index]
        < terms[False, "singapore"][m.state("japan").index] - 0.5
    )
    assert terms[True, "shanghai"] == terms[True, "cohost"] == terms[True, "singapore"]


@pytest.mark.slow  # several seconds: the fast suite stays under 2 minutes
def test_membership_under_singapore_and_shanghai_differs_through_the_features():
    # hq_capacity equal too, so that only the credibility can tell the hosts apart.
    cap = (("waico.hq_capacity.singapore", 1.0),)
    names = {}
    for same in (False, True):
        extra = cap + (SAME if same else ())
        for hq in ("shanghai", "singapore"):
            names[same, hq] = [
                sorted(s.name for s in m.states if s.waico_member)
                for m in (run(seed, f"waico_{hq}", extra) for seed in SEEDS)
            ]
    western = {k: sum(len(set(v) & set(WESTERN)) for v in runs) for k, runs in names.items()}
    assert western[False, "singapore"] > western[False, "shanghai"] + 2, western
    assert names[True, "singapore"] == names[True, "shanghai"]  # the same members, run by run


def test_typed_mode_reproduces_the_typed_values():
    for hq, value in {"shanghai": 0.0, "cohost": 0.2, "hong_kong": 0.3, "singapore": 0.5}.items():
        m = model(**{"waico.credibility_from": "typed", "waico.hq": hq})
        assert {round(waico(m).credibility(s), 12) for s in m.states} == {value}


@pytest.mark.parametrize(
    "overrides, key, text",
    [
        ({"waico.credibility_from": "guess"}, "waico.credibility_from", "features"),
        ({"waico.hosts.singapore.rule_of_law": 1.5}, "waico.hosts.singapore.rule_of_law", "[0, 1]"),
        ({"waico.credibility_weights.voice": -1.0}, "waico.credibility_weights.voice", "[0, 10]"),
        (
            {f"waico.credibility_weights.{k}": 0.0 for k in FEATURES},
            "waico.credibility_weights",
            "all zero",
        ),
    ],
)
def test_bad_headquarters_config_gives_one_line_errors(overrides, key, text):
    with pytest.raises(ConfigError) as info:
        RegulatoryCompetition(scenario="waico_shanghai", **overrides)
    message = str(info.value)
    assert "\n" not in message and message.startswith(key) and text in message, message

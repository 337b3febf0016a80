"""The record as data (sim/tools/calibrate/record.py): the split by year, unique facts with sources,
and the growth rates derived from the series."""

from __future__ import annotations

import pytest

from sim.tools.calibrate import record
from sim.tools.calibrate.record import FACTS, GROWTH, HELD_OUT, IN_SAMPLE, LAST_IN_SAMPLE


def test_the_split_follows_the_year_and_nothing_after_2024_is_in_sample():
    assert {f.split for f in FACTS} == {IN_SAMPLE, HELD_OUT}
    for fact in FACTS:
        assert (fact.split == IN_SAMPLE) == (fact.year <= LAST_IN_SAMPLE), fact
    assert set(record.in_sample()) | set(record.held_out()) == set(FACTS)
    assert not set(record.in_sample()) & set(record.held_out())


def test_each_fact_is_single_positive_and_sourced():
    pairs = [(f.key, f.year) for f in FACTS]
    assert len(pairs) == len(set(pairs)), "a key appears twice in one year"
    for fact in FACTS + GROWTH:
        assert fact.source and fact.url.startswith(("https://", "http://")), fact
    assert all(f.value > 0 for f in FACTS) and all(g.factor > 1 for g in GROWTH)


def test_the_held_out_facts_issue_12_names_are_there():
    held = {f.key for f in record.held_out()}
    for key in (
        "notable_models.us",
        "investment.us",
        "incidents",
        "frontier_gap.arena",
        "asia_binding_laws",
    ):
        assert key in held, key


def test_growth_from_the_series():
    assert record.cagr("investment.us", 2023, 2024) == pytest.approx(109.1 / 67.2)
    assert record.cagr("investment.us", 2022, 2024) == pytest.approx((109.1 / 47.4) ** 0.5)
    with pytest.raises(KeyError, match=r"investment\.us in 2019"):
        record.value("investment.us", 2019)

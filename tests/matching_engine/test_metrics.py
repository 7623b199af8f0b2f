"""The evaluation metrics on examples small enough to compute by hand (README of the evaluation set)."""

import math

import pytest

from matching.engine import Explanation, Match
from matching.engine.metrics import evaluate, ndcg_at, precision_at, rankings_from, reciprocal_rank

JUDGED = {"a": 2, "b": 1, "c": 2}


def test_precision_counts_grade_two_only():
    assert precision_at(["a", "b", "c", "x", "y"], JUDGED, 5) == pytest.approx(2 / 5)


def test_precision_divides_by_k_even_when_the_ranking_is_shorter():
    assert precision_at(["a"], JUDGED, 5) == pytest.approx(1 / 5)


def test_ndcg_uses_gain_two_to_the_grade_minus_one_and_log2_discount():
    # ranking b (gain 1), a (gain 3); ideal from all judged patents: a, c (gain 3 each), b (gain 1)
    dcg = 1 / math.log2(2) + 3 / math.log2(3)
    ideal = 3 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(["b", "a"], JUDGED, 10) == pytest.approx(dcg / ideal)


def test_ndcg_is_one_for_the_ideal_order_and_zero_without_judgements():
    assert ndcg_at(["a", "c", "b"], JUDGED, 10) == pytest.approx(1.0)
    assert ndcg_at(["a"], {}, 10) == 0.0


def test_ndcg_ignores_patents_below_the_cut():
    ranking = ["x"] * 10 + ["a"]
    assert ndcg_at(ranking, JUDGED, 10) == 0.0


def test_reciprocal_rank_of_the_first_grade_two():
    assert reciprocal_rank(["x", "b", "c"], JUDGED) == pytest.approx(1 / 3)  # b is only grade 1
    assert reciprocal_rank(["x", "b"], JUDGED) == 0.0


def test_evaluate_averages_over_demands_and_counts_unjudged_demands_as_zero():
    rankings = {"d1": ["a", "c", "b", "x", "y"], "d2": ["x"]}
    out = evaluate(rankings, {"d1": JUDGED})
    assert out["p@5"] == pytest.approx((2 / 5 + 0) / 2)
    assert out["ndcg@10"] == pytest.approx(0.5)
    assert out["mrr"] == pytest.approx(0.5)


def test_rankings_from_keeps_demands_without_matches():
    empty = Explanation((), (), (), {})
    rows = [[Match("d1", "a", 1.0, 1, empty), Match("d1", "b", 0.5, 2, empty)], []]
    assert rankings_from(["d1", "d2"], rows) == {"d1": ["a", "b"], "d2": []}

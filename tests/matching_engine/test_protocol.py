"""The evaluation protocol: a held-out topic never influences the settings it is ranked with."""

from matching.engine import DemandDoc
from matching.engine.config import EngineConfig
from matching.engine.protocol import (
    COMPONENTS,
    GRID,
    OFF,
    TEXT_SETTINGS,
    leave_topic_out,
    markdown_table,
    variants,
)


def _demands(topics):
    return [DemandDoc(id=f"{t}{i}", title="", description="", industry_field=t) for t in topics for i in range(2)]


def _figures(ids, value):
    return {i: {"p@5": value(i), "ndcg@10": value(i), "mrr": value(i)} for i in ids}


def test_each_topic_is_ranked_with_the_setting_the_other_topics_chose():
    demands = _demands("ABC")
    ids = [d.id for d in demands]
    # setting 0 is good on A only, setting 1 on B and C: held-out A gets setting 1, chosen on B and C, although
    # setting 0 would have served A better
    first = _figures(ids, lambda i: 0.6 if i.startswith("A") else 0.0)
    second = _figures(ids, lambda i: 0.0 if i.startswith("A") else 1.0)
    out = leave_topic_out([first, second], demands)
    assert out["topics"] == 3
    assert out["ndcg@10"] == (0.0 * 2 + 1.0 * 4) / 6
    assert out["ndcg@10_sd"] > 0


def test_a_fold_chooses_on_both_aims_of_the_issue():
    """nDCG@10 and P@5 together: a setting a little ahead on one and far behind on the other is not chosen."""
    demands = _demands("ABC")
    ids = [d.id for d in demands]
    ndcg_only = {i: {"p@5": 0.2, "ndcg@10": 0.81, "mrr": 0.5} for i in ids}
    both = {i: {"p@5": 0.6, "ndcg@10": 0.80, "mrr": 0.5} for i in ids}
    assert leave_topic_out([ndcg_only, both], demands)["p@5"] == 0.6


def test_a_single_setting_gives_the_plain_mean():
    demands = _demands("AB")
    figures = _figures([d.id for d in demands], lambda i: 0.25)
    out = leave_topic_out([figures], demands)
    assert out["p@5"] == 0.25 and out["p@5_sd"] == 0.0


def test_a_row_switches_off_every_part_it_does_not_name():
    base = EngineConfig.load()
    for config in variants(base, ("feedback",), {"prf_weight": (0.3, 0.5), "w_chain": (0.1,)}):
        assert config.prior_groups == 0 and config.pmi_weight == 0 and config.w_chain == 0
        assert config.prf_weight in {0.3, 0.5, base.prf_weight}
    assert len(variants(base, ("feedback",), {"prf_weight": (0.3, 0.5)})) == len({0.3, 0.5, base.prf_weight})
    text_only = variants(base, ())  # the engine's own text model: only its settings (title weight) vary
    assert len(text_only) == len({*GRID["title_boost"], base.title_boost})
    assert all(getattr(c, k) == v for c in text_only for k, v in OFF.items())
    assert set(TEXT_SETTINGS) <= set(GRID)
    assert set(COMPONENTS) == {"ipc", "cooccurrence", "feedback", "attributes"}


def test_the_table_has_a_row_per_configuration():
    row = {"p@5": 0.5, "ndcg@10": 0.8, "mrr": 0.9}
    lto = {**row, "p@5_sd": 0.1, "ndcg@10_sd": 0.1, "mrr_sd": 0.1, "topics": 2}
    table = markdown_table([{"label": "BM25 基线", "dev": row, "lto": lto}])
    assert table.splitlines()[-1] == "| BM25 基线 | 0.500 | 0.800 | 0.900 | 0.500 ± 0.100 | 0.800 ± 0.100 | 0.900 ± 0.100 |"

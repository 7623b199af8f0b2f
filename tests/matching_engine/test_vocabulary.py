"""The engine's vocabulary bridge: IPC titles, the catalogue-trained IPC prior, co-occurrence, stop words, and the
private segmenter. Every bridge comes from a general source; none is written from the labelled demands."""

from pathlib import Path

from matching.engine import DemandDoc, MatchingEngine, PatentDoc
from matching.engine.expansion import Expander
from matching.engine.text import DATA_DIR, default_analyzer


def test_no_hand_written_thesaurus_is_shipped():
    assert not (DATA_DIR / "thesaurus.txt").exists()
    source = (Path(__file__).resolve().parents[2] / "matching" / "engine" / "expansion.py").read_text()
    assert "thesaurus.txt" not in source


def test_an_ipc_hint_adds_its_title_words():
    expander = Expander(default_analyzer())
    out = expander.expand("B22D17/00", {}, ipc_title_weight=0.3, prior_ipc_weight=0.5)
    assert out.ipc["B22D17"] == 1.0 and out.ipc["B22D"] == 1.0
    assert "压铸" in out.terms
    assert out.sources["压铸"].startswith("IPC ")
    assert not out.predicted


def test_a_predicted_code_counts_less_than_a_given_one_and_is_marked_predicted():
    expander = Expander(default_analyzer())
    out = expander.expand("B22D17/00", {"B24B27": 1.0, "B24B": 1.0, "B22D17": 1.0},
                          ipc_title_weight=0.3, prior_ipc_weight=0.5)
    assert out.ipc["B24B27"] == 0.5 and out.predicted == {"B24B27", "B24B"}
    assert out.ipc["B22D17"] == 1.0  # the user's own code stays the user's


def test_the_prior_predicts_the_group_whose_patents_use_the_demand_words(dev_engine):
    demand = DemandDoc(id="q", title="铸件毛刺打磨", description="铸件分型线上的毛刺和飞边靠人工打磨")
    query = dev_engine.build_query(demand)
    assert any(k.startswith("B24B") for k in query.expansion.predicted), query.expansion.ipc


def test_co_occurring_catalogue_words_join_the_query():
    patents = [
        PatentDoc(id=i, title=f"一种铸件去毛刺装置{i}", abstract="针对铸件毛刺难以清理的问题，采用打磨机器人去除飞边。")
        for i in range(4)
    ] + [PatentDoc(id=9, title="一种锂电池正极材料", abstract="正极材料高温循环性能好。")]
    engine = MatchingEngine(MatchingEngine().config.replace(pmi_weight=0.4, pmi_min_count=2)).fit(patents)
    query = engine.build_query(DemandDoc(id="q", title="毛刺多", description="工件毛刺多"))
    added = {t for t, kind in query.expansion.kinds.items() if kind == "cooccurrence"}
    assert "打磨" in added or "机器人" in added, query.expansion.terms
    assert query.expansion.sources[next(iter(added))] == "毛刺"


def test_business_boilerplate_is_not_an_index_term():
    tokens = default_analyzer().tokens("我们自己没有研发部门，希望对方能提供全套指导，一年之内能见到效果。")
    assert tokens == []


def test_compound_words_also_index_their_parts():
    assert {"气孔率", "气孔"} <= set(default_analyzer().tokens("铸件内部气孔率低"))


def test_whole_words_leave_out_the_search_mode_parts():
    words = default_analyzer().words("传感器接直流电")
    assert "传感器" in words and "感器" not in words and "流电" not in words

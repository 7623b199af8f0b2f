"""Explanations a person can read: whole words, shared IPC only when both sides have it (a predicted class
labelled 预测), negative parts as caveats, every label Chinese."""

import re
from decimal import Decimal

import pytest

from matching.engine import DemandDoc, MatchingEngine, PatentDoc
from matching.engine.explain import CAVEATS, COMPONENT_LABELS

ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _terms(explanation):
    return list(explanation.matched_terms) + list(explanation.expanded_terms)


def test_no_shown_word_is_a_single_character_or_part_of_another(dev_batch):
    for row in dev_batch:
        for m in row[:10]:
            x = m.explanation
            assert all(len(t) >= 2 for t in _terms(x)), x
            for group in (x.matched_terms, x.expanded_terms):
                assert not [(a, b) for a in group for b in group if a != b and a in b], x
            assert not [(a, b) for a in x.expanded_terms for b in x.matched_terms if a in b], x


def test_search_mode_sub_words_are_not_shown():
    sensor = PatentDoc(id="s", title="一种温度传感器的直流电供电电路",
                       abstract="传感器由直流电供电，传感器信号经放大后输出，直流电电压稳定。", ipc_codes=("G01K7/00",))
    other = PatentDoc(id="o", title="一种交流电机", abstract="交流电机转子采用铸铝，交流电供电。", ipc_codes=("H02K17/00",))
    engine = MatchingEngine().fit([sensor, other, *[
        PatentDoc(id=f"f{i}", title=f"一种传感器安装支架{i}", abstract="支架固定传感器。") for i in range(3)]])
    demand = DemandDoc(id="d", title="传感器读数漂移", description="车间里的传感器用直流电，读数老是漂移。")
    shown = {t for m in engine.match_one(demand, k=5) for t in _terms(m.explanation)}
    assert "传感器" in shown
    assert not shown & {"感器", "传感", "流电", "道", "器"}, shown


def test_shared_ipc_is_named_only_from_the_demands_own_code(dev_engine, dev_patents):
    codes = {p.id: p.ipc_codes for p in dev_patents}
    hinted = DemandDoc(id="h", title="铸件毛刺打磨", description="铸件飞边毛刺靠人工打磨", ipc_hint="B24B")
    plain = DemandDoc(id="p", title="铸件毛刺打磨", description="铸件飞边毛刺靠人工打磨")
    for m in dev_engine.match_one(hinted, k=10):
        assert set(m.explanation.shared_ipc) <= {"B24B"}
        if m.explanation.shared_ipc:
            assert any(c.startswith("B24B") for c in codes[m.patent_id])
    rows = dev_engine.match_one(plain, k=10)
    assert all(m.explanation.shared_ipc == () for m in rows)
    predicted = [m for m in rows if m.explanation.predicted_ipc]
    assert predicted, "the classifier predicts a class the top patents carry"
    for m in predicted:
        assert any("预测" in note for note in m.explanation.notes)
        own = {c.replace(" ", "")[: len(k)] for c in codes[m.patent_id] for k in m.explanation.predicted_ipc}
        assert set(m.explanation.predicted_ipc) <= {k for k in m.explanation.predicted_ipc if k in own
                                                    or any(c.startswith(k) for c in codes[m.patent_id])}


def test_a_price_above_budget_is_a_caveat_not_a_reason(dev_engine):
    demand = DemandDoc(id="b", title="铸件毛刺打磨", description="铸件飞边毛刺靠人工打磨", budget=Decimal("1000"))
    rows = dev_engine.match_one(demand, k=20)
    over = [m for m in rows if m.explanation.components["price"] < 0]
    assert over
    for m in over:
        assert m.explanation.caveats == (CAVEATS["price"],)
        assert not any("预算" in note for note in m.explanation.notes)
    from matching.templatetags.matching_tags import component_rows

    labels = [label for label, _v, _w in component_rows(over[0].explanation.components)]
    assert COMPONENT_LABELS["price"] not in labels  # the table lists what raised the score


def test_every_label_and_sentence_is_chinese(dev_batch):
    assert not [label for label in COMPONENT_LABELS.values() if ENGLISH.search(label.replace("IPC", ""))]
    for row in dev_batch:
        for m in row[:5]:
            x = m.explanation
            assert set(x.components) <= set(COMPONENT_LABELS), x.components
            for sentence in (*x.notes, *x.caveats):
                # codes and the patents' own words (SNCR, LED) may appear; the sentence around them is Chinese
                # (an IPC title may carry an acronym such as PVD: the scheme's wording, kept as it is)
                rest = re.sub(r"（[^（）]*）的分类用语", "", sentence.lower())
                for word in sorted(_terms(x), key=len, reverse=True):
                    rest = rest.replace(word.lower(), "")
                rest = re.sub(r"(ipc|预测分类)\s*[a-h]\d{2}[a-z]\d*", "", rest)
                rest = re.sub(r"[a-h]\d{2}[a-z]\d*", "", rest).replace("ipc", "")
                assert not ENGLISH.search(rest), sentence


@pytest.mark.parametrize("key", sorted(COMPONENT_LABELS))
def test_the_score_table_reads_each_part_in_chinese(key):
    from matching.templatetags.matching_tags import component_rows

    (label, _value, _width), = component_rows({key: 0.3})
    assert label == COMPONENT_LABELS[key] and not ENGLISH.search(label.replace("IPC", ""))

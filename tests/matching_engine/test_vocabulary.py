"""The engine's data: thesaurus triggers, IPC titles, stop words and the private segmenter."""

from matching.engine.expansion import Expander, ThesaurusEntry
from matching.engine.text import default_analyzer


def test_a_trigger_with_plus_needs_every_part():
    entry = ThesaurusEntry.parse("铸件+裂|热裂 => 热裂 冷铁 @ B22C9/10")
    assert entry.hit("铸件拐角老开裂") == "铸件、裂"
    assert entry.hit("汤圆开裂") is None
    assert entry.hit("有热裂") == "热裂"
    assert entry.ipc == ("B22C", "B22C9")


def test_a_line_without_vocabulary_or_codes_is_ignored():
    assert ThesaurusEntry.parse("漏气 =>") is None


def test_symptom_expands_to_technique_and_ipc():
    expander = Expander(default_analyzer())
    out = expander.expand("电机壳加工后冒小孔、打压漏气", "", thesaurus_weight=0.6, ipc_title_weight=0.3)
    assert {"气孔", "真空", "压铸"} <= set(out.terms)
    assert "B22D17" in out.ipc
    assert out.sources["真空"] in {"冒小孔", "漏气", "打压"}


def test_an_ipc_hint_adds_its_title_words():
    expander = Expander(default_analyzer())
    out = expander.expand("想找新工艺", "B22D17/00", thesaurus_weight=0.6, ipc_title_weight=0.3)
    assert out.ipc["B22D17"] == 1.0 and out.ipc["B22D"] == 1.0
    assert "压铸" in out.terms
    assert out.sources["压铸"].startswith("IPC ")


def test_business_boilerplate_is_not_an_index_term():
    tokens = default_analyzer().tokens("我们自己没有研发部门，希望对方能提供全套指导，一年之内能见到效果。")
    assert tokens == []


def test_compound_words_also_index_their_parts():
    assert {"气孔率", "气孔"} <= set(default_analyzer().tokens("铸件内部气孔率低"))

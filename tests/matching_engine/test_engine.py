"""Behaviour of the matching engine a user of the portal would notice: explanations, incremental matching,
robustness, and the non-text parts of the score."""

import json
from decimal import Decimal

import pytest

from matching.engine import DemandDoc, EngineConfig, MatchingEngine, PatentDoc
from matching.engine.config import WEIGHTS_FILE

DIE_CASTING = PatentDoc(
    id="die", title="一种铝合金压铸件的高真空压铸方法",
    abstract="本发明公开了一种铝合金压铸件的高真空压铸方法，型腔抽真空后压射，铸件内部气孔率低，可热处理，气密性试验合格率提高。",
    ipc_codes=("B22D17/14", "B22D17/32"), industry_chain="铸造", price=Decimal("300000"), offer_type="许可",
)
COATING = PatentDoc(
    id="coat", title="一种消失模铸造用涂料", abstract="一种消失模铸造用涂料，透气性好，铸件表面不粘砂，涂层强度高。",
    ipc_codes=("B22C3/00",), industry_chain="铸造", price=None, offer_type="转让",
)
BATTERY = PatentDoc(
    id="battery", title="一种锰酸锂正极材料的制备方法", abstract="一种锰酸锂正极材料，高温循环性能好，锰溶出少。",
    ipc_codes=("H01M4/505",), industry_chain="新能源电池", price=Decimal("80000"), offer_type="开放许可",
)
CATALOGUE = [DIE_CASTING, COATING, BATTERY]
SYMPTOM = DemandDoc(
    id="d1", title="电机壳冒小孔", description="电机壳是铝合金压铸的，加工后冒小孔、打压漏气，废品率高。",
    industry_field="铸造",
    budget=Decimal("500000"), cooperation_mode="许可",
)


@pytest.fixture(scope="module")
def small_engine():
    return MatchingEngine().fit(CATALOGUE)


def test_symptom_wording_finds_the_technique_patent_and_explains_it(small_engine):
    top = small_engine.match_one(SYMPTOM, k=3)[0]
    assert top.patent_id == "die"
    assert "铝合金" in top.explanation.matched_terms
    assert any("铸造" in note for note in top.explanation.notes)


def test_explanation_lists_matched_terms_shared_ipc_and_components(small_engine):
    demand = DemandDoc(id="d2", title="压铸件气孔", description="铝合金压铸件气孔多", ipc_hint="B22D17/00")
    top = small_engine.match_one(demand, k=1)[0]
    assert top.patent_id == "die"
    assert {"压铸件", "气孔"} <= set(top.explanation.matched_terms)
    assert top.explanation.shared_ipc == ("B22D17", "B22D")
    parts = top.explanation.components
    assert {"text", "expansion", "ipc", "chain", "region", "price"} <= set(parts)
    assert top.score == pytest.approx(sum(parts.values()))
    assert any("IPC" in note for note in top.explanation.notes)
    assert top.explanation.to_dict()["shared_ipc"] == ["B22D17", "B22D"]


def test_ranks_are_consecutive_and_scores_descend(dev_batch):
    for row in dev_batch:
        assert [m.rank for m in row] == list(range(1, len(row) + 1))
        assert all(a.score >= b.score for a, b in zip(row, row[1:], strict=False))


def test_match_one_equals_the_batch_result(dev_engine, dev_demands, dev_batch):
    for i in (0, 17, 49):
        single = dev_engine.match_one(dev_demands[i], k=100)
        assert [(m.patent_id, m.score, m.explanation) for m in single] == [
            (m.patent_id, m.score, m.explanation) for m in dev_batch[i]
        ]


def test_forked_chunks_give_the_serial_result(dev_patents, dev_demands):
    config = EngineConfig.load()
    serial = MatchingEngine(config.replace(workers=1, chunk_size=8)).fit(dev_patents).match(dev_demands[:20])
    forked = MatchingEngine(config.replace(workers=2, chunk_size=8)).fit(dev_patents).match(dev_demands[:20])
    assert [[(m.patent_id, m.score) for m in row] for row in forked] == [
        [(m.patent_id, m.score) for m in row] for row in serial
    ]


def test_progress_is_reported_per_chunk(dev_patents, dev_demands):
    seen = []
    engine = MatchingEngine(EngineConfig.load().replace(workers=1, chunk_size=16)).fit(dev_patents)
    engine.match(dev_demands, k=5, progress=seen.append)
    assert seen == [16, 32, 48, 50]


def test_demands_for_patent_ranks_demands_with_the_batch_scores(dev_engine, dev_demands, dev_batch):
    demand, best = dev_demands[0], dev_batch[0][0]
    patent = next(p for p in dev_engine.patents if p.id == best.patent_id)
    found = dev_engine.demands_for_patent(patent, dev_demands, k=50)
    assert [m.rank for m in found] == list(range(1, len(found) + 1))
    assert all(m.patent_id == patent.id for m in found)
    pair = next(m for m in found if m.demand_id == demand.id)
    assert pair.score == pytest.approx(best.score)
    assert pair.explanation.matched_terms == best.explanation.matched_terms


def test_demands_for_a_new_patent_outside_the_index(small_engine):
    new = PatentDoc(id="new", title="一种镁合金压铸件低气孔真空压铸工艺", abstract="真空压铸，气孔少，打压不漏气。",
                    ipc_codes=("B22D17/14",), industry_chain="铸造")
    other = DemandDoc(id="d9", title="锂电池高温容量衰减", description="两轮车电池夏天容量掉得快")
    found = small_engine.demands_for_patent(new, [other, SYMPTOM], k=5)
    assert [m.demand_id for m in found][:1] == ["d1"]
    assert found[0].explanation.components["text"] + found[0].explanation.components["expansion"] > 0


def test_stored_tokens_give_the_same_result(dev_patents, dev_demands, dev_engine):
    from dataclasses import replace

    stored = [replace(p, tokens=dev_engine.tokenize_patent(p)) for p in dev_patents[:200]]
    plain = MatchingEngine().fit(dev_patents[:200]).match(dev_demands[:5], k=10)
    again = MatchingEngine().fit(stored).match(dev_demands[:5], k=10)
    assert [[(m.patent_id, m.score) for m in r] for r in plain] == [[(m.patent_id, m.score) for m in r] for r in again]


def test_empty_text_never_raises():
    blank = PatentDoc(id=1, title="", abstract="", ipc_codes=())
    odd = PatentDoc(id=2, title="。。", abstract="!!", ipc_codes=("not-ipc",), price=Decimal("0"))
    engine = MatchingEngine().fit([blank, odd])
    empty_demand = DemandDoc(id=1, title="", description="", ipc_hint="??", budget=Decimal("0"))
    assert engine.match([empty_demand]) == [[]] or all(len(r) <= 2 for r in engine.match([empty_demand]))
    assert engine.match([]) == []
    engine.demands_for_patent(blank, [empty_demand])
    assert MatchingEngine().fit([]).match([empty_demand]) == [[]]


def test_match_before_fit_is_an_error():
    with pytest.raises(RuntimeError):
        MatchingEngine().match_one(SYMPTOM)


def _pair_parts(engine, demand, patent_id):
    return next(m for m in engine.match_one(demand, k=3) if m.patent_id == patent_id).explanation.components


@pytest.mark.parametrize(
    ("demand_region", "patent_region", "expected"),
    [("420202", "420202", "w_region_county"), ("420202", "420203", "w_region_city"),
     ("420202", "420502", "w_region_province"), ("420202", "440703", None), ("", "420202", None)],
)
def test_region_proximity_by_code_prefix(demand_region, patent_region, expected):
    from dataclasses import replace

    cfg = EngineConfig.load()
    engine = MatchingEngine(cfg).fit([replace(DIE_CASTING, region_code=patent_region), COATING])
    parts = _pair_parts(engine, replace(SYMPTOM, region_code=demand_region), "die")
    assert parts["region"] == pytest.approx(getattr(cfg, expected) if expected else 0.0)


@pytest.mark.parametrize(
    ("price", "offer", "budget", "sign"),
    [("300000", "许可", "500000", 1), ("500000", "许可", "500000", 1), ("750000", "许可", "500000", -1),
     (None, "许可", "500000", 0), ("20000", "开放许可", "10000", 1), ("300000", "许可", None, 0)],
)
def test_price_fit(price, offer, budget, sign):
    from dataclasses import replace

    patent = replace(DIE_CASTING, price=Decimal(price) if price else None, offer_type=offer)
    demand = replace(SYMPTOM, budget=Decimal(budget) if budget else None)
    parts = _pair_parts(MatchingEngine().fit([patent, COATING]), demand, "die")
    assert (parts["price"] > 0) - (parts["price"] < 0) == sign


def test_over_budget_costs_in_proportion():
    from dataclasses import replace

    engine_a = MatchingEngine().fit([replace(DIE_CASTING, price=Decimal("600000")), COATING])
    engine_b = MatchingEngine().fit([replace(DIE_CASTING, price=Decimal("900000")), COATING])
    assert _pair_parts(engine_b, SYMPTOM, "die")["price"] < _pair_parts(engine_a, SYMPTOM, "die")["price"] < 0


def test_industry_chain_counts_only_for_the_same_chain(small_engine):
    from dataclasses import replace

    assert _pair_parts(small_engine, SYMPTOM, "die")["chain"] > 0
    assert _pair_parts(small_engine, replace(SYMPTOM, industry_field="食品"), "die")["chain"] == 0


def test_the_chain_bonus_is_earned_with_text_evidence(small_engine):
    """A prior, not a filter: below ``chain_text_scale`` of text relevance a pair gets that share of the chain
    weight, from it upward all of it."""
    cfg = small_engine.config
    for m in small_engine.match_one(SYMPTOM, k=3):
        parts = m.explanation.components
        relevance = parts["text"] + parts["expansion"] + parts["feedback"] + parts["ipc"]
        if m.patent_id in {"die", "coat"}:  # the demand's chain (铸造)
            assert parts["chain"] == pytest.approx(cfg.w_chain * min(1.0, relevance / cfg.chain_text_scale))


def test_a_word_every_patent_of_the_demands_chain_uses_counts_nothing_under_that_field():
    """Filed under 电机, 电机 says which chain, not which need (the chain part already credits it); filed under
    no field, the same word counts in full."""
    motors = [PatentDoc(id=f"m{i}", title=f"一种电机{part}结构", abstract=f"一种电机{part}结构，效率高。",
                        industry_chain="电机") for i, part in enumerate(("定子", "转子", "机壳冷却"))]
    burrs = PatentDoc(id="burr", title="一种铸件毛刺自动去除装置", abstract="一种铸件毛刺自动去除装置，去毛刺效率高。",
                      industry_chain="铸造")
    engine = MatchingEngine().fit([*motors, burrs])
    filed = DemandDoc(id="w", title="去毛刺效率低", description="电机壳体加工后毛刺多", industry_field="电机")
    col = engine.text.vocab["电机"]
    weight = dict(zip(engine.build_query(filed).text_cols.tolist(), engine.build_query(filed).text_w.tolist(),
                      strict=True))
    assert weight[col] == 0.0 and weight[engine.text.vocab["毛刺"]] > 0
    unfiled = DemandDoc(id="u", title=filed.title, description=filed.description)
    assert dict(zip(engine.build_query(unfiled).text_cols.tolist(), engine.build_query(unfiled).text_w.tolist(),
                    strict=True))[col] > 0
    assert engine.match_one(filed, k=1)[0].patent_id == "burr"


def test_a_feedback_patent_is_not_scored_on_the_words_it_lent(dev_patents, dev_demands):
    config = EngineConfig.load()
    with_own = MatchingEngine(config.replace(prf_leave_one_out=False)).fit(dev_patents)
    without = MatchingEngine(config.replace(prf_leave_one_out=True)).fit(dev_patents)
    demand = dev_demands[0]
    first = with_own.match_one(demand, k=1)[0]
    same = next(m for m in without.match_one(demand, k=150) if m.patent_id == first.patent_id)
    assert same.explanation.components["feedback"] < first.explanation.components["feedback"]


def _weights_file(tmp_path, **changes):
    """A copy of the shipped weights with some settings changed (``None`` drops one)."""
    data = {**json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")), **changes}
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({k: v for k, v in data.items() if v is not None}), encoding="utf-8")
    return path


def test_weights_are_read_from_data(tmp_path):
    path = _weights_file(tmp_path, w_chain=0.0)
    engine = MatchingEngine(EngineConfig.load(path)).fit(CATALOGUE)
    assert _pair_parts(engine, SYMPTOM, "die")["chain"] == 0.0
    path = _weights_file(tmp_path, w_chian=0.3)
    with pytest.raises(ValueError, match="w_chian"):
        EngineConfig.load(path)


def test_a_missing_weights_file_or_setting_is_an_error_not_a_default(tmp_path):
    with pytest.raises(ValueError, match="w_chain"):
        EngineConfig.load(_weights_file(tmp_path, w_chain=None))
    with pytest.raises(FileNotFoundError, match="absent.json"):
        EngineConfig.load(tmp_path / "absent.json")


def test_demands_for_patent_is_the_same_with_or_without_an_earlier_batch(dev_patents, dev_demands, dev_engine,
                                                                         dev_batch):
    patent = next(p for p in dev_engine.patents if p.id == dev_batch[3][0].patent_id)
    warm = dev_engine.demands_for_patent(patent, dev_demands, k=10)
    cold = MatchingEngine().fit(dev_patents).demands_for_patent(patent, dev_demands, k=10)
    assert [(m.demand_id, m.score) for m in warm] == [(m.demand_id, m.score) for m in cold]


def test_a_price_above_the_budget_is_a_caveat_never_a_reason():
    from matching.engine.explain import _caveats

    components = {"text": 1.0, "expansion": 0.0, "feedback": 0.0, "ipc": 0.0, "chain": 0.0, "region": 0.0,
                  "price": -0.05, "mode": 0.0}
    assert _caveats(components) == ("报价高于预算",)
    assert _caveats({**components, "price": 0.1}) == ()


def test_the_sentence_for_lists_names_the_caveat_apart():
    from matching.templatetags.matching_tags import component_rows, explanation_sentence

    sentence = explanation_sentence({"matched_terms": ["毛刺"], "notes": ["同属“汽车零部件”产业链"],
                                     "caveats": ["报价高于预算"]})
    assert sentence == "共同用语：毛刺；同属“汽车零部件”产业链（需注意：报价高于预算）"
    assert [label for label, _v, _w in component_rows({"feedback": 0.2})] == ["与最相关专利共有的技术词"]


def test_the_exact_search_finds_the_candidates_a_dense_search_over_every_patent_finds(dev_engine, dev_demands,
                                                                                     dev_batch):
    """The batch's candidate search is exact: the best ``candidates`` patents by the text, bridged-word and IPC
    parts, as a dense computation over the whole catalogue finds them (what bench/match.py checks at scale)."""
    import numpy as np

    assert dev_engine.exact
    search = dev_engine.by_probe.T.tocsr()
    chosen = []
    for demand in dev_demands[:10]:
        query = dev_engine.build_query(demand)
        vector = np.zeros(search.shape[1])
        vector[query.probe_cols] = query.probe_w
        scores = search @ vector
        hit = np.flatnonzero(scores > 0)
        hit = hit[np.lexsort((hit, -scores[hit]))[: dev_engine.config.candidates]]
        chosen.append(np.sort(hit))
    again = dev_engine.match_candidates(dev_demands[:10], chosen, k=20)
    # float32 products against a float64 sum may order a tie at the 150th candidate differently; the top 20 agree
    assert [[m.patent_id for m in row] for row in again] == [[m.patent_id for m in row[:20]] for row in dev_batch[:10]]


def test_a_pruned_search_is_still_available_for_comparison(dev_patents, dev_demands):
    pruned = MatchingEngine(EngineConfig.load().replace(probe_postings=5, probe_terms=3)).fit(dev_patents)
    assert not pruned.exact
    assert all(len(row) <= 20 for row in pruned.match(dev_demands[:3]))

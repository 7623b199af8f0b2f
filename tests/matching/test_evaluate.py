"""evaluate_matching: imports the files itself, ranks with the engine and the BM25 baseline, leaves nothing."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from matching.models import Demand, SupplyPatent
from portal.models import Organisation, Region, User

pytestmark = pytest.mark.django_db


def evaluate(dev_data, *extra) -> str:
    out = io.StringIO()
    call_command("evaluate_matching", "--patents", str(dev_data / "patents.csv"), "--demands",
                 str(dev_data / "demands.csv"), "--qrels", str(dev_data / "qrels.csv"), *extra, stdout=out)
    return out.getvalue()


def test_json_output_on_a_fresh_database(dev_data):
    for level in ("county", "city", "province"):  # as fresh as a migrated database gets: not even the regions
        Region.objects.filter(level=level).delete()
    output = evaluate(dev_data, "--json")
    lines = output.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {"engine", "bm25"}
    for figures in result.values():
        assert set(figures) == {"p@5", "ndcg@10", "mrr"} and all(0 <= v <= 1 for v in figures.values())
    # The plain baseline reproduces the figures of the evaluation set's README.
    assert result["bm25"] == {"p@5": 0.44, "ndcg@10": 0.6566, "mrr": 0.8044}
    assert result["engine"]["ndcg@10"] >= result["bm25"]["ndcg@10"] + 0.15
    assert result["engine"]["p@5"] >= result["bm25"]["p@5"] + 0.07
    assert not (SupplyPatent.objects.exists() or Demand.objects.exists() or Organisation.objects.exists()
                or User.objects.exists() or Region.objects.exists())


def test_table_output_names_all_three_metrics_side_by_side(dev_data):
    output = evaluate(dev_data)
    assert "本系统引擎" in output and "BM25 基线" in output
    assert all(label in output for label in ("P@5", "nDCG@10", "MRR"))


def test_a_bad_patent_file_stops_with_the_row_errors(dev_data, tmp_path):
    bad = tmp_path / "patents.csv"
    text = (dev_data / "patents.csv").read_text(encoding="utf-8").replace("201515847756.6", "201515847756.7")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行“申请号”"):
        call_command("evaluate_matching", "--patents", str(bad), "--demands", str(dev_data / "demands.csv"),
                     "--qrels", str(dev_data / "qrels.csv"), stdout=io.StringIO())
    assert not SupplyPatent.objects.exists()


def _small_split(dev_data, tmp_path, topics=("铸造", "智能制造", "食品")):
    """The demands of three topics with their judged patents and some others: a quick leave-topic-out run."""
    import csv

    def rows(name):
        with (dev_data / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def write(name, data):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(data[0]))
            writer.writeheader()
            writer.writerows(data)

    demands = [d for d in rows("demands.csv") if d["industry_field"] in topics]
    ids = {d["demand_id"] for d in demands}
    qrels = [q for q in rows("qrels.csv") if q["demand_id"] in ids]
    judged = {q["patent_id"] for q in qrels}
    patents = [p for i, p in enumerate(rows("patents.csv")) if p["patent_id"] in judged or i % 10 == 0]
    for name, data in (("demands.csv", demands), ("qrels.csv", qrels), ("patents.csv", patents)):
        write(name, data)
    return tmp_path


def test_leave_topic_out_prints_the_ablation_table(dev_data, tmp_path, monkeypatch):
    from matching.engine import protocol

    monkeypatch.setattr(protocol, "GRID", {"prf_weight": (0.3,)})
    output = evaluate(_small_split(dev_data, tmp_path), "--protocol", "leave-topic-out")
    assert "按行业主题留出（3 个主题）" in output
    for label in ("BM25 基线", "引擎文本模型", "+ 伪相关反馈", "全部组成"):
        assert label in output
    assert " ± " in output


def test_leave_topic_out_json(dev_data, tmp_path, monkeypatch):
    from matching.engine import protocol

    monkeypatch.setattr(protocol, "GRID", {"prf_weight": (0.3,)})
    result = json.loads(evaluate(_small_split(dev_data, tmp_path), "--protocol", "leave-topic-out", "--json"))
    rows = {r["row"]: r for r in result["rows"]}
    assert list(rows) == ["bm25", "text", "ipc", "cooccurrence", "feedback", "attributes", "all"]
    assert rows["bm25"]["lto"]["topics"] == 3 and 0 <= rows["all"]["lto"]["ndcg@10"] <= 1

"""Evaluate the matching engine against the plain BM25 baseline on a labelled set.

``--protocol dev`` (the default): the patents and demands are imported through the same import services as the
portal, into a temporary supplier and enterprise, inside a transaction that is rolled back: the command works on
a fresh database and leaves nothing behind. Both rankers see only the database rows; the judgements are read by
this command alone.

``--protocol leave-topic-out``: the ablation table of ``matching.engine.protocol`` (BM25; the engine's text
model; + each part alone; all parts), each row on the development demands and in leave-topic-out
cross-validation (settings chosen on the other topics), read straight from the files.
"""

import csv
import json
import time
from pathlib import Path

from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from matching.engine import protocol
from matching.engine.baseline import BM25Baseline
from matching.engine.metrics import METRIC_KEYS, evaluate
from matching.models import Demand, MatchingPolicy, SupplyPatent
from matching.services.engine import demand_docs, fit_engine, patent_docs
from matching.services.imports import demand_import, supply_import
from portal.models import Organisation, OrganisationKind, Region, User

EVAL_REGION = "420202"
LABELS = {"p@5": "P@5", "ndcg@10": "nDCG@10", "mrr": "MRR"}


class Command(BaseCommand):
    help = "评估供需匹配引擎：导入专利与需求，与 BM25 基线比较 P@5、nDCG@10、MRR（不保留任何数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--patents", required=True, help="专利 CSV（评估集列格式）")
        parser.add_argument("--demands", required=True, help="需求 CSV")
        parser.add_argument("--qrels", required=True, help="相关性判断 CSV：demand_id, patent_id, grade")
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
        parser.add_argument("--protocol", choices=("dev", "leave-topic-out"), default="dev",
                            help="dev：导入后整体评估；leave-topic-out：按行业主题留出交叉验证并输出消融表")

    def handle(self, *args, patents, demands, qrels, **options):
        for path in (patents, demands, qrels):
            if not Path(path).is_file():
                raise CommandError(f"文件不存在：{path}")
        if options["protocol"] == "leave-topic-out":
            self.leave_topic_out(patents, demands, qrels, as_json=options["json"])
            return
        judgements = read_qrels(qrels)
        started = time.monotonic()
        with transaction.atomic():
            patent_ids, demand_ids = self.import_files(patents, demands)
            results = rank_and_score(patent_ids, demand_ids, judgements)
            transaction.set_rollback(True)
        results["seconds"] = round(time.monotonic() - started, 2)
        if options["json"]:
            self.stdout.write(dumps({"engine": results["engine"], "bm25": results["bm25"]}))
        else:
            self.print_table(results)

    def leave_topic_out(self, patents: str, demands: str, qrels: str, as_json: bool) -> None:
        docs, needs, judgements = protocol.load_files(patents, demands, qrels)
        started = time.monotonic()
        rows = protocol.ablation(docs, needs, judgements,
                                 progress=None if as_json else lambda name: self.stderr.write(f"…{name}"))
        seconds = round(time.monotonic() - started, 1)
        if as_json:
            self.stdout.write(dumps({"protocol": "leave-topic-out", "seconds": seconds, "rows": [
                {k: ({m: round(v, 4) for m, v in r[k].items()} if isinstance(r[k], dict) else r[k]) for k in r}
                for r in rows]}))
            return
        self.stdout.write(f"需求 {len(needs)} 项 × 专利 {len(docs)} 件，按行业主题留出（{rows[0]['lto']['topics']} 个主题），"
                          f"耗时 {seconds} 秒")
        self.stdout.write(protocol.markdown_table(rows))

    def import_files(self, patents: str, demands: str) -> tuple[dict, dict]:
        """Import both files; returns {pk: file id} of the patents and of the demands."""
        if not Region.objects.filter(code=EVAL_REGION).exists():
            call_command("load_regions", verbosity=0, stdout=self.stderr)
        supplier = Organisation.objects.create(kind=OrganisationKind.SUPPLIER, name="评估用供给方", region_id=EVAL_REGION)
        enterprise = Organisation.objects.create(kind=OrganisationKind.ENTERPRISE, name="评估用企业",
                                                 region_id=EVAL_REGION)
        supplier_user = User.objects.create(username="evaluate-supplier", organisation=supplier)
        enterprise_user = User.objects.create(username="evaluate-enterprise", organisation=enterprise)
        for service, owner, actor, path, label in (
                (supply_import, {"supplier": supplier}, supplier_user, patents, "专利"),
                (demand_import, {"enterprise": enterprise}, enterprise_user, demands, "需求")):
            with open(path, "rb") as handle:
                report = service(**owner, actor=actor, upload=File(handle, name=Path(path).name),
                                 queue_matching=False)
            if not report.ok:
                details = "\n".join(str(e) for e in report.errors[:20])
                raise CommandError(f"{label}文件未能导入：{report.summary()} {report.file_error}\n{details}")
        return (dict(SupplyPatent.objects.filter(supplier=supplier).values_list("pk", "external_id")),
                dict(Demand.objects.filter(enterprise=enterprise).values_list("pk", "reference")))

    def print_table(self, results: dict) -> None:
        engine, bm25 = results["engine"], results["bm25"]
        self.stdout.write(f"需求 {results['demands']} 项 × 专利 {results['patents']} 件，耗时 {results['seconds']} 秒")
        self.stdout.write(f"{'指标':<10}{'本系统引擎':>12}{'BM25 基线':>12}{'差值':>10}")
        for key in METRIC_KEYS:
            diff = engine[key] - bm25[key]
            self.stdout.write(f"{LABELS[key]:<10}{engine[key]:>14.4f}{bm25[key]:>14.4f}{diff:>+12.4f}")


def read_qrels(path: str) -> dict[str, dict[str, int]]:
    judgements: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                judgements.setdefault(row["demand_id"], {})[row["patent_id"]] = int(row["grade"])
            except (KeyError, ValueError) as exc:
                raise CommandError(f"相关性判断文件格式不正确（需要 demand_id, patent_id, grade 列）：{exc}") from exc
    return judgements


def rank_and_score(patent_ids: dict, demand_ids: dict, judgements: dict) -> dict:
    """Rank every demand with the engine and the baseline, from the database rows, and score both."""
    patents = list(patent_docs(SupplyPatent.objects.filter(pk__in=patent_ids)))
    demands = list(demand_docs(Demand.objects.filter(pk__in=demand_ids)))
    depth = len(patents)
    results = {"demands": len(demands), "patents": len(patents)}
    for name, ranker in (("engine", fit_engine(patents, MatchingPolicy.current())), ("bm25", BM25Baseline())):
        if name == "bm25":
            ranker.fit(patents)
        rows = ranker.match(demands, k=depth)
        rankings = {demand_ids[d.id]: [patent_ids[m.patent_id] for m in row] for d, row in zip(demands, rows,
                                                                                               strict=True)}
        results[name] = {key: round(value, 4) for key, value in evaluate(rankings, judgements).items()}
    return results


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)

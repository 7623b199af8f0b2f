"""The evaluation protocol: development figures, leave-topic-out cross-validation and the ablation table.

Leave-topic-out: the demands are grouped by industry topic (their ``industry_field``); each topic in turn is held
out, every setting that is chosen by looking at results is chosen on the other topics' demands only (from the
grid ``GRID``), and the held-out topic's demands are ranked with that choice. The classifier and the
co-occurrence counts are fitted on the patent catalogue alone (no demand, no judgement), as in production, so
they are refitted with the index rather than per fold. Figures are means over the held-out demands, with the
spread (standard deviation) of the per-topic means.
"""

from __future__ import annotations

import csv
import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from .baseline import BM25Baseline
from .config import EngineConfig
from .core import MatchingEngine
from .docs import DemandDoc, PatentDoc
from .metrics import METRIC_KEYS, per_demand, rankings_from

# What each part of the engine needs switched on; "text" alone is the engine's own BM25 (its segmentation,
# stop words and title boost) with every bridge and attribute off.
OFF = {
    "prior_groups": 0, "w_ipc_subclass": 0.0, "w_ipc_group": 0.0, "ipc_title_weight": 0.0,
    "pmi_weight": 0.0, "prf_weight": 0.0, "prf_score_power": 0.0,
    "w_chain": 0.0, "w_chain_related": 0.0, "chain_text_scale": 0.0, "chain_term_discount": 0.0, "w_region_county": 0.0, "w_region_city": 0.0,
    "w_region_province": 0.0, "w_price_fit": 0.0, "w_price_over": 0.0, "w_mode": 0.0,
}
COMPONENTS = {
    "ipc": ("IPC 分类（用户填写与分类器预测，含分类名称用语）",
            ("prior_groups", "w_ipc_subclass", "w_ipc_group", "ipc_title_weight")),
    "cooccurrence": ("专利库共现词（PMI）", ("pmi_weight",)),
    "feedback": ("伪相关反馈（按首轮得分加权）", ("prf_weight", "prf_score_power")),
    "attributes": ("产业链（随文本证据计入）、地域、价格、转化方式",
                   ("w_chain", "w_chain_related", "chain_text_scale", "chain_term_discount", "w_region_county",
                    "w_region_city", "w_region_province", "w_price_fit", "w_price_over", "w_mode")),
}
# Settings of the engine's own text model: on in every row, chosen on the training topics like the others.
TEXT_SETTINGS = ("title_boost",)
# The settings chosen on the training topics of each fold (values tried; the weights file's value is added).
GRID = {
    "title_boost": (1, 2),
    "prior_groups": (0, 3),
    "pmi_weight": (0.0, 0.2),
    "prf_weight": (0.5, 0.8),
    "prf_score_power": (0.0, 4.0),
    "w_chain": (0.3, 0.5),
}
SELECT_BY = ("ndcg@10", "p@5")  # the setting of a fold is the one with the best sum of these on its training topics


def load_split(folder: str | Path) -> tuple[list[PatentDoc], list[DemandDoc], dict]:
    """patents.csv, demands.csv and qrels.csv of a folder in the layout of the evaluation set."""
    folder = Path(folder)
    return load_files(folder / "patents.csv", folder / "demands.csv", folder / "qrels.csv")


def load_files(patents_csv, demands_csv, qrels_csv) -> tuple[list[PatentDoc], list[DemandDoc], dict]:
    """Documents and judgements from the three CSV files of the evaluation set's layout."""
    def rows(path):
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    def money(v):
        return Decimal(v) if v else None

    patents = [PatentDoc(id=r["patent_id"], title=r["title"], abstract=r["abstract"],
                         ipc_codes=tuple(c for c in [r["ipc_main"], *r["ipc_other"].split(";")] if c),
                         industry_chain=r["industry_chain"], price=money(r["price_yuan"]),
                         offer_type=r["offer_type"], legal_status=r["legal_status"]) for r in rows(patents_csv)]
    demands = [DemandDoc(id=r["demand_id"], title=r["title"], description=r["description"],
                         ipc_hint=r["ipc_hint"], industry_field=r["industry_field"], budget=money(r["budget_yuan"]),
                         cooperation_mode=r["cooperation_mode"]) for r in rows(demands_csv)]
    qrels: dict = defaultdict(dict)
    for r in rows(qrels_csv):
        qrels[r["demand_id"]][r["patent_id"]] = int(r["grade"])
    return patents, demands, dict(qrels)


def per_demand_figures(config: EngineConfig, patents, demands, qrels) -> dict:
    """Per-demand metrics of the engine with ``config``."""
    engine = MatchingEngine(config).fit(patents)
    runs = engine.match(demands, k=max(config.candidates, 10))
    return per_demand(rankings_from([d.id for d in demands], runs), qrels)


def bm25_figures(patents, demands, qrels) -> dict:
    runs = BM25Baseline().fit(patents).match(demands, k=len(patents))
    return per_demand(rankings_from([d.id for d in demands], runs), qrels)


def mean(per: Mapping, ids: Sequence) -> dict[str, float]:
    return {k: (sum(per[i][k] for i in ids) / len(ids) if ids else 0.0) for k in METRIC_KEYS}


def variants(base: EngineConfig, parts: Sequence[str], grid: Mapping = GRID) -> list[EngineConfig]:
    """The configurations of a row of the ablation: every part not in ``parts`` off, the grid over the settings
    of the parts that are on (each with the weights file's value as well)."""
    on = {name for part in parts for name in COMPONENTS[part][1]} | set(TEXT_SETTINGS)
    off = {k: v for k, v in OFF.items() if k not in on}
    axes = {k: sorted({*vals, getattr(base, k)}) for k, vals in grid.items() if k in on}
    out = []
    for combo in itertools.product(*axes.values()):
        out.append(base.replace(**off, **dict(zip(axes, combo, strict=True))))
    return out or [base.replace(**off)]


def leave_topic_out(per_config: Sequence[dict], demands: Sequence[DemandDoc]) -> dict:
    """Held-out figures when each topic's setting is chosen on the other topics (``per_config``: the per-demand
    figures of every configuration tried)."""
    topics = defaultdict(list)
    for d in demands:
        topics[d.industry_field or "—"].append(d.id)
    held: dict = {}
    fold_means = []
    for _topic, ids in sorted(topics.items()):
        train = [d.id for d in demands if d.id not in set(ids)]
        best = max(range(len(per_config)), key=lambda i: (_selection(mean(per_config[i], train)), -i))
        for i in ids:
            held[i] = per_config[best][i]
        fold_means.append(mean(per_config[best], ids))
    ids = [d.id for d in demands]
    out = mean(held, ids)
    out.update({f"{k}_sd": statistics.pstdev(m[k] for m in fold_means) for k in METRIC_KEYS})
    out["topics"] = len(topics)
    return out


def _selection(figures: Mapping[str, float]) -> float:
    return sum(figures[k] for k in SELECT_BY)


def ablation(patents, demands, qrels, base: EngineConfig | None = None,
             progress: Callable[[str], None] | None = None, grid: Mapping | None = None) -> list[dict]:
    """Rows: BM25; the engine's text model alone; + each part alone; all parts. Each row gives the development
    figures (the weights file's settings, parts not in the row off) and the leave-topic-out figures."""
    base = base or EngineConfig.load()
    ids = [d.id for d in demands]
    bm25 = bm25_figures(patents, demands, qrels)
    rows = [{"row": "bm25", "label": "BM25 基线", "dev": mean(bm25, ids), "lto": leave_topic_out([bm25], demands)}]
    plans = [("text", "引擎文本模型（分词、停用词、标题加权）", ())]
    plans += [(name, f"+ {label}", (name,)) for name, (label, _) in COMPONENTS.items()]
    plans.append(("all", "全部组成", tuple(COMPONENTS)))
    for name, label, parts in plans:
        if progress:
            progress(name)
        configs = variants(base, parts, GRID if grid is None else grid)
        per_config = [per_demand_figures(c, patents, demands, qrels) for c in configs]
        on = {k for part in parts for k in COMPONENTS[part][1]}
        fixed = base.replace(**{k: v for k, v in OFF.items() if k not in on})
        dev = mean(per_demand_figures(fixed, patents, demands, qrels), ids)
        rows.append({"row": name, "label": label, "dev": dev, "lto": leave_topic_out(per_config, demands),
                     "configs": len(configs)})
    return rows


def markdown_table(rows: Sequence[dict]) -> str:
    """The ablation as a Markdown table: development figures, then leave-topic-out mean ± spread."""
    head = ("| 组成 | 开发集 P@5 | 开发集 nDCG@10 | 开发集 MRR | 留出 P@5 | 留出 nDCG@10 | 留出 MRR |\n"
            "|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        dev, lto = r["dev"], r["lto"]
        lines.append(
            f"| {r['label']} | {dev['p@5']:.3f} | {dev['ndcg@10']:.3f} | {dev['mrr']:.3f} | "
            f"{lto['p@5']:.3f} ± {lto['p@5_sd']:.3f} | {lto['ndcg@10']:.3f} ± {lto['ndcg@10_sd']:.3f} | "
            f"{lto['mrr']:.3f} ± {lto['mrr_sd']:.3f} |"
        )
    return "\n".join(lines)

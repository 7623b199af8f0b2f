#!/usr/bin/env python
"""Speed of the pure evaluator of the 10 admission standards (no database).

    python bench/evaluate.py                    # 20,000 generated applications, both shipped criteria sets
    python bench/evaluate.py --applications 100000

Applications are generated with a fixed seed: 5–20 patents (mixed types, some pending, lapsed or licensed in),
1–3 products, 0–2 qualifications, 0–2 trademarks, cooperations, figures around every threshold, some list hits.
Timed phases (wall clock and this process's CPU time; the CPU figure is the one to read on a busy machine):
* ``evaluate`` — ``evaluate(facts, rules, on=…, reference=…)`` on already-parsed facts;
* ``pipeline`` — what a batch scorer does per stored application: ``ApplicationFacts.from_dict`` + ``evaluate`` +
  ``EvaluationResult.to_dict``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from stdnum.cn import uscc as stdnum_uscc  # noqa: E402

from criteria.evaluation import evaluate  # noqa: E402
from criteria.facts import ApplicationFacts  # noqa: E402
from criteria.services.shipped import CRITERIA_SET_DIR, reference_from_files, rules_from_file  # noqa: E402

ON = date(2025, 6, 1)
REGIONS = {"420202": "湖北省黄石市黄石港区", "420203": "湖北省黄石市西塞山区", "420281": "湖北省黄石市大冶市",
           "420102": "湖北省武汉市江岸区", "420502": "湖北省宜昌市西陵区"}
INDUSTRIES = ["C3973", "C3511", "C3670", "I6513", "C2761", "C1311", "F5171", "M7320", "L7211", "J6621"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _day(rng: random.Random, centre: date, spread: int) -> str:
    return (centre + timedelta(days=rng.randint(-spread, spread))).isoformat()


def _patent(rng: random.Random, n: int) -> dict:
    licensed = rng.random() < 0.15
    return {"application_no": f"20{rng.randint(10, 24)}1{n:07d}.{rng.randint(0, 9)}",
            "patent_type": rng.choices(["invention", "utility_model", "design"], [5, 4, 1])[0],
            "granted": rng.random() < 0.9, "valid": rng.random() < 0.93,
            "ownership": "licensed_in" if licensed else "owned",
            "licence_kind": rng.choice(["exclusive", "sole", "ordinary"]) if licensed else "",
            "licence_to": _day(rng, ON, 400) if licensed else None, "used_in_product": rng.random() < 0.62}


def application(rng: random.Random, n: int) -> dict:
    region = rng.choice(list(REGIONS))
    body = f"91{region}{''.join(rng.choice(ALPHABET) for _ in range(9))}"
    uscc = body + (stdnum_uscc.calc_check_digit(body) if rng.random() < 0.98 else "0")
    patents = [_patent(rng, n * 32 + i) for i in range(rng.randint(5, 20))]
    products = [{"name": f"产品{j}", "core_patents": [p["application_no"] for p in rng.sample(patents, 2)],
                 "filing_no": f"BA{n}{j}" if rng.random() < 0.6 else "", "patent_intensive": rng.random() < 0.5}
                for j in range(rng.randint(1, 3))]
    revenue = rng.randint(5_000_000, 500_000_000)
    total = rng.randint(20, 1200)
    return {
        "identity": {"uscc": uscc, "region_code": region, "legal_form": rng.choice(["company"] * 9 + ["other"]),
                     "industry_code": rng.choice(INDUSTRIES), "employees": total, "revenue": str(revenue),
                     "total_assets": str(rng.randint(10_000_000, 900_000_000))},
        "qualifications": [{"type": rng.choice(["high_tech", "specialised_sme", "ip_advantage", "other"]),
                            "level": rng.choice(["national", "provincial", "city"]),
                            "valid_to": _day(rng, ON, 700)} for _ in range(rng.randint(0, 2))],
        "patents": patents, "products": products,
        "trademarks": [{"registration_no": str(rng.randint(10**7, 10**8)), "owned": rng.random() < 0.9,
                        "used_on_products": True, "registered_on": "2018-06-01"} for _ in range(rng.randint(0, 2))],
        "rnd": {"rnd_expense": str(int(revenue * rng.uniform(0.03, 0.2))), "rnd_staff": int(total * rng.uniform(0.05, 0.4)),
                "total_staff": total, "leader_name": "张工" if rng.random() < 0.95 else "",
                "cooperations": [{"partner": "高校", "partner_type": rng.choice(["university", "enterprise"]),
                                  "valid_to": _day(rng, ON, 500), "agreement_attached": True}]},
        "ip_management": {"system": True, "organisation": True, "personnel": rng.random() < 0.85, "safeguard": True,
                          "evidence": "制度文件", "gbt29490_certified": rng.random() < 0.3},
        "integrity": {"declared": rng.random() < 0.97},
        "list_hits": [{"list_type": "serious_dishonesty", "reason": "失信"}] if rng.random() < 0.01 else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(2024)
    dicts = [application(rng, n) for n in range(args.applications)]
    parsed = [ApplicationFacts.from_dict(d) for d in dicts]
    reference = reference_from_files(region_names=REGIONS)
    figures = {"applications": args.applications}
    for variant in ("national", "huangshi"):
        rules = rules_from_file(CRITERIA_SET_DIR / f"{variant}-2024.json")
        started, cpu = time.perf_counter(), time.process_time()
        verdicts = [evaluate(f, rules, on=ON, reference=reference).verdict for f in parsed]
        evaluate_s, evaluate_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        for data in dicts:
            evaluate(ApplicationFacts.from_dict(data), rules, on=ON, reference=reference).to_dict()
        pipeline_s, pipeline_cpu = time.perf_counter() - started, time.process_time() - cpu
        spread = {v: verdicts.count(v) for v in ("eligible", "conditional", "ineligible")}
        print(f"{variant}: evaluate {evaluate_s:.2f} s wall, {evaluate_cpu:.2f} s CPU = "
              f"{args.applications / evaluate_s:,.0f}/s ({evaluate_cpu / args.applications * 1e6:.1f} µs CPU each); "
              f"from_dict+evaluate+to_dict {pipeline_s:.2f} s wall, {pipeline_cpu:.2f} s CPU = "
              f"{args.applications / pipeline_s:,.0f}/s ({pipeline_cpu / args.applications * 1e6:.1f} µs CPU each); "
              f"verdicts {spread}")
        figures[f"{variant}_evaluations_per_second"] = round(args.applications / evaluate_s)
        figures[f"{variant}_evaluate_cpu_us"] = round(evaluate_cpu / args.applications * 1e6, 1)
        figures[f"{variant}_pipeline_per_second"] = round(args.applications / pipeline_s)
        figures[f"{variant}_pipeline_cpu_us"] = round(pipeline_cpu / args.applications * 1e6, 1)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

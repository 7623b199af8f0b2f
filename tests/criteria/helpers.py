"""Building facts and evaluating them without a database: the shipped criteria sets and reference tables."""

import copy
from datetime import date

from criteria.evaluation import evaluate
from criteria.examples import EXAMPLE_FACTS
from criteria.facts import ApplicationFacts, ListHit
from criteria.services.shipped import CRITERIA_SET_DIR, reference_from_files, rules_from_file
from tests.factories import make_uscc

ON = date(2025, 6, 1)
REGION_NAMES = {"420000": "湖北省", "420200": "湖北省黄石市", "420202": "湖北省黄石市黄石港区",
                "420281": "湖北省黄石市大冶市", "420102": "湖北省武汉市江岸区", "110105": "北京市朝阳区",
                "650102": "新疆维吾尔自治区乌鲁木齐市天山区", "810000": "香港特别行政区",
                "710000": "台湾省", "820000": "澳门特别行政区"}
REFERENCE = reference_from_files(region_names=REGION_NAMES)
RULES = {name: rules_from_file(CRITERIA_SET_DIR / f"{name}-2024.json") for name in ("national", "huangshi")}
VARIANTS = ("national", "huangshi")


def facts(**sections) -> dict:
    """The example facts with whole sections replaced or, for dict sections, fields updated."""
    data = copy.deepcopy(EXAMPLE_FACTS)
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(name), dict):
            data[name].update(value)
        else:
            data[name] = value
    return data


def run(data: dict, variant: str = "national", *, on: date = ON, hits=(), rules=None, reference=None):
    parsed = ApplicationFacts.from_dict(data)
    parsed.list_hits = [ListHit(**hit) for hit in hits]
    return evaluate(parsed, rules or RULES[variant], on=on, reference=reference or REFERENCE)


def criterion(result, number: int):
    return result.results[number - 1]


def outcome(data: dict, number: int, variant: str = "national", **kwargs) -> str:
    return criterion(run(data, variant, **kwargs), number).outcome


def patent(number: str, **fields) -> dict:
    base = {"application_no": number, "patent_type": "invention", "granted": True, "valid": True,
            "ownership": "owned", "used_in_product": True}
    return {**base, **fields}


def patents(used: int, unused: int) -> list[dict]:
    """``used`` + ``unused`` valid owned invention patents with distinct numbers."""
    return [patent(f"2019{n:08d}.0", used_in_product=n < used) for n in range(used + unused)]


__all__ = ["ON", "REFERENCE", "RULES", "VARIANTS", "facts", "run", "criterion", "outcome", "patent", "patents",
           "make_uscc"]

"""Evidence reads in Chinese: every key an evaluator writes has a label, and no value is a code or a Python repr."""

import re

import pytest

from criteria.evidence import EVIDENCE, evidence_rows

from .helpers import VARIANTS, facts, run

RAW = re.compile(r"[\[\]{}]|True|False|None|'|\b[a-z]+_[a-z_]+\b")


def _variety():
    """Facts that send each evaluator down different branches (empty, complete, odd)."""
    yield facts()
    yield {"identity": {}, "patents": [], "products": [], "integrity": {}}
    yield facts(ip_management={"system": False, "gbt29490_certified": True},
                list_hits=[{"list_type": "serious_dishonesty", "reason": "失信", "listed_on": "2024-01-02"}])
    yield facts(identity={"legal_form": "partnership", "industry_code": "Z9999", "employees": None})


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_evidence_key_has_a_chinese_label_and_no_raw_value(variant):
    for data in _variety():
        for result in run(data, variant).results:
            missing = set(result.evidence) - set(EVIDENCE)
            assert not missing, f"criterion {result.number}: evidence keys without a label: {missing}"
            for label, text in evidence_rows(result.evidence):
                assert not RAW.search(label + text), f"criterion {result.number}: {label}：{text}"


def test_codes_read_as_labels():
    rows = dict(evidence_rows({"legal_form": "company", "partial": False, "lists_checked": ["abnormal_filing"],
                               "missing": ["system", "safeguard"], "threshold": "0.50", "revenue": "86000000.00"}))
    assert rows == {"企业类型": "企业法人（有限责任公司/股份有限公司等）", "仅部分活动属于该产业": "否",
                    "核查的名单": "非正常专利申请通报", "缺少的要素": "制度、保障", "产业化率标准": "50%",
                    "营业收入": "86,000,000.00 元"}

"""The whitelist rules (白名单规则): one pure evaluator per rule, each explaining itself in Chinese.

An enterprise is on the whitelist when every rule passes: it is in the pool in a status the policy admits, no
imported list names its 统一社会信用代码, it has declared enough pledgeable IP (granted, valid patents; registered
trademarks when the policy counts them), it has declared a financing need and it has consented to sharing its
data with banks. The thresholds come from the policy version (``finance.policy.WhitelistRules``); nothing here
reads the database, so a batch of 100,000 enterprises is evaluated from plain rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from criteria.facts import ListKind

from .money import yuan
from .policy import ASSET_KIND_LABELS, MEMBERSHIP_STATUS_LABELS, WhitelistRules

LIST_LABELS = dict(ListKind.CHOICES)
RULES = (
    ("membership", "入库状态"),
    ("integrity", "诚信记录"),
    ("assets", "可质押知识产权"),
    ("need", "融资需求"),
    ("consent", "信息共享授权"),
)
RULE_LABELS = dict(RULES)


@dataclass(frozen=True)
class Hit:
    list_type: str
    reason: str = ""
    listed_on: date | None = None


@dataclass
class CandidateFacts:
    """What the rules read about one enterprise; the caller fills it from plain columns."""

    membership_status: str | None = None
    admitted_on: date | None = None
    list_hits: list[Hit] = field(default_factory=list)
    assets: list[dict] = field(default_factory=list)  # the need's pledgeable IP (see FinancingNeed.pledge_assets)
    need_amount: Decimal | None = None
    need_term_months: int | None = None
    need_purpose: str = ""
    consent_given_at: date | None = None
    consent_version: str = ""
    consent_scope: str = ""  # "全部合作银行" or "3 家选定银行"
    consent_revoked_at: date | None = None


@dataclass(frozen=True)
class RuleOutcome:
    key: str
    passed: bool
    message: str

    @property
    def label(self) -> str:
        return RULE_LABELS[self.key]

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "passed": self.passed, "message": self.message}


def _statuses(codes) -> str:
    return "、".join(MEMBERSHIP_STATUS_LABELS.get(c, c) for c in codes)


def membership(facts: CandidateFacts, rules: WhitelistRules, on: date) -> RuleOutcome:
    allowed = f"本政策认可的状态为：{_statuses(rules.membership_statuses)}"
    if facts.membership_status is None:
        return RuleOutcome("membership", False, f"未入库。{allowed}。")
    label = MEMBERSHIP_STATUS_LABELS.get(facts.membership_status, facts.membership_status)
    since = f"（{facts.admitted_on:%Y-%m-%d} 入库）" if facts.admitted_on else ""
    if facts.membership_status not in rules.membership_statuses:
        return RuleOutcome("membership", False, f"当前为“{label}”{since}，不在认可状态内。{allowed}。")
    return RuleOutcome("membership", True, f"当前为“{label}”{since}，符合要求。")


def integrity(facts: CandidateFacts, rules: WhitelistRules, on: date) -> RuleOutcome:
    checked = "、".join(LIST_LABELS.get(t, t) for t in rules.list_types)
    hits = [h for h in facts.list_hits if h.list_type in rules.list_types]
    if not hits:
        return RuleOutcome("integrity", True, f"未列入{checked}。")
    parts = []
    for hit in hits:
        detail = "，".join(p for p in (f"{hit.listed_on:%Y-%m-%d} 列入" if hit.listed_on else "",
                                      f"事由：{hit.reason}" if hit.reason else "") if p)
        parts.append(LIST_LABELS.get(hit.list_type, hit.list_type) + (f"（{detail}）" if detail else ""))
    return RuleOutcome("integrity", False, f"列入{'；'.join(parts)}。")


def _asset_counts(asset: dict, rules: WhitelistRules, on: date) -> tuple[bool, str]:
    """Whether one declared asset counts, and why not when it does not."""
    kind = asset.get("kind")
    if kind not in rules.asset_kinds:
        return False, f"本政策不认可{ASSET_KIND_LABELS.get(kind, kind)}"
    if kind == "patent":
        if not asset.get("granted"):
            return False, "尚未授权"
        if not asset.get("valid"):
            return False, "已失效"
        return True, ""
    # A trademark's number is given when it is applied for and kept when it is registered: only the registration
    # date makes it a registered mark, which alone may be pledged. (Declarations made before the date was carried
    # have no such key; the application's check of criterion 8 held for them.)
    if "registered_on" in asset and not (asset["registered_on"] and asset["registered_on"] <= on.isoformat()):
        return False, "尚未核准注册"
    valid_to = asset.get("valid_to") or ""
    if valid_to and valid_to < on.isoformat():
        return False, f"注册有效期已于 {valid_to} 届满"
    return True, ""


def assets(facts: CandidateFacts, rules: WhitelistRules, on: date) -> RuleOutcome:
    wanted = "或".join(("已授权且有效的专利" if k == "patent" else "有效的注册商标") for k in rules.asset_kinds)
    counted, refused = [], []
    for asset in facts.assets:
        ok, why = _asset_counts(asset, rules, on)
        name = f"{ASSET_KIND_LABELS.get(asset.get('kind'), '')}{asset.get('number', '')}"
        (counted if ok else refused).append(name if ok else f"{name}（{why}）")
    need = f"至少 {rules.min_assets} 件{wanted}"
    if len(counted) >= rules.min_assets:
        return RuleOutcome("assets", True, f"可质押 {len(counted)} 件：{'、'.join(counted)}（要求{need}）。")
    if not facts.assets:
        return RuleOutcome("assets", False, f"未申报可质押的知识产权（要求{need}）。")
    tail = f"；不计入：{'、'.join(refused)}" if refused else ""
    return RuleOutcome("assets", False, f"符合条件的仅 {len(counted)} 件，要求{need}{tail}。")


def need(facts: CandidateFacts, rules: WhitelistRules, on: date) -> RuleOutcome:
    if facts.need_amount is None:
        return RuleOutcome("need", False, "未申报融资需求。")
    parts = [yuan(facts.need_amount)]
    if facts.need_term_months:
        parts.append(f"期限 {facts.need_term_months} 个月")
    if facts.need_purpose:
        parts.append(f"用途：{facts.need_purpose[:40]}")
    return RuleOutcome("need", True, f"已申报融资需求（{'，'.join(parts)}）。")


def consent(facts: CandidateFacts, rules: WhitelistRules, on: date) -> RuleOutcome:
    if facts.consent_given_at is None:
        if facts.consent_revoked_at is not None:
            return RuleOutcome("consent", False,
                               f"已于 {facts.consent_revoked_at:%Y-%m-%d} 撤回向银行提供信息的授权。")
        return RuleOutcome("consent", False, "未授权向银行提供企业信息。")
    return RuleOutcome("consent", True, f"已于 {facts.consent_given_at:%Y-%m-%d} 授权向{facts.consent_scope}提供信息"
                                        f"（授权书版本 {facts.consent_version}）。")


EVALUATORS = (membership, integrity, assets, need, consent)


def evaluate(facts: CandidateFacts, rules: WhitelistRules, *, on: date) -> list[RuleOutcome]:
    """Every rule's outcome, in the order of ``RULES``."""
    return [evaluator(facts, rules, on) for evaluator in EVALUATORS]


def eligible(outcomes: list[RuleOutcome]) -> bool:
    return all(o.passed for o in outcomes)


def summary(outcomes: list[RuleOutcome]) -> str:
    """One line: 符合 or the labels of the rules that failed."""
    failed = [o.label for o in outcomes if not o.passed]
    return "符合全部条件" if not failed else f"不符合：{'、'.join(failed)}"

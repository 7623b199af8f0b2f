"""Choices of the matching app, and the follow-up workflow of a match as data."""

from django.db import models


class PatentType(models.TextChoices):
    INVENTION = "invention", "发明"
    UTILITY_MODEL = "utility_model", "实用新型"
    DESIGN = "design", "外观设计"


class HolderType(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    SOE = "soe", "国有企业"
    ENTERPRISE = "enterprise", "企业"


class LegalStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXAMINING = "examining", "实质审查中"
    LAPSED = "lapsed", "失效"


class OfferType(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    OPEN_LICENCE = "open_licence", "开放许可"
    SHARES = "shares", "作价入股"


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    JOINT_DEVELOPMENT = "joint_development", "合作开发"
    SHARES = "shares", "作价入股"
    ANY = "any", "不限"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", "系统推荐"
    CONTACTED = "contacted", "已联系"
    NEGOTIATING = "negotiating", "洽谈中"
    DEAL = "deal", "已成交"
    DROPPED = "dropped", "已放弃"


class DealMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    SHARES = "shares", "作价入股"


class RunKind(models.TextChoices):
    FULL = "full", "全量匹配"
    DEMAND = "demand", "新需求增量匹配"
    PATENT = "patent", "新专利增量匹配"


class RunStatus(models.TextChoices):
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


# The follow-up workflow: from each status, the statuses a match may move to, who may move it there and the
# button text. The deal status is reached only through the deal form (it records the contract), so it carries
# its own flag; the same table guards the services and lists the buttons a user sees.
FOLLOW_UP_ROLES = frozenset({"enterprise", "supplier", "county", "city"})
TRANSITIONS: dict[str, dict[str, dict]] = {
    MatchStatus.SUGGESTED: {
        MatchStatus.CONTACTED: {"label": "标记已联系", "roles": FOLLOW_UP_ROLES},
        MatchStatus.DROPPED: {"label": "放弃", "roles": FOLLOW_UP_ROLES},
    },
    MatchStatus.CONTACTED: {
        MatchStatus.NEGOTIATING: {"label": "进入洽谈", "roles": FOLLOW_UP_ROLES},
        MatchStatus.DROPPED: {"label": "放弃", "roles": FOLLOW_UP_ROLES},
    },
    MatchStatus.NEGOTIATING: {
        MatchStatus.DEAL: {"label": "登记成交", "roles": FOLLOW_UP_ROLES, "needs_deal": True},
        MatchStatus.DROPPED: {"label": "放弃", "roles": FOLLOW_UP_ROLES},
    },
    MatchStatus.DEAL: {},
    MatchStatus.DROPPED: {},
}

# An offer type maps to the deal mode it normally ends in (the deal form's default).
DEAL_MODE_FOR_OFFER = {
    OfferType.TRANSFER: DealMode.TRANSFER,
    OfferType.LICENCE: DealMode.LICENCE,
    OfferType.OPEN_LICENCE: DealMode.LICENCE,
    OfferType.SHARES: DealMode.SHARES,
}

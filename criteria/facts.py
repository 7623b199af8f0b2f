"""The facts of one application, as the evaluators read them.

This is the contract between the application form (``pool``), the pre-check API and the evaluators: an
application's sections are stored as one JSON document of exactly this shape (``ApplicationFacts.to_dict``),
and ``ApplicationFacts.from_dict`` reads it back, tolerating anything missing or malformed (a missing value
becomes ``None`` / empty, never an exception) so a half-filled draft can always be pre-checked.

Dates are ISO strings in JSON, money is a decimal string in yuan, flags are booleans.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from portal.numbers import bounded_decimal


class LegalForm:
    """法人类型 (the legal form of the registered entity)."""

    COMPANY = "company"  # 企业法人（有限责任公司、股份有限公司等）
    PARTNERSHIP = "partnership"  # 合伙企业 — not a legal person
    SOLE = "sole_proprietorship"  # 个人独资企业 — not a legal person
    INDIVIDUAL = "individual"  # 个体工商户 — not a legal person
    BRANCH = "branch"  # 分公司 — not independent
    OTHER = "other"
    CHOICES = [
        (COMPANY, "企业法人（有限责任公司/股份有限公司等）"),
        (PARTNERSHIP, "合伙企业"),
        (SOLE, "个人独资企业"),
        (INDIVIDUAL, "个体工商户"),
        (BRANCH, "分公司（非独立法人）"),
        (OTHER, "其他"),
    ]
    LEGAL_PERSONS = {COMPANY}


class PatentType:
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"
    CHOICES = [(INVENTION, "发明"), (UTILITY_MODEL, "实用新型"), (DESIGN, "外观设计")]


class Ownership:
    OWNED = "owned"
    LICENSED_IN = "licensed_in"
    CHOICES = [(OWNED, "自有"), (LICENSED_IN, "许可使用")]


class LicenceKind:
    EXCLUSIVE = "exclusive"
    SOLE = "sole"
    ORDINARY = "ordinary"
    CHOICES = [(EXCLUSIVE, "独占许可"), (SOLE, "排他许可"), (ORDINARY, "普通许可")]


class PartnerType:
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    ENTERPRISE = "enterprise"
    OTHER = "other"
    CHOICES = [(UNIVERSITY, "高校"), (INSTITUTE, "科研院所"), (ENTERPRISE, "企业"), (OTHER, "其他")]


class QualificationLevel:
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    CHOICES = [(NATIONAL, "国家级"), (PROVINCIAL, "省级"), (CITY, "市级")]


class QualificationType:
    """The qualification types criterion 2 knows; anything else is kept but does not count."""

    SPECIALISED = "specialised_sme"  # 专精特新中小企业
    LITTLE_GIANT = "little_giant"  # 专精特新"小巨人"
    HIGH_TECH = "high_tech"  # 高新技术企业
    IP_ADVANTAGE = "ip_advantage"  # 知识产权优势企业
    IP_DEMONSTRATION = "ip_demonstration"  # 知识产权示范企业
    IP_PILOT = "ip_pilot"  # 工业企业知识产权运用试点单位
    OTHER = "other"
    CHOICES = [
        (SPECIALISED, "专精特新中小企业"),
        (LITTLE_GIANT, "专精特新“小巨人”企业"),
        (HIGH_TECH, "高新技术企业"),
        (IP_ADVANTAGE, "知识产权优势企业"),
        (IP_DEMONSTRATION, "知识产权示范企业"),
        (IP_PILOT, "工业企业知识产权运用试点单位"),
        (OTHER, "其他"),
    ]


class ListKind:
    """The imported lists a 统一社会信用代码 is checked against (criterion 10)."""

    SERIOUS_DISHONESTY = "serious_dishonesty"
    ABNORMAL_FILING = "abnormal_filing"
    MAJOR_ACCIDENT = "major_accident"
    CHOICES = [
        (SERIOUS_DISHONESTY, "严重失信主体名单"),
        (ABNORMAL_FILING, "非正常专利申请通报"),
        (MAJOR_ACCIDENT, "重大事故记录"),
    ]


# --- tolerant parsing -----------------------------------------------------------------------------------

def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _decimal(value: Any) -> Decimal | None:
    # Bounded at parsing (``portal.numbers``): 10^20 and beyond is no company's figure, and refusing it here keeps
    # int() and every comparison cheap (1e1000000 would otherwise cost seconds wherever it became an integer).
    return bounded_decimal(value, exponent=True)


def _int(value: Any) -> int | None:
    number = _decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes", "是", "y"}:
            return True
        if lowered in {"false", "0", "no", "否", "n"}:
            return False
    if isinstance(value, int):
        return bool(value)
    return None


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


PARSERS = {"date": _date, "decimal": _decimal, "int": _int, "bool": _bool, "str": _str}


@cache
def _plan(cls) -> tuple[tuple[str, str, Any], ...]:
    """(name, kind, item class) per field of ``cls``; computed once, as batch scoring parses many facts."""
    return tuple((f.name, f.metadata.get("kind", "str"), f.metadata.get("item")) for f in fields(cls))


def _parse(cls, data: Any):
    """Build dataclass ``cls`` from a dict, each field parsed by the kind named in its metadata."""
    data = _dict(data)
    values = {}
    for name, kind, item_cls in _plan(cls):
        raw = data.get(name)
        if kind == "list":
            values[name] = [_parse(item_cls, item) for item in _list(raw) if isinstance(item, dict)]
        elif kind == "strlist":
            values[name] = [_str(item) for item in _list(raw) if _str(item)]
        else:
            values[name] = PARSERS[kind](raw)
    return cls(**values)


def _field(kind: str, **extra):
    if kind in ("list", "strlist"):
        return field(default_factory=list, metadata={"kind": kind, **extra})
    return field(default=("" if kind == "str" else None), metadata={"kind": kind, **extra})


def _serialise(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return [_serialise(v) for v in value]
    if isinstance(value, dict):
        return {k: _serialise(v) for k, v in value.items()}
    return value


#: Public names of the tolerant parsers, for other apps that read the same kinds of values.
parse_date = _date
parse_decimal = _decimal


# --- the sections -----------------------------------------------------------------------------------------

@dataclass
class Qualification:
    type: str = _field("str")
    level: str = _field("str")
    certificate_no: str = _field("str")
    valid_from: date | None = _field("date")
    valid_to: date | None = _field("date")


@dataclass
class Patent:
    application_no: str = _field("str")
    title: str = _field("str")
    patent_type: str = _field("str")
    granted: bool | None = _field("bool")
    valid: bool | None = _field("bool")
    ownership: str = _field("str")
    licence_kind: str = _field("str")
    licence_from: date | None = _field("date")
    licence_to: date | None = _field("date")
    used_in_product: bool | None = _field("bool")


@dataclass
class Product:
    name: str = _field("str")
    core_patents: list[str] = _field("strlist")
    filing_no: str = _field("str")
    sales: Decimal | None = _field("decimal")
    profit: Decimal | None = _field("decimal")
    patent_intensive: bool | None = _field("bool")


@dataclass
class Trademark:
    registration_no: str = _field("str")
    name: str = _field("str")
    owned: bool | None = _field("bool")
    used_on_products: bool | None = _field("bool")
    registered_on: date | None = _field("date")
    valid_to: date | None = _field("date")


@dataclass
class Cooperation:
    partner: str = _field("str")
    partner_type: str = _field("str")
    valid_from: date | None = _field("date")
    valid_to: date | None = _field("date")
    agreement_attached: bool | None = _field("bool")


@dataclass
class Identity:
    name: str = _field("str")
    uscc: str = _field("str")
    region_code: str = _field("str")
    legal_form: str = _field("str")
    registration_date: date | None = _field("date")
    industry_code: str = _field("str")
    employees: int | None = _field("int")
    revenue: Decimal | None = _field("decimal")
    total_assets: Decimal | None = _field("decimal")


@dataclass
class RnD:
    rnd_expense: Decimal | None = _field("decimal")
    rnd_staff: int | None = _field("int")
    total_staff: int | None = _field("int")
    leader_name: str = _field("str")
    cooperations: list[Cooperation] = _field("list", item=Cooperation)


@dataclass
class IPManagement:
    system: bool | None = _field("bool")  # 制度
    organisation: bool | None = _field("bool")  # 机构
    personnel: bool | None = _field("bool")  # 人员
    safeguard: bool | None = _field("bool")  # 保障
    evidence: str = _field("str")
    gbt29490_certified: bool | None = _field("bool")
    gbt29490_certificate_no: str = _field("str")


@dataclass
class Integrity:
    declared: bool | None = _field("bool")  # 承诺无非正常专利申请、重大事故、违法违规、严重失信
    note: str = _field("str")


@dataclass
class ListHit:
    """A hit of the enterprise's 统一社会信用代码 on an imported list (filled in by the caller, not typed)."""

    list_type: str = _field("str")
    reason: str = _field("str")
    listed_on: date | None = _field("date")


@dataclass
class ApplicationFacts:
    identity: Identity = field(default_factory=Identity)
    qualifications: list[Qualification] = field(default_factory=list)
    patents: list[Patent] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    trademarks: list[Trademark] = field(default_factory=list)
    rnd: RnD = field(default_factory=RnD)
    ip_management: IPManagement = field(default_factory=IPManagement)
    integrity: Integrity = field(default_factory=Integrity)
    list_hits: list[ListHit] = field(default_factory=list)

    SECTIONS = ("identity", "qualifications", "patents", "products", "trademarks", "rnd", "ip_management",
                "integrity")

    @classmethod
    def from_dict(cls, data: Any) -> ApplicationFacts:
        data = _dict(data)
        return cls(
            identity=_parse(Identity, data.get("identity")),
            qualifications=[_parse(Qualification, q) for q in _list(data.get("qualifications")) if isinstance(q, dict)],
            patents=[_parse(Patent, p) for p in _list(data.get("patents")) if isinstance(p, dict)],
            products=[_parse(Product, p) for p in _list(data.get("products")) if isinstance(p, dict)],
            trademarks=[_parse(Trademark, t) for t in _list(data.get("trademarks")) if isinstance(t, dict)],
            rnd=_parse(RnD, data.get("rnd")),
            ip_management=_parse(IPManagement, data.get("ip_management")),
            integrity=_parse(Integrity, data.get("integrity")),
            list_hits=[_parse(ListHit, h) for h in _list(data.get("list_hits")) if isinstance(h, dict)],
        )

    def to_dict(self) -> dict:
        return _serialise(asdict(self))

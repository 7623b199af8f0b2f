"""The application form as data: its sections, their fields, Chinese labels, kinds and choices.

One description drives the form page, the parsing of what the browser posts, draft and submit validation, the
revision diff and the patent Excel template, so a field is added in one place. Keys are those of
``criteria.facts.ApplicationFacts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from criteria.facts import (
    LegalForm,
    LicenceKind,
    Ownership,
    PartnerType,
    PatentType,
    QualificationLevel,
    QualificationType,
)

BOOL_CHOICES = (("true", "是"), ("false", "否"))


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "str"  # str | text | int | decimal | date | bool | choice | strlist
    required: bool = False
    choices: tuple = ()
    help: str = ""
    check: str = ""  # a named format check of pool.validation (uscc, patent_no, region, industry)
    negative: bool = False  # numbers are non-negative unless this says otherwise (a profit may be a loss)
    registered: bool = False  # taken from the registered organisation, shown but never typed
    shown_when: str = ""  # "field:value": a column the form shows only once a row has that value (e.g. a licence)

    @property
    def choice_labels(self) -> dict:
        return dict(BOOL_CHOICES if self.kind == "bool" else self.choices)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: str
    fields: tuple[FieldSpec, ...]
    repeating: bool = False
    min_rows: int = 0
    row_label: str = ""
    children: tuple[SectionSpec, ...] = field(default=())
    help: str = ""

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


F = FieldSpec

IDENTITY = SectionSpec("identity", "企业基本信息", (
    F("name", "企业名称", required=True, registered=True, help="取自注册信息；如需变更，请联系所在地主管部门"),
    F("uscc", "统一社会信用代码", required=True, check="uscc", registered=True,
      help="取自注册信息；如需变更，请联系所在地主管部门"),
    F("region_code", "注册地", required=True, check="region", help="登记注册的县（市、区）"),
    F("legal_form", "企业类型", "choice", required=True, choices=tuple(LegalForm.CHOICES)),
    F("registration_date", "成立日期", "date", required=True),
    F("industry_code", "主营行业代码（GB/T 4754）", required=True, check="industry", help="如 C3511 或 3511"),
    F("employees", "从业人员（人）", "int", required=True),
    F("revenue", "上年度营业收入（元）", "decimal", required=True),
    F("total_assets", "上年末资产总额（元）", "decimal", required=True),
))

QUALIFICATIONS = SectionSpec("qualifications", "资质认定", (
    F("type", "资质类型", "choice", required=True, choices=tuple(QualificationType.CHOICES)),
    F("level", "级别", "choice", choices=tuple(QualificationLevel.CHOICES)),
    F("certificate_no", "证书编号", required=True),
    F("valid_from", "有效期起", "date", required=True),
    F("valid_to", "有效期止", "date", help="长期有效可不填"),
), repeating=True, row_label="资质")

PATENTS = SectionSpec("patents", "专利清单", (
    F("application_no", "申请号", required=True, check="patent_no", help="如 201719081250.3"),
    F("title", "专利名称", required=True),
    F("patent_type", "专利类型", "choice", required=True, choices=tuple(PatentType.CHOICES)),
    F("granted", "已授权", "bool", required=True),
    F("valid", "有效", "bool", required=True),
    F("ownership", "权属", "choice", required=True, choices=tuple(Ownership.CHOICES)),
    F("licence_kind", "许可类型", "choice", choices=tuple(LicenceKind.CHOICES), shown_when="ownership:licensed_in"),
    F("licence_from", "许可起始日", "date", shown_when="ownership:licensed_in"),
    F("licence_to", "许可截止日", "date", shown_when="ownership:licensed_in"),
    F("used_in_product", "用于在售产品", "bool", required=True),
), repeating=True, min_rows=1, row_label="专利",
    help="专利产业化率 = 用于在售产品的有效专利 ÷ 全部有效专利，由系统根据本清单计算。")

PRODUCTS = SectionSpec("products", "主营产品", (
    F("name", "产品名称", required=True),
    F("core_patents", "核心专利申请号", "strlist", help="多个用逗号分隔，须在专利清单中"),
    F("filing_no", "专利产品备案号"),
    F("sales", "上年度销售额（元）", "decimal"),
    F("profit", "上年度利润（元）", "decimal", negative=True),
    F("patent_intensive", "已认定为专利密集型产品", "bool"),
), repeating=True, min_rows=1, row_label="产品")

TRADEMARKS = SectionSpec("trademarks", "商标品牌", (
    F("registration_no", "注册号", required=True, check="trademark_no",
      help="商标注册证上的注册号；受理通知书上的文号不是注册号"),
    F("name", "商标名称", required=True),
    F("owned", "企业自有", "bool", required=True),
    F("used_on_products", "用于主营产品", "bool", required=True),
    F("registered_on", "注册日期", "date", required=True,
      help="商标注册证上的注册日期；仅提出申请、尚未核准注册的商标不能填报"),
    F("valid_to", "有效期止", "date"),
), repeating=True, row_label="商标")

COOPERATIONS = SectionSpec("cooperations", "产学研合作", (
    F("partner", "合作单位", required=True),
    F("partner_type", "单位类型", "choice", required=True, choices=tuple(PartnerType.CHOICES)),
    F("valid_from", "协议起始日", "date", required=True),
    F("valid_to", "协议截止日", "date"),
    F("agreement_attached", "已上传协议", "bool"),
), repeating=True, row_label="合作")

RND = SectionSpec("rnd", "研发投入与团队", (
    F("rnd_expense", "上年度研发投入（元）", "decimal", required=True),
    F("rnd_staff", "研发人员（人）", "int", required=True),
    F("total_staff", "职工总数（人）", "int", required=True),
    F("leader_name", "科研带头人", required=True),
), children=(COOPERATIONS,))

IP_MANAGEMENT = SectionSpec("ip_management", "知识产权管理体系", (
    F("system", "有知识产权管理制度", "bool", required=True),
    F("organisation", "有知识产权管理机构", "bool", required=True),
    F("personnel", "有专职/兼职知识产权管理人员", "bool", required=True),
    F("safeguard", "有经费等保障措施", "bool", required=True),
    F("evidence", "证明材料说明", "text"),
    F("gbt29490_certified", "通过 GB/T 29490 贯标认证", "bool"),
    F("gbt29490_certificate_no", "贯标认证证书编号"),
))

INTEGRITY = SectionSpec("integrity", "诚信承诺", (
    F("declared", "本企业承诺：无非正常专利申请行为，无重大安全、质量、环境事故，无违法违规及严重失信行为", "bool",
      required=True),
    F("note", "补充说明", "text"),
))

SECTIONS: tuple[SectionSpec, ...] = (IDENTITY, QUALIFICATIONS, PATENTS, PRODUCTS, TRADEMARKS, RND, IP_MANAGEMENT,
                                     INTEGRITY)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
#: The tab after the fact sections; it is not part of ``data``.
ATTACHMENTS_TAB = ("attachments", "附件材料")


def section_label(key: str) -> str:
    if key == ATTACHMENTS_TAB[0]:
        return ATTACHMENTS_TAB[1]
    spec = SECTION_BY_KEY.get(key)
    return spec.label if spec else key


def empty_data() -> dict:
    """A new draft: every section present, scalars blank, lists empty."""
    data: dict = {}
    for spec in SECTIONS:
        data[spec.key] = [] if spec.repeating else _empty_scalars(spec)
    return data


def _empty_scalars(spec: SectionSpec) -> dict:
    values: dict = {f.name: None if f.kind == "bool" else "" for f in spec.fields}
    for child in spec.children:
        values[child.key] = []
    return values

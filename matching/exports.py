"""Excel exports of matching: the supply list (供给技术清单) and the conversion list (专利转化清单).

Both are rebuilt from the person and the filter they applied, with the same FilterSet and scoping as the page.
"""

from portal.exports import DATE, MONEY, Column, Exporter, filtered, sliced

from .filters import DealFilter, SupplyPatentFilter
from .models import Deal, SupplyPatent


def _price(value):
    return "面议" if value is None else value


class _FilteredExporter(Exporter):
    """The person's scoped rows (``base()``) narrowed by the page's FilterSet."""

    filterset_class = None

    def base(self):
        raise NotImplementedError

    def queryset(self):
        return filtered(self.filterset_class, self.params, self.base(), self.user)

    def window(self, offset, stop):
        return sliced(self.queryset(), offset, stop)

    def count(self) -> int:
        return self.queryset().count()


class SupplyListExporter(_FilteredExporter):
    title = "供给技术清单"
    filename = "supply-list"
    columns = [
        Column("申请号", lambda p: p.application_no, 17),
        Column("专利名称", lambda p: p.title, 36),
        Column("专利类型", lambda p: p.get_patent_type_display(), 10),
        Column("主分类号", lambda p: p.ipc_main, 13),
        Column("其他分类号", lambda p: p.ipc_other, 18),
        Column("专利权人", lambda p: p.holder_name, 24),
        Column("权利人类型", lambda p: p.get_holder_type_display(), 10),
        Column("法律状态", lambda p: p.get_legal_status_display(), 11),
        Column("转化方式", lambda p: p.get_offer_type_display(), 10),
        Column("价格（元）", lambda p: _price(p.price), 14, MONEY),
        Column("开放许可使用费（元）", lambda p: p.open_licence_fee, 14, MONEY),
        Column("支付方式", lambda p: p.payment_terms, 18),
        Column("产业链", lambda p: p.industry_chain, 12),
        Column("沉睡专利", lambda p: p.is_dormant, 9),
        Column("供给方", lambda p: p.supplier.name, 24),
        Column("摘要", lambda p: p.abstract, 60),
    ]

    filterset_class = SupplyPatentFilter

    def base(self):
        base = SupplyPatent.objects.visible_to(self.user).select_related("supplier").order_by("application_no")
        if self.params.get("mine"):
            base = base.filter(supplier_id=self.user.organisation_id)
        return base


class ConversionListExporter(_FilteredExporter):
    title = "专利转化清单"
    filename = "conversion-list"
    columns = [
        Column("签约日期", lambda d: d.signed_on, 12, DATE),
        Column("需求企业", lambda d: d.match.demand.enterprise.name, 28),
        Column("统一社会信用代码", lambda d: d.match.demand.enterprise.uscc or "", 21),
        Column("企业所在地", lambda d: d.match.demand.region.name, 12),
        Column("技术需求", lambda d: d.match.demand.title, 28),
        Column("专利申请号", lambda d: d.match.patent.application_no, 17),
        Column("专利名称", lambda d: d.match.patent.title, 36),
        Column("专利权人", lambda d: d.match.patent.holder_name, 24),
        Column("权利人类型", lambda d: d.match.patent.get_holder_type_display(), 10),
        Column("供给方", lambda d: d.match.patent.supplier.name, 24),
        Column("转化方式", lambda d: d.get_mode_display(), 10),
        Column("合同金额（元）", lambda d: d.contract_amount, 16, MONEY),
        Column("已到账金额（元）", lambda d: d.amount_received, 16, MONEY),
        Column("备注", lambda d: d.note, 24),
    ]

    filterset_class = DealFilter

    def base(self):
        return Deal.objects.visible_to(self.user).with_parties().order_by("signed_on", "pk")

"""The supply catalogue: public list and detail, a supplier's own patents, its form and its import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.http import csv_template_response
from portal.scoping import get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView

from ..exports import SupplyListExporter
from ..filters import SupplyPatentFilter
from ..forms import ImportForm, SupplyPatentForm
from ..models import Match, MatchingPolicy, SupplyPatent
from ..services.imports import SUPPLY_COLUMNS, supply_import
from ..services.supply import supply_patent_create, supply_patent_set_listed, supply_patent_update
from .common import form_data, show_service_errors


class CatalogueView(FilteredListView):
    """专利供给库: every signed-in person may search the offered patents."""

    model = SupplyPatent
    filterset_class = SupplyPatentFilter
    template_name = "matching/patent_list.html"
    paginate_by = 30
    mine = False

    def base_queryset(self):
        return super().base_queryset().filter(is_listed=True).select_related("supplier")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "mine": self.mine,
                "dormant_rule": MatchingPolicy.current().dormant_rule_text()}


class MyPatentsView(CatalogueView):
    roles = ("supplier", "admin")
    mine = True

    def base_queryset(self):
        return SupplyPatent.objects.owned_by(self.request.user).select_related("supplier")


@login_required
def patent_detail(request, pk):
    patent = get_visible_or_404(SupplyPatent.objects.select_related("supplier", "region"), request.user, pk=pk)
    owner = SupplyPatent.objects.owned_by(request.user).filter(pk=pk).exists()
    matches = []
    if owner or request.user.role in ("county", "city", "province"):
        matches = (Match.objects.visible_to(request.user).filter(patent=patent)
                   .select_related("demand__enterprise", "demand__region").order_by("patent_rank", "-score")[:40])
    return render(request, "matching/patent_detail.html", {"patent": patent, "owner": owner, "matches": matches})


@login_required
@require_http_methods(["GET", "POST"])
def patent_edit(request, pk=None):
    if request.user.role not in ("supplier", "admin"):
        raise Http404("页面不存在")
    patent = get_visible_or_404(SupplyPatent.objects.owned_by(request.user), request.user, pk=pk) if pk else None
    form = SupplyPatentForm(request.POST or None, instance=patent)
    if request.method == "POST" and form.is_valid():
        try:
            if patent is None:
                patent = supply_patent_create(supplier=request.user.organisation, actor=request.user,
                                              **form_data(form))
                messages.success(request, "专利已登记到供给库，系统正在为其匹配技术需求。")
            else:
                supply_patent_update(patent=patent, actor=request.user, **form_data(form, ("application_no",)))
                messages.success(request, "专利信息已保存。")
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("matching:patent-detail", pk=patent.pk)
    return render(request, "matching/patent_form.html", {"form": form, "patent": patent})


@login_required
@require_POST
def patent_toggle_listed(request, pk):
    patent = get_visible_or_404(SupplyPatent.objects.owned_by(request.user), request.user, pk=pk)
    supply_patent_set_listed(patent=patent, actor=request.user, listed=not patent.is_listed)
    messages.success(request, "已重新上架。" if patent.is_listed is False else "已从供给库下架。")
    return redirect("matching:patent-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def patent_import(request):
    if request.user.role != "supplier":
        raise Http404("页面不存在")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = supply_import(supplier=request.user.organisation, actor=request.user,
                               upload=form.cleaned_data["file"])
        (messages.success if report.ok else messages.error)(request, report.summary())
    return render(request, "matching/import.html", {
        "form": form, "report": report, "columns": SUPPLY_COLUMNS, "title": "批量导入专利",
        "template_url": "matching:patent-import-template", "update_key": "申请号", "back_url": "matching:my-patents"})


@login_required
def patent_import_template(request):
    return csv_template_response((c.key for c in SUPPLY_COLUMNS), "supply-import-template.csv")


@login_required
def supply_export(request):
    """供给技术清单 of what the person is looking at (the catalogue filter, or only their own patents)."""
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return export_response(SupplyListExporter(user=request.user, params=params))

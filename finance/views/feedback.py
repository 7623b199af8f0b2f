"""The banks' feedback as lists (a bank its own; a bureau every bank's of its region), the feedback sheet
(template and all-or-nothing import) and the two-way lookup."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..feedback_excel import template_workbook
from ..filters import CaseFilter, LoanFilter, LookupFilter
from ..forms import UploadForm
from ..models import BankCase, Loan, Lookup
from ..services.feedback_import import feedback_import
from ..services.lookups import lookup_run, used_today
from ..services.policies import NoPolicy, rules_for
from .common import BANK, FEEDBACK_READERS, REFUSALS, ip_of, require_role, show_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FEEDBACK_IMPORT_REPORT = "finance_feedback_import_report"


class CaseListView(FilteredListView):
    """银企对接 — a bank's work on its whitelist enterprises (or, for a bureau, every bank's in its region)."""

    model = BankCase
    filterset_class = CaseFilter
    roles = FEEDBACK_READERS
    template_name = "finance/case_list.html"

    def base_queryset(self):
        return selectors.case_list(user=self.request.user)


class LoanListView(FilteredListView):
    """质押贷款 — the loans and pledge registrations the banks reported."""

    model = Loan
    filterset_class = LoanFilter
    roles = FEEDBACK_READERS
    template_name = "finance/loan_list.html"

    def base_queryset(self):
        return selectors.loan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_report"] = self.request.session.pop(FEEDBACK_IMPORT_REPORT, None)
        context["upload_form"] = UploadForm()
        return context


@login_required
def feedback_template(request):
    require_role(request, BANK)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%93%B6%E8%A1%8C%E5%8F%8D%E9%A6%88%E8%A1%A8.xlsx"
    return response


@login_required
def feedback_import_view(request):
    require_role(request, BANK)
    if request.method != "POST":
        return redirect("finance:loan-list")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的文件。")
        return redirect("finance:loan-list")
    try:
        report = feedback_import(user=request.user, upload=form.cleaned_data["file"])
    except REFUSALS as error:
        messages.error(request, str(error))
        return redirect("finance:loan-list")
    request.session[FEEDBACK_IMPORT_REPORT] = report.as_dict()
    (messages.success if report.ok else messages.error)(request, report.summary())
    return redirect("finance:loan-list")


class LookupListView(FilteredListView):
    """名单核验 — the bank's lookups, newest first, with the upload form and today's count against the cap."""

    model = Lookup
    filterset_class = LookupFilter
    roles = ("bank", "city", "province", "admin")
    template_name = "finance/lookup_list.html"

    def base_queryset(self):
        return selectors.lookup_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.role == "bank":
            context["form"] = kwargs.get("form") or UploadForm()
            context["used_today"] = used_today(user.organisation_id)
            try:
                context["daily_cap"] = rules_for(user.organisation.region_id)[1].lookup
            except NoPolicy:
                context["daily_cap"] = None
        return context

    def post(self, request, *args, **kwargs):
        require_role(request, BANK)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                lookup = lookup_run(user=request.user, upload=form.cleaned_data["file"], ip_address=ip_of(request))
            except REFUSALS as error:
                show_errors(form, error)
            else:
                messages.success(request, f"已核验 {lookup.code_count} 个代码，其中 {lookup.listed_count} 家在向贵行发布的白名单中。")
                return redirect("finance:lookup-detail", pk=lookup.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


@login_required
def lookup_detail(request, pk):
    lookup = get_visible_or_404(Lookup.objects.select_related("bank", "user"), request.user, pk=pk)
    return render(request, "finance/lookup_detail.html", {"lookup": lookup})


@login_required
def lookup_template(request):
    from io import BytesIO

    from openpyxl import Workbook

    require_role(request, BANK)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单核验"
    sheet.append(["统一社会信用代码"])
    sheet.column_dimensions["A"].width = 24
    for row in range(2, 502):
        sheet.cell(row=row, column=1).number_format = "@"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''lookup-template.xlsx"
    return response

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from portal.http import csv_template_response
from portal.views.mixins import FilteredListView

from .filters import CriteriaSetFilter, ListEntryFilter, ListImportFilter
from .forms import ListImportForm
from .models import CriteriaSet, ListEntry, ListImport
from .presentation import describe
from .services.lists import IMPORT_ROLES, ListImportError, can_import_lists, list_import


class CriteriaSetListView(FilteredListView):
    """Every version of every criteria set, with its thresholds and score weights (public policy data)."""

    model = CriteriaSet
    filterset_class = CriteriaSetFilter
    template_name = "criteria/criteriaset_list.html"

    def base_queryset(self):
        return CriteriaSet.objects.order_by("code", "-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sets"] = [(item, describe(item)) for item in context["object_list"]]
        return context


@login_required
def criteria_set_materials(request, pk):
    """申报材料清单 — what to prepare for each criterion of a set, printable (public policy data, like the set)."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    return render(request, "criteria/materials.html",
                  {"criteria_set": criteria_set, "checklist": describe(criteria_set)["checklist"]})


@login_required
def criteria_set_detail(request, pk):
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    return render(request, "criteria/criteriaset_detail.html",
                  {"criteria_set": criteria_set, "described": describe(criteria_set)})


class ListImportListView(FilteredListView):
    """名单导入: the upload form and the import history of the user's scope."""

    model = ListImport
    filterset_class = ListImportFilter
    roles = IMPORT_ROLES
    template_name = "criteria/listimport_list.html"
    paginate_by = 30

    def base_queryset(self):
        return super().base_queryset().select_related("imported_by", "organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ListImportForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ListImportForm(request.POST, request.FILES)
        import_errors = []
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = list_import(file=data["file"], list_type=data["list_type"], user=request.user,
                                     replace=data["replace"], file_name=data["file"].name)
            except ListImportError as exc:
                import_errors = [str(e) for e in exc.errors]
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已导入 {record.rows_imported} 条{record.get_list_type_display()}条目。")
                return redirect("criteria:list-imports")
        self.object_list = self.get_queryset()
        context = self.get_context_data(form=form, import_errors=import_errors)
        return self.render_to_response(context, status=400)


class ListEntryListView(FilteredListView):
    model = ListEntry
    filterset_class = ListEntryFilter
    roles = ("county", "city", "province", "admin")
    template_name = "criteria/listentry_list.html"

    def base_queryset(self):
        return super().base_queryset().select_related("source_import")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_import": can_import_lists(self.request.user)}


@login_required
def list_template(request):
    """The CSV template the upload page offers (UTF-8 with BOM, so Excel shows the Chinese headers)."""
    return csv_template_response(("统一社会信用代码", "企业名称", "列入事由", "列入日期"), "list-template.csv")

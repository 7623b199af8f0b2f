"""Application pages: my applications, the form with autosave and live pre-check, submit, revisions, evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from portal.http import login_required_json
from portal.scoping import get_visible_or_404
from portal.views.mixins import FilteredListView

from .. import selectors
from ..diff import has_changes, revision_diff
from ..filters import ApplicationFilter, OwnApplicationFilter
from ..forms import AttachmentForm, PatentImportForm
from ..models import Application, ApplicationStatus, Batch
from ..presenters import form_sections, read_sections, tabs
from ..services import scoring
from ..services.applications import (
    SubmissionInvalid,
    application_autosave,
    application_open_draft,
    application_submit,
    application_submit_check,
    application_withdraw,
)
from ..services.review.criteria import criterion_states
from ..validation import errors_by_section, field_errors
from ..workflow import TransitionError, available_actions, transition_for

VIEW_ROLES = ("enterprise", "county", "city", "province", "admin")


class ApplicationListView(FilteredListView):
    model = Application
    filterset_class = ApplicationFilter
    roles = VIEW_ROLES
    template_name = "pool/application_list.html"

    def base_queryset(self):
        return selectors.application_list(user=self.request.user)

    def get_queryset(self):
        own = self.request.user.role == "enterprise"
        self.filterset_class = OwnApplicationFilter if own else ApplicationFilter
        return super().get_queryset()


def _own_application(request, pk) -> Application:
    """The enterprise's own application; anyone else gets 404, whatever they may otherwise see."""
    application = get_visible_or_404(Application.objects.select_related("batch__criteria_set", "enterprise"),
                                     request.user, pk=pk)
    if request.user.organisation_id != application.enterprise_id:
        raise Http404("未找到该申报")
    return application


@login_required
@require_POST
def application_start(request, pk):
    batch = get_visible_or_404(Batch.objects, request.user, pk=pk)
    try:
        application, _ = application_open_draft(batch=batch, user=request.user)
    except (ValidationError, TransitionError) as error:
        messages.error(request, _message(error))
        return redirect("pool:batch-list")
    return redirect("pool:application-edit", pk=application.pk)


def _message(error) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)


def _precheck_html(request, result) -> str:
    return render_to_string("pool/_precheck.html", {"precheck": result.to_dict()}, request=request)


def _form_context(request, application, errors: dict) -> dict:
    sections = form_sections(application.data, errors)
    return {
        "application": application, "sections": sections, "tabs": tabs(sections), "errors": errors,
        "precheck": scoring.precheck(application).to_dict(),
        # 提交申报 / 重新提交: the enterprise's step out of the status the form is open in.
        "submit_label": transition_for(application.status, ApplicationStatus.SUBMITTED).label,
        "attachments": application.attachments.filter(removed_at__isnull=True).select_related("uploaded_by"),
        "attachment_form": AttachmentForm(), "import_form": PatentImportForm(),
        "active_tab": request.GET.get("tab", "identity"),
        "import_errors": request.session.pop("patent_import_errors", []),
    }


@login_required
def application_edit(request, pk):
    application = _own_application(request, pk)
    if not application.is_editable:
        return redirect("pool:application-detail", pk=pk)
    if request.method == "POST":  # the form without JavaScript: save every section at once
        try:
            result = application_autosave(application=application, user=request.user, post=request.POST)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("pool:application-detail", pk=pk)
        messages.success(request, "草稿已保存。" if not result.errors else
                         f"草稿已保存，有 {len(result.errors)} 处需要修改（已在对应位置标出）。")
        return redirect(f"{request.path}?tab={request.POST.get('tab', 'identity')}")
    return render(request, "pool/application_form.html",
                  _form_context(request, application, field_errors(application.data)))


@login_required_json
@require_POST
def application_autosave_view(request, pk):
    application = _own_application(request, pk)
    try:
        result = application_autosave(application=application, user=request.user, post=request.POST)
    except TransitionError as error:
        return JsonResponse({"ok": False, "message": str(error)}, status=409)
    return JsonResponse({
        "ok": True, "saved_at": result.application.autosaved_at.isoformat(), "sections": result.sections,
        "errors": result.errors, "error_counts": errors_by_section(result.errors),
        "verdict": result.precheck.verdict, "score": str(result.precheck.score),
        "precheck_html": _precheck_html(request, result.precheck),
    }, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def application_submit_view(request, pk):
    """Checked first, confirmed second: the person is asked to confirm only a submission that will go through."""
    application = _own_application(request, pk)
    confirmed = request.POST.get("confirmed") == "1"
    try:
        if not confirmed:
            application_submit_check(application=application, user=request.user)
            return render(request, "pool/submit_confirm.html", {
                "application": application, "precheck": scoring.precheck(application).to_dict(),
                "attachments": application.attachments.filter(removed_at__isnull=True).count(),
                "submit_label": transition_for(application.status, ApplicationStatus.SUBMITTED).label})
        application_submit(application=application, user=request.user)
    except SubmissionInvalid as error:
        messages.error(request, error.messages[0])
        context = _form_context(request, application, error.field_errors)
        context["submit_errors"] = error.field_errors
        first = next(iter(error.field_errors)).split(".", 1)[0]
        context["active_tab"] = first
        return render(request, "pool/application_form.html", context, status=400)
    except (ValidationError, TransitionError) as error:
        messages.error(request, _message(error))
        return redirect("pool:application-edit", pk=pk)
    messages.success(request, "申报已提交，等待县（区）市场监管局审核。")
    return redirect("pool:application-detail", pk=pk)


@login_required
def application_detail(request, pk):
    application = get_visible_or_404(selectors.application_detail_queryset(), request.user, pk=pk)
    revisions = list(application.revisions.order_by("-number").select_related("submitted_by"))
    return render(request, "pool/application_detail.html", {
        "application": application, "revisions": revisions,
        "evaluation": selectors.latest_evaluation(application),
        "transitions": application.transitions.select_related("actor").order_by("-created_at", "-id"),
        "actions": available_actions(request.user, application),
        "is_owner": request.user.organisation_id == application.enterprise_id,
        "draft_visible": application.draft_visible_to(request.user),
    })


@login_required
@require_POST
def application_withdraw_view(request, pk):
    application = _own_application(request, pk)
    try:
        application_withdraw(application=application, user=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已撤回申报，可修改后再次提交。")
    return redirect("pool:application-detail", pk=pk)


@login_required
def revision_detail(request, pk, number):
    application = get_visible_or_404(selectors.application_detail_queryset(), request.user, pk=pk)
    revision = get_object_or_404(application.revisions.select_related("submitted_by"), number=number)
    previous = application.revisions.filter(number=number - 1).first()
    diff = revision_diff(previous.data, revision.data, previous.attachments, revision.attachments) \
        if previous else None
    return render(request, "pool/revision_detail.html", {
        "application": application, "revision": revision, "previous": previous, "diff": diff,
        "diff_changed": has_changes(diff),
        "sections": read_sections(revision.data),
        "attachments": selectors.revision_attachments(revision),
    })


@login_required
@require_GET
def evaluation_detail(request, pk):
    application = get_visible_or_404(selectors.application_detail_queryset(), request.user, pk=pk)
    evaluation = selectors.latest_evaluation(application)
    live = evaluation is None and application.draft_visible_to(request.user)
    if evaluation is None and not live:
        raise Http404("该申报尚无评分结果")
    results = scoring.precheck(application).to_dict() if live else evaluation.results
    # The reviewers' judgements per criterion, once the county has decided on the revision (not while it weighs it).
    decided = application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
    judged = [s for s in criterion_states(application, evaluation) if s.review is not None] \
        if evaluation is not None and decided else []
    return render(request, "pool/evaluation_detail.html", {
        "application": application, "evaluation": evaluation, "results": results, "live": live, "judged": judged})

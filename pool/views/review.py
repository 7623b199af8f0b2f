"""The reviewer's pages: the queue with batch actions, the review page of one application with its decisions and
criterion overrides, and the application form (申报书) as PDF. Every read is scoped; every change is a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.models import Region
from portal.pdf import pdf_response
from portal.scoping import ScopedRead, get_visible_or_404
from portal.views.exports import export_response
from portal.views.mixins import FilteredListView, FirstPagePaginator

from .. import selectors
from ..diff import has_changes, revision_diff
from ..exports import ReviewQueueExporter
from ..filters import ReviewQueueFilter
from ..models import Application, ApplicationStatus
from ..models.review import OVERRIDE_OUTCOMES
from ..presenters import read_sections
from ..queues import AWAITING, REVIEW_ROLES, review_queue
from ..schema import ATTACHMENTS_TAB, SECTIONS
from ..services.review import (
    ACTION_LABELS,
    criterion_states,
    error_text,
    locked_criterion_review_save,
    locking_queryset,
    review_batch,
    review_transition,
)
from ..workflow import TRANSITIONS, TransitionError, available_actions

BATCH_REPORT = "pool_review_batch_report"
QUEUE_ROW_FIELDS = ("pk", "enterprise_name", "uscc", "region_name", "industry_code", "status", "verdict", "score",
                    "revision_number", "submitted_at", "batch__name")


def ensure_reviewer(request) -> None:
    if request.user.role not in REVIEW_ROLES:
        raise Http404("页面不存在")


def params_of(request) -> dict:
    """The filter the person applied, as plain values (what an export is rebuilt from)."""
    return {key: value for key, value in request.GET.items() if key != "page" and value != ""}


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


class ReviewQueueView(FilteredListView):
    """审核队列 — the submitted applications of the reviewer's region, filtered, sorted and paged by 50."""

    model = Application
    filterset_class = ReviewQueueFilter
    roles = REVIEW_ROLES
    template_name = "pool/review/queue.html"
    paginator_class = FirstPagePaginator

    def get(self, request, *args, **kwargs):
        if not request.GET and request.user.role in AWAITING:  # a bare visit opens on the work waiting
            return redirect(f"{request.path}?status={AWAITING[request.user.role]}")
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return review_queue(user=self.request.user)

    def get_queryset(self):
        # The rows are written from plain values (``queue_rows``): fifty model instances with their batch and
        # region cost more than the rest of the page's Python.
        # The county's name looked up per row: joined, PostgreSQL hashes the whole region table (three thousand
        # rows) for a page of fifty.
        region_name = Subquery(Region.objects.filter(code=OuterRef("region_id")).order_by().values("name")[:1])
        return super().get_queryset().annotate(region_name=region_name).values(*QUEUE_ROW_FIELDS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(report=self.request.session.pop(BATCH_REPORT, None), **batch_actions(self.request.user.role))
        return context


def batch_actions(role: str) -> dict:
    """The batch-action bar's context: the reviewer's steps of ``role`` and the labels of those needing a reason."""
    steps = [t for t in TRANSITIONS if t.role == role and t.target in ACTION_LABELS]
    return {"batch_actions": [(t.target, t.label) for t in steps],
            "batch_reason_labels": [t.label for t in steps if t.comment_required]}


@login_required
@require_POST
def review_batch_view(request):
    """Batch action on the selected rows; the per-row report is shown on the page the person came from."""
    ensure_reviewer(request)
    back = safe_next(request, reverse("pool:review-queue"))
    try:
        outcomes = review_batch(reviewer=request.user, application_ids=request.POST.getlist("ids"),
                                to=request.POST.get("to", ""), comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    done = sum(1 for o in outcomes if o.ok)
    request.session[BATCH_REPORT] = {
        "label": ACTION_LABELS[request.POST["to"]], "done": done, "refused": len(outcomes) - done,
        "rows": [{"pk": o.pk, "name": o.name, "ok": o.ok, "message": o.message} for o in outcomes]}
    return redirect(back)


@login_required
@require_GET
def review_queue_export(request):
    ensure_reviewer(request)
    return export_response(ReviewQueueExporter(user=request.user, params=params_of(request)))


#: The review page's read of its application, compiled once per role (every request of the page makes it).
REVIEW_DETAIL = ScopedRead(selectors.review_detail_queryset)
#: The criterion form's read: scoped and locked at once (the service's own read, of the reviewer's region only).
REVIEW_LOCKED = ScopedRead(locking_queryset)


def reviewed_application(request, pk, read: ScopedRead = REVIEW_DETAIL) -> Application:
    """A submitted application in the reviewer's region; anything else (or anyone else) gets 404."""
    ensure_reviewer(request)
    application = read.get_or_404(request.user, pk)
    if application.current_revision_id is None:
        raise Http404("该申报尚未提交")
    return application


def _return_sections() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in SECTIONS] + [ATTACHMENTS_TAB]


def _action_forms(actions, states, errors: dict, posted: dict) -> list[dict]:
    """Each button's form with what was typed and the errors at its fields (after a refused decision)."""
    mine = posted.get("to")
    forms = []
    for action in actions:
        again = action.target == mine
        form = {"action": action, "comment": posted.get("comment", "") if again else "",
                "error": errors.get("comment", [""])[0] if again else "",
                "reason_required": action.comment_required}
        if action.target == ApplicationStatus.COUNTY_APPROVED:
            form["criteria"] = [{"state": s, "value": (posted.get("justifications") or {}).get(s.number, "") if again
                                 else "", "error": errors.get(f"criterion_{s.number}", [""])[0] if again else ""}
                                for s in states if s.problem()]
        if action.target == ApplicationStatus.RETURNED:
            typed = (posted.get("section_comments") or {}) if again else {}
            form["sections"] = [{"key": key, "label": label, "value": typed.get(key, "")}
                                for key, label in _return_sections()]
            form["sections_typed"] = any(str(v).strip() for v in typed.values())
        forms.append(form)
    # The step forward first (approve, recommend, admit), then return and reject.
    return sorted(forms, key=lambda f: f["action"].style != "primary")


def detail_context(request, application: Application, *, errors=None, posted=None) -> dict:
    evaluation = selectors.latest_evaluation(application)
    revision = application.current_revision
    previous = application.revisions.filter(number=revision.number - 1).first() if revision.number > 1 else None
    states = criterion_states(application, evaluation)
    actions = available_actions(request.user, application)
    diff = revision_diff(previous.data, revision.data, previous.attachments, revision.attachments) \
        if previous else None
    return {
        "application": application, "revision": revision, "previous": previous, "evaluation": evaluation,
        "states": states, "can_review_criteria": bool(actions),
        "diff": diff, "diff_changed": has_changes(diff),
        "sections": read_sections(revision.data), "attachments": selectors.revision_attachments(revision),
        "transitions": selectors.transition_log(application),
        "action_forms": _action_forms(actions, states, errors or {}, posted or {}),
        "override_outcomes": [(o.value, o.label) for o in OVERRIDE_OUTCOMES],
        "next": safe_next(request, ""),
    }


@login_required
@require_GET
def review_detail(request, pk):
    application = reviewed_application(request, pk)
    return render(request, "pool/review/detail.html", detail_context(request, application))


def _posted_decision(request) -> dict:
    post = request.POST
    return {
        "to": post.get("to", ""), "comment": post.get("comment", ""),
        "section_comments": {key: post.get(f"section_{key}", "") for key, _ in _return_sections()},
        "justifications": {int(k.split("_", 1)[1]): v for k, v in post.items()
                           if k.startswith("justification_") and k.split("_", 1)[1].isdigit()},
    }


@login_required
@require_POST
def review_decide(request, pk):
    """One decision on one application (the button names the target status)."""
    application = reviewed_application(request, pk)
    posted = _posted_decision(request)
    try:
        review_transition(application=application, reviewer=request.user, **posted)
    except ValidationError as error:
        messages.error(request, "未能办理：" + error_text(error))
        context = detail_context(request, application, posted=posted,
                                 errors=error.message_dict if hasattr(error, "error_dict") else {})
        return render(request, "pool/review/detail.html", context, status=400)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("pool:review-detail", pk=pk)
    messages.success(request, f"已办理：{ACTION_LABELS[posted['to']]}（{application.enterprise_name}）。")
    return redirect(safe_next(request, reverse("pool:review-detail", args=[pk])))


@login_required
@require_POST
def criterion_review_view(request, pk, number):
    """Override (or justify) one criterion's machine verdict, with the reasons."""
    try:
        with transaction.atomic():
            application = reviewed_application(request, pk, REVIEW_LOCKED)
            locked_criterion_review_save(locked=application, reviewer=request.user, number=number,
                                         outcome=request.POST.get("outcome", ""),
                                         justification=request.POST.get("justification", ""))
    except (ValidationError, TransitionError) as error:
        messages.error(request, f"第 {number} 项未能保存：{error_text(error)}")
    else:
        messages.success(request, f"第 {number} 项审核意见已保存，系统结论同时保留。")
    return redirect(f"{reverse('pool:review-detail', args=[pk])}#criterion-{number}")


@login_required
@require_GET
def application_pdf(request, pk):
    """申报书 — the submitted revision as a printable PDF (anyone who may see the application)."""
    application = get_visible_or_404(selectors.application_detail_queryset(), request.user, pk=pk)
    if application.current_revision_id is None:
        raise Http404("该申报尚未提交")
    revision = application.current_revision
    evaluation = selectors.latest_evaluation(application)
    return pdf_response("pool/pdf/application.html", {
        "application": application, "revision": revision, "sections": read_sections(revision.data),
        "states": criterion_states(application, evaluation), "evaluation": evaluation,
        "attachments": revision.attachments or [],
    }, filename=f"申报书-{application.enterprise_name}-第{revision.number}版.pdf", request=request)

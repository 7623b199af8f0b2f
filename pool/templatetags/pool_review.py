"""Template helpers of the review: the reviewer's return comments beside the fields of the enterprise's form."""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ..models import ApplicationStatus, ApplicationTransition, Verdict
from ..schema import section_label

register = template.Library()
_CACHE = "_pool_return_entry"


@register.filter
def section_name(key: str) -> str:
    return section_label(key)


def return_entry(application) -> ApplicationTransition | None:
    """The return the enterprise is answering now (None unless the application stands returned); read once
    per page however many sections ask."""
    if application is None or application.status != ApplicationStatus.RETURNED:
        return None
    if not hasattr(application, _CACHE):
        entry = (ApplicationTransition.objects.filter(application_id=application.pk,
                                                      to_status=ApplicationStatus.RETURNED)
                 .select_related("actor").order_by("-created_at", "-id").first())
        setattr(application, _CACHE, entry)
    return getattr(application, _CACHE)


@register.inclusion_tag("pool/review/_return_notice.html")
def return_notice(application):
    """The overall comment and the list of sections with comments, at the top of the form."""
    entry = return_entry(application)
    sections = [(key, section_label(key), text) for key, text in (entry.section_comments or {}).items()] \
        if entry else []
    return {"entry": entry, "sections": sections}


@register.inclusion_tag("pool/review/_return_comment.html")
def return_comment(application, key: str):
    """The reviewer's comment on one section, shown inside that section of the form."""
    entry = return_entry(application)
    return {"key": key, "text": (entry.section_comments or {}).get(key, "") if entry else "", "entry": entry}


@register.filter
def percent(value) -> str:
    """A ratio as a percentage with two decimals, truncated like every explanation (criteria ``pct``), so the same
    ratio reads the same on every page and one below a threshold never reads as it (0.66666… → 66.66%)."""
    if value is None:
        return "—"
    from criteria.evaluators.common import pct

    return pct(Decimal(str(value)), 1) + "%"


@register.filter
def stamp(value) -> str:
    """A moment as local ``YYYY-MM-DD HH:MM`` (a list of 50 rows formats 50 of them; Django's ``date`` filter
    costs several times more)."""
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


_STATUS_LABELS = dict(ApplicationStatus.choices)
_VERDICT_LABELS = dict(Verdict.choices)


@register.filter
def status_label(value: str) -> str:
    """``get_status_display`` without rebuilding the choices on every row."""
    return _STATUS_LABELS.get(value, value)


@register.filter
def verdict_label(value: str) -> str:
    return _VERDICT_LABELS.get(value, value)


QUEUE_ROW = (
    '<tr data-application="{pk}">\n'
    '      <td><input type="checkbox" name="ids" value="{pk}" aria-label="选择 {name}"></td>\n'
    '      <td><a href="{queue_url}{pk}/?next={back}">{name}</a><div class="muted small">{uscc}</div></td>\n'
    '      <td>{region}</td><td>{industry}</td>\n'
    '      <td><span class="status-badge" data-status="{status}">{status_label}</span></td>\n'
    '      <td>{verdict}</td>\n'
    '      <td class="num">{score}</td>\n'
    '      <td>第 {revision} 版</td>\n'
    '      <td>{submitted}</td>\n'
    '      <td>{batch}</td>\n'
    '    </tr>')
QUEUE_EMPTY = '<tr><td colspan="10" class="muted">没有符合条件的申报</td></tr>'


@register.simple_tag
def queue_rows(applications, queue_url: str, back: str) -> str:
    """The review queue's rows. Written here rather than in the template: the template engine spent more on 50
    rows of ten cells than the rest of the page together; the markup is the one the template wrote."""
    e = conditional_escape
    rows = []
    for a in applications:
        verdict = (f'<span class="verdict verdict-{e(a.verdict)}">{e(verdict_label(a.verdict))}</span>'
                   if a.verdict else "—")
        rows.append(QUEUE_ROW.format(
            pk=e(localize(a.pk)), name=e(a.enterprise_name), queue_url=e(queue_url), back=e(back), uscc=e(a.uscc),
            region=e(a.region.name), industry=e(a.industry_code or "—"), status=e(a.status),
            status_label=e(status_label(a.status)), verdict=verdict,
            score=e(localize(a.score)) if a.score is not None else "—", revision=e(localize(a.revision_number)),
            submitted=e(stamp(a.submitted_at)), batch=e(a.batch.name)))
    return mark_safe("\n    ".join(rows) or QUEUE_EMPTY)  # noqa: S308  (every value above is escaped)


@register.filter
def next_step(status: str) -> str:
    """What the enterprise does next with an application in ``status``."""
    from ..todos import NEXT_STEPS

    return NEXT_STEPS.get(status, "")


@register.filter
def error_items(errors: dict, sections: list) -> list[dict]:
    """Where each error of a refused submission is (栏目 · 行 · 字段) and what it says."""
    from ..presenters import error_items as items

    return items(errors or {}, sections or [])

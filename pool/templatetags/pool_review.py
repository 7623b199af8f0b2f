"""Template helpers of the review: the reviewer's return comments beside the fields of the enterprise's form."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import localize
from django.utils.functional import Promise
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


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escape(value) -> str:
    """``django.utils.html.escape`` of a plain value (what ``conditional_escape`` does to one), without its
    wrappers: a page of rows escapes some six hundred values."""
    return str(value).translate(_ESCAPES)


def _html(value) -> str:
    """``conditional_escape`` without its lazy-string wrappers: what is marked safe as it is, the rest escaped (the
    review page's criterion rows escape some 150 values)."""
    if isinstance(value, Promise):
        value = str(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape(value)


def _integer(value) -> str:
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


@register.simple_tag
def queue_rows(applications, queue_url: str, back: str) -> str:
    """The review queue's rows, from the values the queue view reads (``QUEUE_ROW_FIELDS``). Written here rather
    than in the template: the template engine spent more on 50 rows of ten cells than the rest of the page
    together; the markup is the one the template wrote."""
    e = _escape
    queue_url, back = conditional_escape(queue_url), conditional_escape(back)
    rows = []
    for a in applications:
        verdict = a["verdict"]
        verdict = (f'<span class="verdict verdict-{e(verdict)}">{e(verdict_label(verdict))}</span>'
                   if verdict else "—")
        pk, score = e(_integer(a["pk"])), a["score"]
        rows.append(QUEUE_ROW.format(
            pk=pk, name=e(a["enterprise_name"]), queue_url=queue_url, back=back, uscc=e(a["uscc"]),
            region=e(a["region_name"]), industry=e(a["industry_code"] or "—"), status=e(a["status"]),
            status_label=e(status_label(a["status"])), verdict=verdict,
            score=e(localize(score)) if score is not None else "—", revision=e(_integer(a["revision_number"])),
            submitted=e(stamp(a["submitted_at"])), batch=e(a["batch__name"])))
    return mark_safe("\n    ".join(rows) or QUEUE_EMPTY)  # noqa: S308  (every value above is escaped)


CRITERION_ROW = (
    '<tr id="criterion-{n}" data-criterion="{n}" data-machine="{machine}" data-outcome="{outcome}">\n'
    '      <td>{n}</td>\n'
    '      <td>{title}{principle}</td>\n'
    '      <td><span class="verdict verdict-{machine}">{machine_label}</span></td>\n'
    '      <td>{review}</td>\n'
    '      <td>{explanation}\n'
    '        <details class="evidence"><summary>核验依据</summary>{evidence}</details>\n'
    '        {override}\n'
    '      </td>\n'
    '    </tr>')
CRITERION_OVERRIDE = (
    '<details class="override"{open}><summary>{summary}</summary>\n'
    '          <form method="post" action="{action}" class="inline-form">\n'
    '            {csrf}\n'
    '            <div class="field"><label for="outcome-{n}">审核结论</label>\n'
    '              <select name="outcome" id="outcome-{n}">\n'
    '                {keep}\n'
    '                {options}\n'
    '              </select></div>\n'
    '            <div class="field grow"><label for="why-{n}">理由</label><textarea name="justification" id="why-{n}" '
    'rows="2" required></textarea></div>\n'
    '            <button type="submit" class="secondary">保存</button>\n'
    '          </form>\n'
    '        </details>\n'
    '        ')
CRITERIA_EMPTY = '<tr><td colspan="5" class="muted">尚无评分结果</td></tr>'


@register.simple_tag(takes_context=True)
def criteria_rows(context, states, application, can_review: bool, override_outcomes) -> str:
    """The review page's criterion table rows (machine outcome, the reviewer's judgement, evidence, the override
    form). Written here rather than in the template, like the queue's rows: ten rows of nested forms cost the
    template engine more than the rest of the page; the markup is the one the template wrote."""
    from django.urls import reverse
    from django.utils.formats import date_format

    from criteria.evidence import evidence_rows

    e = _html
    token = context.get("csrf_token")
    csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(token)}">'
            if token and token != "NOTPROVIDED" else "")
    rows = []
    for s in states:
        n = e(_integer(s.number))
        if s.review_counts:
            r = s.review
            when = date_format(timezone.localtime(r.created_at), "Y-m-d H:i") if r.created_at else ""
            review = (f'<span class="verdict verdict-{e(r.outcome)}">{"改判：" if s.overridden else "已说明："}'
                      f'{e(r.get_outcome_display())}</span>\n'
                      f'          <div class="small review-note">理由：{e(r.justification)}<br><span class="muted">'
                      f'{e(r.reviewer or "")} · {e(when)}</span></div>\n        ')
        elif s.review:
            review = '<span class="muted small">此前意见针对的系统结论已变化，请重新审核</span>'
        else:
            review = "—"
        evidence = "".join(f'<div><span class="muted">{e(label)}</span>：{e(text)}</div>'
                           for label, text in evidence_rows(s.evidence)) or '<span class="muted">—</span>'
        override = ""
        if can_review:
            keep = (f'<option value="{e(s.machine_outcome)}">维持“{e(s.machine_label)}”并说明理由</option>'
                    if s.machine_unresolved else "")
            options = "".join(f'<option value="{e(value)}">改判为“{e(label)}”</option>'
                              for value, label in override_outcomes if value != s.machine_outcome)
            override = CRITERION_OVERRIDE.format(
                open=" open" if s.problem() else "", summary="说明理由或改判" if s.machine_unresolved else "改判",
                action=e(reverse("pool:review-criterion", args=[application.pk, s.number])), csrf=csrf, n=n,
                keep=keep, options=options)
        rows.append(CRITERION_ROW.format(
            n=n, machine=e(s.machine_outcome), outcome=e(s.outcome), title=e(s.title),
            principle=' <small class="muted">（原则性）</small>' if s.kind == "in_principle" else "",
            machine_label=e(s.machine_label), review=review, explanation=e(s.explanation), evidence=evidence,
            override=override))
    return mark_safe("\n    ".join(rows) or CRITERIA_EMPTY)  # noqa: S308  (every value above is escaped)


def _value(value, context) -> str:
    """A value as ``{{ value }}`` writes it (localized, escaped); plain text, nearly every value, directly."""
    if type(value) is str:
        return _escape(value)
    from django.template.base import render_value_in_context

    return render_value_in_context(value, context)


@register.simple_tag(takes_context=True)
def revision_content(context, sections) -> str:
    """A submitted revision's sections (``read_sections``) as the review page shows them: label/value pairs and
    tables. Written here rather than in the template, like the queue's rows: a form of a dozen sections and their
    tables cost the template engine a quarter of the page; the markup is the one the template wrote."""
    out = []
    for index, section in enumerate(sections):
        pairs = section["pairs"]
        parts = ['\n  <details class="revision-section"', " open" if index == 0 else "", ">\n    <summary>",
                 _value(section["label"], context), "</summary>\n    "]
        if pairs:
            parts.append('<dl class="facts">')
            parts.extend(f"<dt>{_value(label, context)}</dt><dd>{_value(value, context)}</dd>" for label, value in pairs)
            parts.append("</dl>")
        parts.append("\n    ")
        for table in section["tables"]:
            parts.append("\n      ")
            if pairs:
                parts.append(f"<h3>{_value(table['spec'].label, context)}</h3>")
            parts.append("\n      ")
            if table["rows"]:
                parts.append('<div class="table-scroll"><table class="table small"><thead><tr>')
                parts.extend(f'<th scope="col">{_value(h, context)}</th>' for h in table["headers"])
                parts.append("</tr></thead>\n        <tbody>")
                for row in table["rows"]:
                    parts.append("<tr>")
                    parts.extend(f"<td>{_value(v, context)}</td>" for v in row)
                    parts.append("</tr>")
                parts.append("</tbody></table></div>\n      ")
            else:
                parts.append('<p class="muted">未填写</p>')
            parts.append("\n    ")
        parts.append("\n  </details>\n  ")
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)


INVALID = ' aria-invalid="true"'
FAIL_BLOCKS = "不符合，不能审核通过；如系统判断有误，请在上方“入库标准逐项审核”中改判并说明理由。"


def _csrf_input(context) -> str:
    """``{% csrf_token %}``."""
    token = context.get("csrf_token")
    return (f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'
            if token and token != "NOTPROVIDED" else "")


@register.simple_tag(takes_context=True)
def decision_forms(context, action_forms, application, next_url) -> str:
    """The review page's decision forms (``_action_forms``: approve with the criteria needing a reason, return
    with a comment per section, reject). Written here like the queue's rows: a dozen section fields per form cost
    the template engine more than the rest of the page's forms; the markup is the one the template wrote."""
    from django.urls import reverse

    v = lambda value: _value(value, context)  # noqa: E731
    action_url = conditional_escape(reverse("pool:review-decide", args=[application.pk]))
    csrf, next_url = _csrf_input(context), v(next_url)
    out = []
    for form in action_forms:
        action = form["action"]
        target, label = v(action.target), v(action.label)
        parts = [f'\n  <form method="post" action="{action_url}" class="decision" data-action="{target}">\n    {csrf}'
                 f'\n    <input type="hidden" name="to" value="{target}">\n    <input type="hidden" name="next" '
                 f'value="{next_url}">\n    <h3>{label}</h3>\n    ']
        if form.get("criteria"):
            parts.append('\n      <p class="muted">以下标准须逐项说明理由（原则上不符合、需人工判断）或先改判（不符合）后，'
                         '方可审核通过：</p>\n      ')
            for item in form["criteria"]:
                state, error = item["state"], item["error"]
                n = v(state.number)
                parts.append(f'\n      <div class="field{" has-error" if error else ""}">\n        <label for='
                             f'"justification-{n}">第 {n} 项 {v(state.title)} · <span class="verdict verdict-'
                             f'{v(state.outcome)}">{v(state.outcome_label)}</span></label>\n        <small class="help">'
                             f'{v(state.explanation)}</small>\n        ')
                if state.outcome == "fail":
                    parts.append(f'\n          <p class="error" role="alert">{v(error or FAIL_BLOCKS)}</p>\n        ')
                else:
                    parts.append(f'\n          <textarea name="justification_{n}" id="justification-{n}" rows="2"'
                                 f'{INVALID if error else ""}>{v(item["value"])}</textarea>\n'
                                 f'          <p class="error" role="alert"{"" if error else " hidden"}>{v(error)}</p>'
                                 f'\n        ')
                parts.append("\n      </div>\n      ")
            parts.append("\n    ")
        parts.append("\n    ")
        if form.get("sections"):
            parts.append(f'\n      <details class="section-comments"{" open" if form.get("sections_typed") else ""}>'
                         '\n        <summary>分栏目意见（显示在企业申报书对应栏目旁）</summary>\n        <div class="field-grid">'
                         '\n        ')
            for section in form["sections"]:
                key = v(section["key"])
                parts.append(f'\n          <div class="field"><label for="section-{key}">{v(section["label"])}</label>'
                             f'\n            <textarea name="section_{key}" id="section-{key}" rows="2">'
                             f'{v(section["value"])}</textarea></div>\n        ')
            parts.append("\n        </div>\n      </details>\n    ")
        error = form["error"]
        prompt = ("总体意见（与分栏目意见至少填写一项）" if form.get("sections") else
                  "理由（必填）" if form["reason_required"] else "意见（选填）")
        parts.append(f'\n    <div class="field{" has-error" if error else ""}">\n      <label for="comment-{target}">'
                     f'{prompt}</label>\n      <textarea name="comment" id="comment-{target}" rows="2"'
                     f'{INVALID if error else ""}>{v(form["comment"])}</textarea>\n      '
                     f'<p class="error" role="alert"{"" if error else " hidden"}>{v(error)}</p>\n    </div>\n    '
                     f'<button type="submit" class="{v(action.style)}" id="action-{target}">{label}</button>\n  '
                     '</form>\n  ')
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)


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

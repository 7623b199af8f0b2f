"""What the pool tells people, in Chinese: the enterprise hears of every reviewer's decision with its comments;
reviewers get a daily digest of what arrived in their queue. Delivery (in-app + e-mail) goes through the
portal's one entry point, queued for after the deciding transaction commits."""

from __future__ import annotations

from django.urls import reverse

from portal.models import User
from portal.services.notifications import notify_on_commit

from .models import Application, ApplicationStatus, ApplicationTransition
from .schema import section_label

S = ApplicationStatus
DECISION_TITLES = {
    S.RETURNED: "申报被退回修改",
    S.REJECTED: "申报未通过县级审核",
    S.COUNTY_APPROVED: "申报已通过县级审核",
    S.RECOMMENDED: "申报已获市级推荐",
    S.CITY_REJECTED: "申报未获市级推荐",
    S.PROVINCE_RECOMMENDED: "申报已获省级推荐",
    S.PROVINCE_REJECTED: "申报未获省级推荐",
    S.ADMITTED: "贵企业已入库（专利产业化样板企业培育库）",
}
NEXT_STEP = {
    S.RETURNED: "请按审核意见修改后重新提交；意见已标注在申报书相应栏目旁。",
    S.COUNTY_APPROVED: "申报已报送市级主管部门。",
    S.RECOMMENDED: "申报已报送省级主管部门。",
    S.PROVINCE_RECOMMENDED: "待省级确认入库。",
}


def decision_text(application: Application, entry: ApplicationTransition) -> tuple[str, str]:
    """The title and body of the enterprise's notice of ``entry``, with every comment the reviewer wrote."""
    title = f"{DECISION_TITLES.get(entry.to_status, entry.get_to_status_display())}：{application.batch.name}"
    lines = [f"{application.enterprise_name}：您在“{application.batch.name}”中的申报（第 {entry.revision_number} 版）"
             f"状态已变更为“{entry.get_to_status_display()}”。"]
    if entry.comment:
        lines.append(f"审核意见：{entry.comment}")
    for key, text in (entry.section_comments or {}).items():
        lines.append(f"【{section_label(key)}】{text}")
    if entry.to_status in NEXT_STEP:
        lines.append(NEXT_STEP[entry.to_status])
    return title, "\n".join(lines)


def tell_enterprise(application: Application, entry: ApplicationTransition) -> None:
    """Queue the enterprise's notice (in-app and e-mail) for after the current transaction commits."""
    recipients = list(User.objects.filter(organisation_id=application.enterprise_id, is_active=True))
    title, body = decision_text(application, entry)
    url_name = "pool:application-edit" if entry.to_status == S.RETURNED else "pool:application-detail"
    notify_on_commit(recipients=recipients, verb=f"application.{entry.to_status}", title=title, body=body,
                     url=reverse(url_name, args=[application.pk]))


def digest_text(day, rows: list[tuple[str, int, int]]) -> tuple[str, str]:
    """``rows``: (region name, new today, waiting in all) per region of the recipient's queue."""
    new = sum(r[1] for r in rows)
    title = f"审核待办日报（{day:%Y-%m-%d}）：新到 {new} 件"
    lines = [f"{day:%Y年%m月%d日}新到待审核申报 {new} 件。"]
    lines += [f"{name}：新到 {fresh} 件，待审核共 {waiting} 件" for name, fresh, waiting in rows]
    return title, "\n".join(lines)

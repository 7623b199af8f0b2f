"""What waits for each person in the pool's review, for the home page's to-do list (``portal.navigation``)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse

from portal.navigation import Todo

from .models import Application
from .queues import AWAITING, default_batch
from .services.review.upper import quota_for

#: What the enterprise does next, by its application's status (shown on its home page).
NEXT_STEPS = {
    "draft": "继续填写各栏目，预审无误后提交。",
    "returned": "按县级退回意见修改后重新提交。",
    "submitted": "已提交，等待县级审核，无需操作。",
    "county_approved": "县级已审核通过，等待市级推荐。",
    "recommended": "市级已推荐，等待省级审核。",
    "province_recommended": "省级已推荐，等待确认入库。",
    "admitted": "已入库：请按年度填报监测报告。",
    "rejected": "县级不予通过，可查看意见；下一批次可重新申报。",
    "city_rejected": "市级未推荐，可查看意见；下一批次可重新申报。",
    "province_rejected": "省级未推荐，可查看意见；下一批次可重新申报。",
}

LABELS = {"county": "待县级审核的申报", "city": "待市级推荐的申报（县级已通过）", "province": "待省级推荐的申报（市级已推荐）"}


def todo_items(user) -> list[Todo]:
    from .services.lifecycle.monitoring import monitoring_todos

    role = user.role
    if role not in LABELS:
        return monitoring_todos(user)
    waiting = (Application.objects.visible_to(user).filter(status=AWAITING[role])
               .aggregate(n=Count("pk"), since=Min("submitted_at")))
    url = reverse("pool:review-queue") if role == "county" else reverse("pool:ranking")
    note = ""
    if role in ("city", "province"):
        batch = default_batch(user)
        quota = quota_for(user, batch) if batch is not None else None
        if quota is not None and quota.limit is not None:
            note = f"{quota.label}：已用 {quota.used} / {quota.limit}，剩余 {quota.remaining}"
    return [Todo(LABELS[role], waiting["n"], url, since=waiting["since"], note=note), *monitoring_todos(user)]

"""The city's and the province's decisions: recommend within the quota, reject with a reason, admit.

Quotas are data: ``Batch.province_quota`` (300 by default, at most 500) and an optional ``BatchCityQuota`` per
city. Counting what is used and taking the next place happen under a lock on the batch row, so two sessions
recommending at once are serialised and the quota is never exceeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from portal.models import Region, RegionLevel, User
from portal.models.regions import SCOPE_DIGITS

from ...models import Application, ApplicationStatus, Batch, BatchCityQuota
from ..lifecycle.membership import membership_admit
from .common import decide, required_text

S = ApplicationStatus
#: An application holds one of its city's places from the city's recommendation on (a province rejection
#: frees it); one of the province's places from the province's recommendation on.
CITY_PLACES = (S.RECOMMENDED, S.PROVINCE_RECOMMENDED, S.ADMITTED)
PROVINCE_PLACES = (S.PROVINCE_RECOMMENDED, S.ADMITTED)


@dataclass(frozen=True)
class QuotaStatus:
    label: str
    limit: int | None  # None: no separate quota at this level
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 0


CITY_DIGITS = SCOPE_DIGITS[RegionLevel.CITY]


def city_code(region_code: str) -> str:
    """The code of the city a county code lies in (its city prefix, padded to six digits)."""
    return region_code[:CITY_DIGITS].ljust(len(region_code), "0")


def city_quota(batch: Batch, city: str) -> QuotaStatus:
    row = BatchCityQuota.objects.filter(batch=batch, city_id=city).select_related("city").first()
    used = Application.objects.filter(batch=batch, region__code__startswith=city[:CITY_DIGITS],
                                      status__in=CITY_PLACES).count()
    name = row.city.name if row else (Region.objects.filter(code=city).values_list("name", flat=True).first() or city)
    return QuotaStatus(label=f"{name}推荐名额", limit=row.quota if row else None, used=used)


def province_quota(batch: Batch) -> QuotaStatus:
    used = Application.objects.filter(batch=batch, status__in=PROVINCE_PLACES).count()
    return QuotaStatus(label="全省推荐名额", limit=batch.province_quota, used=used)


def quota_for(user: User, batch: Batch) -> QuotaStatus:
    """The quota a bureau works within: a city its own (if one is set), the province (and admin) the batch's."""
    if user.role == "city":
        return city_quota(batch, user.region.code)
    return province_quota(batch)


def _within(status_of) -> Callable:
    def check(locked: Application) -> None:
        # Lock the batch row before counting: a second session waits here and then counts the first's place.
        batch = Batch.objects.select_for_update().get(pk=locked.batch_id)
        status = status_of(batch, locked)
        if status.full:
            raise ValidationError(f"{status.label}已满（共 {status.limit} 家，已推荐 {status.used} 家），"
                                  "不能继续推荐。")
    return check


def application_recommend(*, application: Application, reviewer: User, comment: str = "") -> Application:
    """The city recommends a county-approved application to the province (within the city's quota, if any)."""
    check = _within(lambda batch, app: city_quota(batch, city_code(app.region_id)))
    return decide(application, source=S.COUNTY_APPROVED, target=S.RECOMMENDED, user=reviewer,
                  comment=(comment or "").strip(), check=check)


def application_city_reject(*, application: Application, reviewer: User, reason: str) -> Application:
    reason = required_text(reason, "comment", "不予推荐须填写理由。")
    return decide(application, source=S.COUNTY_APPROVED, target=S.CITY_REJECTED, user=reviewer, comment=reason)


def application_province_recommend(*, application: Application, reviewer: User, comment: str = "") -> Application:
    """The province's final recommendation, refused once the batch's province quota is used up."""
    check = _within(lambda batch, app: province_quota(batch))
    return decide(application, source=S.RECOMMENDED, target=S.PROVINCE_RECOMMENDED, user=reviewer,
                  comment=(comment or "").strip(), check=check)


def application_province_reject(*, application: Application, reviewer: User, reason: str) -> Application:
    reason = required_text(reason, "comment", "省级不予推荐须填写理由。")
    return decide(application, source=S.RECOMMENDED, target=S.PROVINCE_REJECTED, user=reviewer, comment=reason)


def application_admit(*, application: Application, reviewer: User, comment: str = "") -> Application:
    """The province admits a recommended enterprise into the pool (入库): it becomes a cultivating member in the
    same transaction; in a replenishment batch only while a replenishment place is left."""
    return decide(application, source=S.PROVINCE_RECOMMENDED, target=S.ADMITTED, user=reviewer,
                  comment=(comment or "").strip(),
                  then=lambda locked: membership_admit(application=locked, user=reviewer))

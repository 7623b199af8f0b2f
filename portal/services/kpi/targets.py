"""Who sees which region's figures, and the yearly targets with their versions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from ...indicators import (
    Indicator,
    get_indicator,
)
from ...models import KpiTarget, Region, RegionLevel, TargetSource, User
from ..audit import audit

CHILD_LEVEL = {RegionLevel.PROVINCE: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.COUNTY}
TARGET_ROLES = frozenset({"province", "city", "admin"})


# --- regions ----------------------------------------------------------------------------------------------------
def kpi_region(user: User, code: str | None) -> Region | None:
    """The region a person asks figures for, if it is theirs to see: their own region or one below it (the
    operator any). ``None`` for anything else, which the views answer with 404."""
    if user.role not in {"county", "city", "province", "admin"}:
        return None
    own = user.region
    if not code:
        return own if own is not None else Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        return None
    if user.role == "admin" or (own is not None and own.contains(region)):
        return region
    return None


def child_regions(region: Region) -> list[Region]:
    level = CHILD_LEVEL.get(region.level)
    if level is None:
        return []
    return list(Region.objects.filter(parent=region, level=level).order_by("code"))


# --- targets ----------------------------------------------------------------------------------------------------
def current_targets(*, regions: list[Region], year: int) -> dict[tuple[str, str], KpiTarget]:
    targets = KpiTarget.objects.current().filter(region__in=regions, year=year)
    return {(t.region_id, t.indicator): t for t in targets}


def can_set_target(user: User, region: Region) -> tuple[bool, str]:
    """The province sets targets for itself and its cities; a city splits its own over its counties."""
    if user.role == "admin":
        return True, ""
    own = user.region
    if user.role == "province" and own is not None and own.contains(region) and region.level != RegionLevel.COUNTY:
        return True, ""
    if user.role == "city" and own is not None and region.parent_id == own.code:
        return True, ""
    return False, "只有省级可为本省及各市设定目标，市级可将本市目标分解到所辖县（市、区）"


def target_regions(user: User) -> list[Region]:
    own = user.region
    if user.role == "province" and own is not None:
        return [own, *child_regions(own)]
    if user.role == "city" and own is not None:
        return child_regions(own)
    if user.role == "admin":
        return list(Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("code"))
    return []


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"不是有效的数值：{value}") from exc


def _target_save(*, indicator: str, region: Region, year: int, absolute, growth_rate, user: User | None,
                 source: str, note: str = "") -> KpiTarget | None:
    """Add the next version of a target; returns None when nothing changed. Call inside a transaction."""
    absolute, growth_rate = _decimal(absolute), _decimal(growth_rate)
    if absolute is None and growth_rate is None:
        raise ValidationError("目标值与增幅目标至少填写一项")
    if absolute is not None and absolute < 0:
        raise ValidationError("目标值不能为负数")
    previous = (KpiTarget.objects.select_for_update()
                .filter(indicator=indicator, region=region, year=year).order_by("-version").first())
    if previous is not None and previous.is_current and (previous.absolute, previous.growth_rate) == (
            absolute, growth_rate):
        return None
    if previous is not None:
        KpiTarget.objects.filter(indicator=indicator, region=region, year=year, is_current=True).update(
            is_current=False)
    target = KpiTarget(indicator=indicator, region=region, year=year, absolute=absolute, growth_rate=growth_rate,
                       version=(previous.version + 1) if previous else 1, source=source, note=note[:300],
                       entered_by=user)
    target.full_clean()
    target.save()
    audit(actor=user, action="kpi.target_set", target=target,
          data={"indicator": indicator, "region": region.code, "year": year, "version": target.version,
                "absolute": str(absolute) if absolute is not None else None,
                "growth_rate": str(growth_rate) if growth_rate is not None else None,
                "previous": ({"absolute": str(previous.absolute) if previous.absolute is not None else None,
                              "growth_rate": str(previous.growth_rate) if previous.growth_rate is not None else None}
                             if previous else None)})
    return target


def target_set(*, user: User, indicator: str, region: Region, year: int, absolute=None, growth_rate=None,
               source: str = TargetSource.FORM, note: str = "") -> KpiTarget | None:
    """Set one target (a new version if it changed)."""
    if get_indicator(indicator) is None:
        raise ValidationError(f"未知指标：{indicator}")
    allowed, reason = can_set_target(user, region)
    if not allowed:
        raise ValidationError(reason)
    with transaction.atomic():
        return _target_save(indicator=indicator, region=region, year=year, absolute=absolute,
                            growth_rate=growth_rate, user=user, source=source, note=note)


def target_history(*, region: Region, year: int, indicator: str):
    return (KpiTarget.objects.filter(region=region, year=year, indicator=indicator)
            .select_related("entered_by").order_by("-version"))


def target_text(indicator: Indicator, target: KpiTarget | None) -> str:
    """The target as the seed's table writes it: 专利数量480件，年均增幅30%."""
    if target is None:
        return "未设定"
    parts = []
    if target.absolute is not None:
        if indicator.is_money and target.absolute >= 10_000_000:
            parts.append(f"{(target.absolute / 100_000_000).normalize():f}亿元")
        elif indicator.is_money and target.absolute >= 10_000:
            parts.append(f"{(target.absolute / 10_000).normalize():f}万元")
        else:
            parts.append(f"{target.absolute.normalize():f}{indicator.unit}")
    if target.growth_rate is not None:
        parts.append(f"年均增幅{target.growth_rate.normalize():f}%")
    return "，".join(parts)

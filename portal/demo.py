"""Demo data of the portal core: Hubei, Huangshi and Yichang with their bureaus, and one login per role."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from stdnum.cn import uscc as stdnum_uscc

from .models import Organisation, OrganisationKind, Region, RegionLevel, User
from .services.accounts import bureau_for_region

PROVINCE, HUANGSHI, YICHANG, HUANGSHIGANG = "420000", "420200", "420500", "420202"


def demo_uscc(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body + stdnum_uscc.calc_check_digit(body)


def _organisation(kind, name, region_code, uscc=None, **extra) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        kind=kind, name=name, defaults={"region_id": region_code, "uscc": uscc, **extra})
    return organisation


def _login(username, organisation, full_name, password_hash, **extra) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"organisation": organisation})
    user.organisation = organisation
    user.full_name = full_name
    user.email = f"{username}@demo.peiyuku.local"
    for key, value in extra.items():
        setattr(user, key, value)
    user.password = password_hash
    user.is_active = True
    user.save()
    return user


def seed(stdout) -> dict:
    if not Region.objects.filter(code=PROVINCE).exists():
        call_command("load_regions", stdout=stdout)
    for code in (PROVINCE, HUANGSHI, YICHANG):
        bureau_for_region(Region.objects.get(code=code))
    for county in Region.objects.filter(parent_id__in=[HUANGSHI, YICHANG], level=RegionLevel.COUNTY):
        bureau_for_region(county)

    bureau = Organisation.objects.filter
    enterprise = _organisation(OrganisationKind.ENTERPRISE, "黄石示范智能装备有限公司", HUANGSHIGANG,
                               uscc=demo_uscc("91420202MA49DEMX0"), contact_person="陈晓明",
                               contact_phone="13907140001")
    bank = _organisation(OrganisationKind.BANK, "湖北银行黄石分行", HUANGSHI, uscc=demo_uscc("91420200MA49BANK0"))
    supplier = _organisation(OrganisationKind.SUPPLIER, "湖北理工学院技术转移中心", HUANGSHI,
                             uscc=demo_uscc("12420200MB1TTC880"))
    # One hash for every demo login: they share the published demo password anyway, and hashing is slow.
    password = make_password(settings.DEMO_PASSWORD)
    users = {
        "demo_enterprise": _login("demo_enterprise", enterprise, "陈晓明", password, phone="13907140001"),
        "demo_county": _login("demo_county", bureau(kind="county", region_id=HUANGSHIGANG).first(), "王审核",
                              password),
        "demo_city": _login("demo_city", bureau(kind="city", region_id=HUANGSHI).first(), "李主管", password),
        "demo_province": _login("demo_province", bureau(kind="province", region_id=PROVINCE).first(), "张处长",
                                password),
        "demo_bank": _login("demo_bank", bank, "赵信贷", password),
        "demo_supplier": _login("demo_supplier", supplier, "刘老师", password),
        "demo_admin": _login("demo_admin", None, "系统管理员", password, is_staff=True, is_superuser=True),
    }
    _kpi_targets(users)
    return users


# This year's targets in the shape of seed 001's table: the province for itself and Huangshi, Huangshi split over
# 黄石港区 (figures scaled from the seed's 2023 column), so the KPI dashboard shows progress on first login.
DEMO_TARGETS = {
    PROVINCE: {"sme_deal_count": (800, 30), "sme_deal_amount": (130_000_000, 30), "sme_deal_received": (65_000_000, 30),
               "academic_deal_count": (1680, 20), "academic_deal_amount": (270_000_000, 20),
               "academic_deal_received": (135_000_000, 20), "sme_benefited": (430, 10), "sme_filing_rate": (100, None),
               "pool_applications": (300, None), "pool_admissions": (200, None)},
    HUANGSHI: {"sme_deal_count": (60, 30), "sme_deal_amount": (10_000_000, 30), "sme_deal_received": (5_000_000, 30),
               "academic_deal_count": (120, 20), "sme_benefited": (35, 10), "sme_filing_rate": (100, None),
               "pool_applications": (30, None), "pool_admissions": (20, None)},
    HUANGSHIGANG: {"sme_deal_count": (15, 30), "sme_benefited": (9, 10), "pool_applications": (8, None)},
}


def _kpi_targets(users: dict) -> None:
    from django.utils import timezone

    from .services.kpi import target_set

    year = timezone.localdate().year
    for code, targets in DEMO_TARGETS.items():
        user = users["demo_city" if code == HUANGSHIGANG else "demo_province"]
        region = Region.objects.get(code=code)
        for indicator, (absolute, rate) in targets.items():
            target_set(user=user, indicator=indicator, region=region, year=year, absolute=absolute,
                       growth_rate=rate, note="演示数据")

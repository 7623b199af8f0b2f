"""Demo data of the criteria app: the shipped criteria sets and reference tables (restored if a test flushed
them) and a small serious-dishonesty list imported by the province."""

import io

from django.core.management import call_command
from stdnum.cn import uscc as stdnum_uscc

from portal.models import User

from .models import CriteriaSet, ListImport, ListType, PatentIntensiveIndustry, SmeSizeThreshold
from .services.evaluation import clear_caches
from .services.lists import list_import

DEMO_LIST_FILE = "demo-serious-dishonesty.csv"


def _uscc(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


def seed(stdout) -> None:
    if not CriteriaSet.objects.exists():
        call_command("load_criteria_sets", stdout=stdout)
    if not SmeSizeThreshold.objects.exists() or not PatentIntensiveIndustry.objects.exists():
        call_command("load_reference_data", stdout=stdout)
    clear_caches()
    if ListImport.objects.filter(file_name=DEMO_LIST_FILE).exists():
        return
    rows = [
        ("统一社会信用代码", "企业名称", "列入事由", "列入日期"),
        (_uscc("91420281MA4DEM01X"), "大冶示范失信机械有限公司", "拒不履行法院生效判决", "2024-11-05"),
        (_uscc("91420503MA4DEM02Y"), "宜昌示范失信化工有限公司", "虚开增值税发票", "2025-02-18"),
    ]
    body = "\n".join(",".join(row) for row in rows).encode("utf-8")
    province_user = User.objects.filter(username="demo_province").first()
    list_import(file=io.BytesIO(body), list_type=ListType.SERIOUS_DISHONESTY, user=province_user,
                file_name=DEMO_LIST_FILE)
    stdout.write("已导入演示用严重失信主体名单（2 条）")

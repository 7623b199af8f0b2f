from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from criteria.models import PatentIntensiveIndustry, SmeSizeThreshold
from criteria.services.evaluation import clear_caches
from criteria.services.shipped import (
    INDUSTRY_FILE,
    SME_FILE,
    ReferenceDataError,
    load_patent_intensive,
    load_sme_thresholds,
)


class Command(BaseCommand):
    help = ("载入参考数据：中小企业划型标准（--sme）和专利密集型产业分类（--patent-intensive）。"
            "文件即所列版本的全表；不带参数时载入随系统发布的两张表。")

    def add_arguments(self, parser):
        parser.add_argument("--sme", help="中小企业划型标准 CSV")
        parser.add_argument("--patent-intensive", dest="industry", help="专利密集型产业行业小类 CSV")

    def handle(self, *args, sme=None, industry=None, **options):
        if not sme and not industry:
            sme, industry = SME_FILE, INDUSTRY_FILE
        try:
            with transaction.atomic():
                if sme:
                    count = load_sme_thresholds(sme, model=SmeSizeThreshold)
                    self.stdout.write(f"中小企业划型标准：{count} 行")
                if industry:
                    count = load_patent_intensive(industry, model=PatentIntensiveIndustry)
                    self.stdout.write(f"专利密集型产业行业小类：{count} 行")
                transaction.on_commit(clear_caches)
            clear_caches()  # inside an outer transaction on_commit waits; this process must see the change now
        except ReferenceDataError as exc:
            raise CommandError("参考数据有误，未做任何修改：\n" + "\n".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc

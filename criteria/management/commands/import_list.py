from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from criteria.models import ListType
from criteria.services.lists import ListImportError, list_import
from portal.models import User


class Command(BaseCommand):
    help = "导入名单（严重失信、非正常专利申请、重大事故），.xlsx 或 .csv；有任何错误行则不导入并列出全部错误。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--type", dest="list_type", required=True, choices=ListType.values)
        parser.add_argument("--replace", action="store_true", help="以本文件替换该类名单的全部原有条目")
        parser.add_argument("--user", help="记为导入人的用户名（省、市级账号）")
        parser.add_argument("--region", default=settings.PORTAL_PROVINCE_CODE,
                            help="未指定用户时记入的行政区划（默认本省）")

    def handle(self, *args, file, list_type, replace=False, user=None, region=None, **options):
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"用户 {user} 不存在")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                record = list_import(file=handle, list_type=list_type, user=importer, replace=replace,
                                     file_name=path.name, region_code=region)
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except ListImportError as exc:
            raise CommandError("文件有误，未导入任何条目：\n" + "\n".join(str(e) for e in exc.errors)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {record.rows_imported} 条（{record.get_list_type_display()}）"))

from io import StringIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.plugins import app_modules


class Command(BaseCommand):
    help = "创建演示数据：湖北省、黄石市、宜昌市及其县区，各角色一个演示账号（密码见 README）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="DEBUG 关闭时也执行（会写入演示账号）")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 已关闭：演示数据含公开的演示密码，生产环境请勿执行。确需执行请加 --force。")
        with transaction.atomic():
            # Each app may add its own demo data in <app>/demo.py, run in INSTALLED_APPS order.
            for module in app_modules("demo"):
                module.seed(self.stdout if options["verbosity"] else StringIO())
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号密码：{settings.DEMO_PASSWORD}"))

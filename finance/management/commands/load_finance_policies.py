from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from finance.models import FinancePolicy
from finance.policy import PolicyError, read_policy, shipped_policy_files
from finance.services.policies import publish_policy


class Command(BaseCommand):
    help = "载入质押融资扶持政策版本（JSON）。内容有变化时新建一个版本，已发布的版本从不修改；重复执行不产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON 文件；默认为随系统发布的 finance/data/policies/*.json")

    def handle(self, *args, files=(), **options):
        paths = [Path(f) for f in files] or shipped_policy_files()
        try:
            documents = [read_policy(path) for path in paths]
        except PolicyError as exc:
            raise CommandError(f"无法载入政策：{exc}") from exc
        with transaction.atomic():
            for document in documents:
                policy, created = publish_policy(document, model=FinancePolicy)
                state = "已发布" if created else "未变化"
                self.stdout.write(f"{policy.code} 第 {policy.version} 版{state}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from criteria.models import CriteriaSet
from criteria.rules import RulesError
from criteria.services.evaluation import clear_caches
from criteria.services.shipped import (
    ReferenceDataError,
    publish_criteria_set,
    read_criteria_set,
    shipped_criteria_set_files,
)
from criteria.signals import criteria_set_published


class Command(BaseCommand):
    help = "载入入库标准版本（JSON）。内容有变化时新建一个版本，已发布的版本从不修改；重复执行不产生变化。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON 文件；默认为随系统发布的 criteria/data/criteria_sets/*.json")

    def handle(self, *args, files=(), **options):
        paths = [Path(f) for f in files] or shipped_criteria_set_files()
        try:
            documents = [read_criteria_set(path) for path in paths]
        except (OSError, ValueError, RulesError, ReferenceDataError) as exc:
            raise CommandError(f"无法载入入库标准：{exc}") from exc
        with transaction.atomic():
            for document in documents:
                criteria_set, created = publish_criteria_set(document, model=CriteriaSet)
                if created:
                    self.stdout.write(f"已发布 {criteria_set.code} 第 {criteria_set.version} 版")
                    transaction.on_commit(lambda cs=criteria_set: criteria_set_published.send(
                        sender=CriteriaSet, criteria_set=cs))
                else:
                    self.stdout.write(f"{criteria_set.code} 第 {criteria_set.version} 版未变化")
            transaction.on_commit(clear_caches)
        clear_caches()  # inside an outer transaction on_commit waits; this process must see the change now

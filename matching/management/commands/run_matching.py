from django.core.management.base import BaseCommand, CommandError

from matching.services import runs


class Command(BaseCommand):
    help = "供需匹配：全量匹配所有征集中的需求与可对接专利，或只匹配指定的需求 / 专利。"

    def add_arguments(self, parser):
        parser.add_argument("--demand", type=int, action="append", default=[], help="只匹配该需求（可重复）")
        parser.add_argument("--patent", type=int, action="append", default=[], help="只匹配该专利（可重复）")

    def handle(self, *args, demand, patent, **options):
        if demand and patent:
            raise CommandError("--demand 与 --patent 请分开执行。")
        if demand:
            run = runs.match_demands(demand_ids=demand)
        elif patent:
            run = runs.match_patents(patent_ids=patent)
        else:
            run = runs.match_all()
        if run is None:
            raise CommandError("没有可匹配的对象（需求已关闭或专利已下架？）")
        self.stdout.write(f"{run.get_kind_display()}：{run.message}，耗时 {run.seconds:.2f} 秒")

import time

from django.core.management.base import BaseCommand, CommandError

from ...models import Batch
from ...services.batch_scoring import CHUNK_SIZE, batch_score


class Command(BaseCommand):
    help = "按批次的入库标准重新评分其全部已提交申报（分块、幂等：输入未变的申报不重复计算）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, required=True, help="批次编号")
        parser.add_argument("--chunk", type=int, default=CHUNK_SIZE)
        parser.add_argument("--workers", type=int, default=1, help="并行评分的进程数（默认 1）")

    def handle(self, *args, batch, chunk=CHUNK_SIZE, workers=1, **options):
        try:
            target = Batch.objects.select_related("criteria_set").get(pk=batch)
        except Batch.DoesNotExist as exc:
            raise CommandError(f"批次 {batch} 不存在。") from exc
        started = time.perf_counter()

        def progress(done, total):
            self.stdout.write(f"\r已评分 {done} / {total}", ending="")
            self.stdout.flush()

        result = batch_score(batch=target, chunk_size=chunk, workers=workers, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"\n{target.name}：共 {result['scored']} 件，更新 {result['updated']} 件，"
                          f"未变化 {result['unchanged']} 件；标准 {result['criteria_set']} 第 "
                          f"{result['criteria_set_version']} 版；用时 {elapsed:.1f} 秒。")

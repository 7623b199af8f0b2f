import time

from django.core.management.base import BaseCommand, CommandError

from ...loadgen import generate_applications, load_batch, purge_generated
from ...models import Batch
from ...services.batch_scoring import batch_score


class Command(BaseCommand):
    help = "生成压测用企业与申报数据（按县区分布、通过与不通过比例接近真实），批量写入。"

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="生成的申报数")
        parser.add_argument("--batch", type=int, help="写入的批次编号；不指定则新建一个压测批次")
        parser.add_argument("--province", default="420000", help="企业分布的省份代码（新建批次时使用）")
        parser.add_argument("--seed", type=int, default=20240901)
        parser.add_argument("--chunk", type=int, default=2000)
        parser.add_argument("--score", action="store_true", help="生成后立即批量评分")
        parser.add_argument("--purge", action="store_true", help="先删除以前生成的压测数据")

    def handle(self, *args, applications, batch=None, province="420000", seed=20240901, chunk=2000,
               score=False, purge=False, **options):
        if applications <= 0:
            raise CommandError("--applications 须为正整数。")
        if purge:
            self.stdout.write(f"已删除以前生成的申报 {purge_generated()} 件。")
        try:
            target = load_batch(batch, province)
        except Batch.DoesNotExist as exc:
            raise CommandError(f"批次 {batch} 不存在。") from exc
        started = time.perf_counter()

        def progress(done, total):
            self.stdout.write(f"\r已生成 {done} / {total}", ending="")
            self.stdout.flush()

        written = generate_applications(batch=target, count=applications, seed=seed, chunk_size=chunk,
                                        progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"\n批次 {target.pk}（{target.name}）：生成 {written} 件，用时 {elapsed:.1f} 秒。")
        if score:
            result = batch_score(batch=target)
            self.stdout.write(f"评分完成：{result['scored']} 件，更新 {result['updated']} 件。")

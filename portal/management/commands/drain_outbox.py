from django.core.management.base import BaseCommand

from portal.outbox import drain


class Command(BaseCommand):
    help = "发送因消息队列不可用而暂存的后台任务。"

    def handle(self, *args, **options):
        sent = drain()
        self.stdout.write(f"已发送 {sent} 个后台任务。")

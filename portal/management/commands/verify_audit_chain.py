"""Check that the audit log is intact: every sealed entry's hash, predecessor and sequence number follow.

Seals what is committed and not yet sealed first (unless ``--no-seal``), then walks the chain; exits non-zero
naming the first broken link. Run it from cron or the monitoring system, e.g. daily."""

from django.core.management.base import BaseCommand, CommandError

from portal.services.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = "核验操作日志的哈希链：逐条校验哈希、前一条哈希与链序号，报告第一处断裂。"

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="只核验，不先封存尚未入链的记录")

    def handle(self, *args, no_seal=False, **options):
        if not no_seal:
            seal_pending()
        report = verify_chain()
        if not report.ok:
            entry = report.broken_at
            raise CommandError(
                f"操作日志哈希链在第 {entry.seq} 条（编号 {entry.pk}，{entry.created_at:%Y-%m-%d %H:%M:%S}，"
                f"{entry.actor_name or '—'}，{entry.action}）处断裂：{report.problem}。此前 {report.checked} 条完好。")
        note = f"，另有 {report.unsealed} 条尚未入链" if report.unsealed else ""
        self.stdout.write(f"操作日志哈希链完好：共 {report.checked} 条{note}。")

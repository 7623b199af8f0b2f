"""The whitelist as Excel for a bank (through the shared exporter: write-only, formula-safe, audited).

The exporter is built from a ``PublicationDownload`` record, which holds exactly the entries the person may
receive at the moment of downloading (for a bank: under consent in force that covers it); a large file written
later by the Celery worker holds the same rows. Rows are read as plain values through a server-side cursor.
"""

from __future__ import annotations

from portal.exports import Column, Exporter, iterate
from portal.privacy import mask_row

from .models import GrowthStage, PublicationDownload, PublicationEntry
from .policy import MEMBERSHIP_STATUS_LABELS

STAGES = dict(GrowthStage.choices)
MONEY_FORMAT = "#,##0.00"
FIELDS = ("pk", "position", "enterprise_name", "uscc", "region_name", "membership_status", "need_amount",
          "need_term_months", "need_purpose", "growth_stage", "pledge_assets", "contact_person", "contact_phone")


def assets_text(assets: list) -> str:
    return "；".join(f"{'专利' if a.get('kind') == 'patent' else '商标'} {a.get('number', '')} {a.get('title', '')}".strip()
                    for a in assets or [])


class PublicationExporter(Exporter):
    """授信企业白名单 — one sheet, in the publication's order."""

    title = "授信企业白名单"
    filename = "whitelist"
    columns = [
        Column("序号", lambda r: r["position"], 7),
        Column("企业名称", lambda r: r["enterprise_name"], 34),
        Column("统一社会信用代码", lambda r: r["uscc"], 21),
        Column("所在县（市、区）", lambda r: r["region_name"], 14),
        Column("入库状态", lambda r: MEMBERSHIP_STATUS_LABELS.get(r["membership_status"], r["membership_status"]), 10),
        Column("融资需求金额（元）", lambda r: r["need_amount"], 16, MONEY_FORMAT),
        Column("期限（月）", lambda r: r["need_term_months"], 9),
        Column("融资用途", lambda r: r["need_purpose"], 24),
        Column("成长阶段", lambda r: STAGES.get(r["growth_stage"], r["growth_stage"]), 12),
        Column("可质押知识产权", lambda r: assets_text(r["pledge_assets"]), 40),
        Column("联系人", lambda r: r["contact_person"], 10),
        Column("联系电话", lambda r: r["contact_phone"], 15),
    ]

    def __init__(self, *, user, params: dict | None = None):
        super().__init__(user=user, params=params)
        self.download = (PublicationDownload.objects.select_related("publication")
                         .get(pk=self.params["download"], user=user))
        self.filename = f"whitelist-{self.download.publication.region_id}-v{self.download.publication.number}"

    def count(self) -> int:
        return self.download.entry_count

    def objects(self):
        # The rows between the download's first and last entry (an id range, no long IN list), kept when the
        # download holds them: a revoked consent after the download does not change what this file holds.
        ids = self.download.entry_ids
        if not ids:
            return
        wanted = set(ids)
        rows = (PublicationEntry.objects.filter(publication_id=self.download.publication_id, pk__gte=min(ids),
                                                pk__lte=max(ids)).order_by("position").values(*FIELDS))
        for row in iterate(rows):
            if row["pk"] in wanted:
                yield mask_row(self.user, row)  # contact data masked for banks and bureaus (PIPL)

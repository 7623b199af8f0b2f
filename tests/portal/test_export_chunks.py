"""A large export written in chunks on any worker: the file equals the one written in one go (every sheet, value,
number format, width and the summary), rows carry their numbers, a redelivered chunk counts once, rows that
change between chunks never appear twice or go missing, and text a spreadsheet cannot hold is made safe."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from portal.exports import DATE, MONEY, Column, Exporter
from portal.models import AuditEntry, FanoutRun
from portal.services import fanout
from portal.services.export_runs import export_start, parts_root

pytestmark = pytest.mark.django_db

COUNTIES = ["黄石港区", "西塞山区", "下陆区"]
LISTED: list[tuple[int, str]] = []  # the rows of ``ListedExporter``; a test changes them between chunks


class Row:
    def __init__(self, i):
        self.pk, self.county, self.name = i, COUNTIES[i % 3 if i % 7 else 0], f"企业{i}"
        self.amount = Decimal("1234.5") + i if i % 5 else None
        self.on = date(2026, 3, i % 28 + 1) if i % 2 else datetime(2026, 3, i % 28 + 1, 16, 30, tzinfo=UTC)
        self.share = i / 7


class MixedExporter(Exporter):
    """Grouped, with a money, a date and a percentage column and a summary of its own."""

    title = "测试名单"
    filename = "test-chunks"
    columns = [Column("序号", lambda r: r.pk, 6), Column("企业名称", lambda r: r.name, 30),
               Column("金额（元）", lambda r: r.amount, 16, MONEY), Column("签约日期", lambda r: r.on, 12, DATE),
               Column("占比", lambda r: r.share, 10, "0.00%"), Column("备注", lambda r: "=1+1" if r.pk % 9 else "", 8)]
    summary_headers = ["县（市、区）", "企业数", "金额合计"]

    def __init__(self, *, user, params=None):
        super().__init__(user=user, params=params)
        self.totals: dict[str, list] = {}

    def objects(self):
        return [Row(i) for i in range(1, int(self.params["n"]) + 1)]

    def count(self):
        return int(self.params["n"])

    def group_of(self, obj):
        tally = self.totals.setdefault(obj.county, [0, "0"])
        tally[0] += 1
        tally[1] = str(Decimal(tally[1]) + (obj.amount or 0))
        return obj.county

    def chunk_state(self):
        return self.totals

    def merge_states(self, states):
        self.totals = {}
        for state in states:
            for name, (count, amount) in state.items():
                tally = self.totals.setdefault(name, [0, "0"])
                tally[0] += count
                tally[1] = str(Decimal(tally[1]) + Decimal(amount))

    def summary_rows(self, sheets):
        for name in sheets:
            count, amount = self.totals[name]
            yield [name, count, Decimal(amount)]


class ListedExporter(Exporter):
    title = "变动名单"
    filename = "test-listed"
    columns = [Column("编号", lambda r: r[0], 8), Column("名称", lambda r: r[1], 20)]

    def objects(self):
        return [{"pk": pk, 0: pk, 1: name} for pk, name in LISTED]

    def count(self):
        return len(LISTED)


@pytest.fixture
def held(monkeypatch):
    """Chunks are recorded but not sent: the test delivers them itself."""
    sent = []
    monkeypatch.setattr(fanout, "_dispatch", lambda ids: sent.extend(ids))
    return sent


@pytest.fixture(autouse=True)
def _volume(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


def contents(path: Path) -> dict:
    """Everything a person sees in the file: per sheet its cells (value and number format), widths, frozen row."""
    book = load_workbook(path)
    return {sheet.title: {"cells": [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()],
                          "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
                          "frozen": sheet.freeze_panes} for sheet in book.worksheets}


def serial(exporter: Exporter, tmp_path: Path) -> Path:
    target = tmp_path / "serial.xlsx"
    exporter.write(target)
    return target


def chunked(exporter: Exporter, captured):
    with captured(execute=True):
        job = export_start(exporter)
    job.refresh_from_db()
    return job, Path(exporter_root()) / job.result_file


def exporter_root():
    from django.conf import settings

    return settings.EXPORT_ROOT


def test_a_large_export_in_chunks_is_the_file_written_in_one_go(city_user, settings, tmp_path,
                                                              django_capture_on_commit_callbacks):
    settings.EXPORT_CHUNK_ROWS = 7
    job, path = chunked(MixedExporter(user=city_user, params={"n": 60}), django_capture_on_commit_callbacks)
    run = FanoutRun.objects.get(job_id=job.pk)
    assert run.chunk_count == 9 and run.status == "done"
    assert (job.status, job.done, job.total, job.result) == ("done", 60, 60, {"rows": 60})
    expected = contents(serial(MixedExporter(user=city_user, params={"n": 60}), tmp_path))
    assert contents(path) == expected
    assert list(expected) == ["汇总", "西塞山区", "下陆区", "黄石港区"]
    own = [i for i in range(1, 61) if Row(i).county == "黄石港区"]
    assert expected["汇总"]["cells"][3][:2] == [("黄石港区", "General"), (len(own), "General")]
    assert [row[0][0] for row in expected["黄石港区"]["cells"][1:]] == own
    assert not parts_root(job.pk).exists()  # the parts are gone once the file stands
    entry = AuditEntry.objects.get(action="export.created")
    assert entry.data["rows"] == 60 and entry.data["job"] == job.pk


def test_every_row_and_cell_of_a_chunked_file_carries_its_number(city_user, settings,
                                                                 django_capture_on_commit_callbacks):
    """Some readers (and openpyxl's read-only mode) place a row by its ``r``: the numbers run on across chunks."""
    settings.EXPORT_CHUNK_ROWS = 4
    _, path = chunked(MixedExporter(user=city_user, params={"n": 30}), django_capture_on_commit_callbacks)
    own = [i for i in range(1, 31) if Row(i).county == "黄石港区"]  # 13 rows, in four chunks
    with ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet4.xml").decode()  # 汇总, 西塞山区, 下陆区, 黄石港区
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert numbers == list(range(1, len(own) + 2))  # the header, then each row
    assert f'<c r="B{len(own) + 1}"' in xml
    values = [row for row in load_workbook(path, read_only=True)["黄石港区"].iter_rows(values_only=True)]
    assert [row[0] for row in values[1:]] == own


def test_a_redelivered_chunk_writes_its_rows_once(city_user, settings, held, tmp_path):
    settings.EXPORT_CHUNK_ROWS = 10
    job = export_start(MixedExporter(user=city_user, params={"n": 25}))
    assert len(held) == 0  # the start itself is queued after the commit
    from portal.services.export_runs import export_run_start

    export_run_start(job_id=job.pk)
    export_run_start(job_id=job.pk)  # the starting task delivered twice: the same run, its chunks sent again
    assert FanoutRun.objects.filter(job_id=job.pk).count() == 1
    first, second, third = held[:3]
    fanout.chunk_execute(chunk_id=first, worker="w1")
    fanout.chunk_execute(chunk_id=first, worker="w2")  # acknowledged late, delivered again
    fanout.chunk_execute(chunk_id=third, worker="w2")
    fanout.chunk_execute(chunk_id=second, worker="w1")
    job.refresh_from_db()
    assert (job.status, job.done, job.result) == ("done", 25, {"rows": 25})
    path = Path(exporter_root()) / job.result_file
    assert contents(path) == contents(serial(MixedExporter(user=city_user, params={"n": 25}), tmp_path))
    assert AuditEntry.objects.filter(action="export.created").count() == 1


def test_rows_added_between_chunks_are_neither_lost_nor_written_twice(city_user, settings, held, monkeypatch):
    monkeypatch.setattr("tests.portal.test_export_chunks.LISTED", [(i, f"行{i}") for i in range(1, 10)])
    settings.EXPORT_CHUNK_ROWS = 5
    job = export_start(ListedExporter(user=city_user))
    from portal.services.export_runs import export_run_start

    export_run_start(job_id=job.pk)
    fanout.chunk_execute(chunk_id=held[0], worker="w1")
    LISTED.insert(0, (0, "新增行"))  # shifts every later row by one: the second window starts on a written row
    fanout.chunk_execute(chunk_id=held[1], worker="w1")
    job.refresh_from_db()
    assert job.status == "done" and job.result == {"rows": 10, "rewritten": True}
    rows = list(load_workbook(Path(exporter_root()) / job.result_file)["变动名单"].iter_rows(min_row=2,
                                                                                             values_only=True))
    assert [r[0] for r in rows] == list(range(10))


def test_text_a_spreadsheet_cannot_hold_is_made_safe(city_user, tmp_path):
    """Control characters are not allowed in the file's XML (Excel refuses the whole file); a cell holds at most
    32,767 characters."""

    class Odd(ListedExporter):
        def objects(self):
            return [{0: 1, 1: "甲\x01乙\x1f丙"}, {0: 2, 1: "长" * 40_000}, {0: 3, 1: "第一行\n第二行"}]

        def count(self):
            return 3

    values = [r[1] for r in load_workbook(serial(Odd(user=city_user), tmp_path))["变动名单"].iter_rows(
        min_row=2, values_only=True)]
    assert values[0] == "甲乙丙" and len(values[1]) == 32_767 and values[2] == "第一行\n第二行"


def test_an_export_without_rows_still_gives_its_headers(city_user, settings, django_capture_on_commit_callbacks):
    job, path = chunked(MixedExporter(user=city_user, params={"n": 0}), django_capture_on_commit_callbacks)
    assert job.status == "done" and job.result == {"rows": 0}
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "测试名单"]
    assert [c.value for c in book["测试名单"][1]] == ["序号", "企业名称", "金额（元）", "签约日期", "占比", "备注"]

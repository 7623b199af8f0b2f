"""Reference data the evaluators read, as plain Python built once from the reference tables.

``ReferenceData`` holds the SME size table (中小企业划型标准规定) with its GB/T 4754 index, the patent-intensive
industry table (知识产权（专利）密集型产业统计分类) and the region names; it is immutable, so one instance is shared
by every evaluation of a batch and by every request of a process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SECTION_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRST")


@dataclass(frozen=True)
class SmeRow:
    """One industry row: an enterprise is an SME when strictly below at least one of the ceilings given."""

    code: str
    name: str
    employees_below: int | None
    revenue_below: Decimal | None  # yuan
    total_assets_below: Decimal | None  # yuan


@dataclass(frozen=True)
class SmeTable:
    rows: dict[str, SmeRow]
    index: dict[str, str]  # GB/T 4754 code prefix (2–4 digits) → row code

    def row_for(self, industry_digits: str) -> SmeRow | None:
        for length in range(len(industry_digits), 1, -1):
            code = self.index.get(industry_digits[:length])
            if code is not None:
                return self.rows[code]
        return None


@dataclass(frozen=True)
class IndustryEntry:
    code: str
    name: str
    category: str
    partial: bool  # only part of the industry class belongs to the patent-intensive category


@dataclass(frozen=True)
class ReferenceData:
    sme_tables: dict[str, SmeTable] = field(default_factory=dict)
    industry_tables: dict[str, dict[str, IndustryEntry]] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    #: a fingerprint of the tables' content: stored evaluations can tell whether the reference data changed
    digest: str = ""


def fingerprint(sme_tables: dict, industry_tables: dict, region_names: dict) -> str:
    parts = [sorted((version, sorted(table.rows.items()), sorted(table.index.items()))
                    for version, table in sme_tables.items()),
             sorted((version, sorted(table.items())) for version, table in industry_tables.items()),
             sorted(region_names.items())]
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def industry_digits(value: str) -> str:
    """``"C3511"``, ``"c 35 11"`` or ``"3511"`` → ``"3511"``; anything that is not 2–4 digits → ``""``."""
    compact = "".join(value.split()).upper()
    if compact[:1] in SECTION_LETTERS:
        compact = compact[1:]
    return compact if compact.isdigit() and 2 <= len(compact) <= 4 else ""


def build_sme_table(rows: list[SmeRow], index: dict[str, str]) -> SmeTable:
    return SmeTable(rows={row.code: row for row in rows}, index=dict(index))


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def build_reference(sme_rows: Iterable[Mapping], industry_rows: Iterable[Mapping],
                    region_names: Mapping[str, str]) -> ReferenceData:
    """``ReferenceData`` with its fingerprint, from rows shaped like the tables' fields (model ``values()`` or
    the parsed CSV files), so the database and the shipped files give the same structures.

    ``sme_rows`` come in table order (version, position); a later row wins an industry code both list."""
    grouped: dict[str, tuple[list, dict]] = {}
    for item in sme_rows:
        rows, index = grouped.setdefault(item["table_version"], ([], {}))
        rows.append(SmeRow(item["code"], item["name"], item["employees_below"], _amount(item["revenue_below"]),
                           _amount(item["total_assets_below"])))
        for prefix in item["industry_codes"]:
            index[str(prefix)] = item["code"]
    sme = {version: build_sme_table(rows, index) for version, (rows, index) in grouped.items()}
    industries: dict[str, dict[str, IndustryEntry]] = {}
    for item in industry_rows:
        industries.setdefault(item["table_version"], {})[item["industry_code"]] = IndustryEntry(
            item["industry_code"], item["industry_name"], item["category_name"], item["partial"])
    regions = dict(region_names)
    return ReferenceData(sme_tables=sme, industry_tables=industries, region_names=regions,
                         digest=fingerprint(sme, industries, regions))

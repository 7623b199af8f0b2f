"""GB/T 2260 region codes from the table python-stdnum ships (stdnum/cn/loc.dat), current codes only.

Each line of that table is a code with one or more names, each name carrying the years it was in force
(``[1983-2000]石灰窑区,[2001-]西塞山区``). A code is current when its last name has no end year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

NAME_RE = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")
#: The names the table writes in traditional characters; the portal writes every name in simplified characters.
#: Listed, not converted by a character converter: one would also turn 乾安县 and 乾县 into 干…, which they are not.
SIMPLIFIED = {"香港特別行政區": "香港特别行政区", "澳門特別行政區": "澳门特别行政区", "加格達奇區": "加格达奇区",
              "松嶺區": "松岭区", "新林區": "新林区", "呼中區": "呼中区"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None


def current_name(raw: str) -> str | None:
    """The region's name today, or None when its last name has an end year (abolished or renamed away)."""
    last = raw.split(",")[-1].strip()
    match = NAME_RE.match(last)
    if not match:
        return None
    _start, end, name = match.groups()
    return None if end else SIMPLIFIED.get(name.strip(), name.strip())


def _lines() -> Iterator[tuple[str, str]]:
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.match(r'^(\s*)(\d+)\s+(?:province|county)="(.*)"', line)
        if not match:
            continue
        indent, digits, raw = match.groups()
        if not indent:
            province = digits
            yield f"{digits}0000", raw
        else:
            yield f"{province}{digits}", raw


def region_rows() -> list[RegionRow]:
    rows: list[RegionRow] = []
    present: set[str] = set()
    for code, raw in _lines():
        if code.endswith("0000"):
            if code in present:
                continue  # the province repeats itself as its first county line
            name = current_name(raw)
            if name:
                rows.append(RegionRow(code, name, "province", None))
                present.add(code)
            continue
        name = current_name(raw)
        if not name:
            continue
        province = f"{code[:2]}0000"
        if code.endswith("00"):
            if name in PLACEHOLDERS and code[2:4] != "01":
                continue
            rows.append(RegionRow(code, name, "city", province))
        else:
            if name in PLACEHOLDERS:
                continue
            city = f"{code[:4]}00"
            rows.append(RegionRow(code, name, "county", city if city in present else province))
        present.add(code)
    return [r for r in rows if r.parent is None or r.parent in present]

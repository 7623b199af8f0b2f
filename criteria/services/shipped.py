"""Loading the data the criteria ship with: criteria sets (JSON) and reference tables (CSV).

The functions take the model classes as arguments so the data migration can run them on historical models;
the management commands pass the real ones. A file is always the whole table of the versions it names.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..reference import build_reference
from ..rules import build_rules

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CRITERIA_SET_DIR = DATA_DIR / "criteria_sets"
SME_FILE = DATA_DIR / "sme_size_thresholds.csv"
INDUSTRY_FILE = DATA_DIR / "patent_intensive_industries.csv"
DEFAULTS_FILE = DATA_DIR / "defaults.json"  # {"criteria_set": code used when a caller names none}
WAN = Decimal(10000)


class ReferenceDataError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


def read_csv(source) -> list[tuple[int, dict]]:
    """Rows of a CSV file (path, bytes or text stream) with their line numbers; ``#`` lines are comments."""
    if isinstance(source, (str, Path)):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        raw = source.read()
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        return []
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in numbered)))
    return [(numbered[i + 1][0], {k.strip(): (v or "").strip() for k, v in row.items() if k})
            for i, row in enumerate(reader)]


def _amount(value: str, line: int, label: str, errors: list) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value) * WAN
    except InvalidOperation:
        errors.append(f"第 {line} 行：{label}“{value}”不是数字")
        return None
    return amount


def parse_sme_rows(rows: list[tuple[int, dict]]) -> list[dict]:
    errors, parsed, seen = [], [], set()
    for position, (line, row) in enumerate(rows):
        version, code, name = row.get("table_version", ""), row.get("code", ""), row.get("name", "")
        if not version or not code or not name:
            errors.append(f"第 {line} 行：table_version、code、name 不能为空")
            continue
        employees = row.get("employees_below", "")
        if employees and not employees.isdigit():
            errors.append(f"第 {line} 行：从业人员上限“{employees}”应为整数")
        codes = row.get("industry_codes", "").split()
        if any(not c.isdigit() or not 2 <= len(c) <= 4 for c in codes):
            errors.append(f"第 {line} 行：行业代码应为 2–4 位数字")
        item = {"table_version": version, "code": code, "name": name, "position": position,
                "employees_below": int(employees) if employees.isdigit() else None,
                "revenue_below": _amount(row.get("revenue_below_wan", ""), line, "营业收入上限", errors),
                "total_assets_below": _amount(row.get("total_assets_below_wan", ""), line, "资产总额上限", errors),
                "industry_codes": codes}
        if not any(item[k] is not None for k in ("employees_below", "revenue_below", "total_assets_below")):
            errors.append(f"第 {line} 行：至少应有一个上限")
        if (version, code) in seen:
            errors.append(f"第 {line} 行：行业代号 {code} 重复")
        seen.add((version, code))
        parsed.append(item)
    if errors or not parsed:
        raise ReferenceDataError(errors or ["文件中没有数据行"])
    return parsed


def parse_industry_rows(rows: list[tuple[int, dict]]) -> list[dict]:
    errors, parsed, seen = [], [], set()
    for line, row in rows:
        version, code = row.get("table_version", ""), row.get("industry_code", "")
        if not version or len(code) != 4 or not code.isdigit():
            errors.append(f"第 {line} 行：table_version 不能为空，industry_code 应为 4 位数字")
            continue
        if not row.get("industry_name") or not row.get("category_name"):
            errors.append(f"第 {line} 行：行业名称和分类名称不能为空")
        if (version, code) in seen:
            errors.append(f"第 {line} 行：行业代码 {code} 重复")
        seen.add((version, code))
        parsed.append({"table_version": version, "industry_code": code, "industry_name": row.get("industry_name", ""),
                       "category_code": row.get("category_code", ""), "category_name": row.get("category_name", ""),
                       "partial": row.get("partial", "0").strip().lower() in {"1", "true", "是", "*"}})
    if errors or not parsed:
        raise ReferenceDataError(errors or ["文件中没有数据行"])
    return parsed


def replace_table(model, items: list[dict], key_fields: tuple[str, str]) -> int:
    """Make the model's rows of each version in ``items`` exactly ``items``; returns the rows written."""
    version_field, code_field = key_fields
    for version in {item[version_field] for item in items}:
        codes = [item[code_field] for item in items if item[version_field] == version]
        model.objects.filter(**{version_field: version}).exclude(**{f"{code_field}__in": codes}).delete()
    for item in items:
        lookup = {version_field: item[version_field], code_field: item[code_field]}
        model.objects.update_or_create(**lookup, defaults={k: v for k, v in item.items() if k not in lookup})
    return len(items)


def load_sme_thresholds(source, *, model) -> int:
    return replace_table(model, parse_sme_rows(read_csv(source)), ("table_version", "code"))


def load_patent_intensive(source, *, model) -> int:
    return replace_table(model, parse_industry_rows(read_csv(source)), ("table_version", "industry_code"))


def read_criteria_set(path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("code", "name", "parameters", "weights"):
        if key not in data:
            raise ReferenceDataError([f"{Path(path).name}：缺少 {key}"])
    build_rules(code=data["code"], version=0, parameters=data["parameters"], weights=data["weights"])
    return data


def publish_criteria_set(data: dict, *, model):
    """Create a new version of ``data["code"]`` unless the newest version already says exactly the same."""
    latest = model.objects.filter(code=data["code"]).order_by("-version").first()
    fields = {"name": data["name"], "description": data.get("description", ""),
              "parameters": data["parameters"], "weights": data["weights"]}
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return latest, False
    created = model.objects.create(code=data["code"], version=(latest.version + 1) if latest else 1, **fields)
    return created, True


def shipped_criteria_set_files() -> list[Path]:
    return sorted(CRITERIA_SET_DIR.glob("*.json"))


def reference_from_files(*, sme=SME_FILE, industry=INDUSTRY_FILE, region_names: dict | None = None):
    """``ReferenceData`` straight from CSV files, without a database (benchmarks, pure tests)."""
    return build_reference(parse_sme_rows(read_csv(sme)), parse_industry_rows(read_csv(industry)),
                           region_names or {})


def rules_from_file(path):
    """``CriteriaRules`` of a criteria-set JSON file (version 0: not a published version)."""
    data = read_criteria_set(path)
    return build_rules(code=data["code"], version=0, parameters=data["parameters"], weights=data["weights"])

from django import template

from ..evidence import evidence_rows

register = template.Library()


@register.filter(name="evidence_rows")
def evidence_rows_filter(evidence) -> list[tuple[str, str]]:
    """An evaluator's evidence as ``(label, text)`` rows in Chinese."""
    return evidence_rows(evidence)


_names: dict[tuple[str, int], str] = {}


@register.filter(name="criteria_set_name")
def criteria_set_name(code: str, version) -> str:
    """「全国入库标准（2024）第 2 版」 for a code and version (a published version never changes, so it is cached)."""
    from ..models import CriteriaSet

    key = (code, int(version or 0))
    if key not in _names:
        name = CriteriaSet.objects.filter(code=code, version=key[1]).values_list("name", flat=True).first()
        if name is None:
            return f"第 {key[1]} 版入库标准"
        _names[key] = name
    return f"{_names[key]}第 {key[1]} 版"


_materials: dict[tuple[str, int], dict] = {}


@register.filter(name="criterion_materials")
def criterion_materials(criteria_set: dict, number) -> tuple[str, ...]:
    """The documents criterion ``number`` needs under ``{code, version}`` (a published version never changes, so
    its list is cached)."""
    from ..models import CriteriaSet
    from ..services import rules_for

    key = (str((criteria_set or {}).get("code", "")), int((criteria_set or {}).get("version") or 0))
    if key not in _materials:
        from ..rules import RulesError

        found = CriteriaSet.objects.filter(code=key[0], version=key[1]).first()
        if found is None:
            return ()
        try:
            _materials[key] = rules_for(found).materials
        except RulesError:
            _materials[key] = {}
    return _materials[key].get(int(number), ())

"""The summary follows the records: a source model's save or delete refreshes the summary rows of the months (or
entities) the record counted in before the change and counts in after it, in the change's own transaction.

Which models are sources, and how a changed object leads to the records it moves, is each indicator's
``sources`` (``portal.indicators.Indicator``). Connected once by ``PortalConfig.ready``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from django.apps import apps
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .summary import Series, add_to_months, all_series, contribution, refresh_entities

BEFORE = "_kpi_summary_before"


@cache
def _families() -> dict[type, list[tuple[str | object, list[Series]]]]:
    """``{source model: [(how a change reaches the records, [series over those records])]}``."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for series in all_series():
        for label, how in series.indicator.sources:
            grouped[apps.get_model(label)][(series.indicator.records, how)].append(series)
    return {model: [(how, members) for (_, how), members in families.items()]
            for model, families in grouped.items()}


def _keys(instance, how, members: list[Series]) -> dict[str, Counter | set]:
    """What the records ``instance`` reaches count in: per summed series, their contributions by (region,
    year × 100 + month); per distinct series, the entities. One grouped query for all the series over the same
    records (by primary or foreign key: no pass over the other records)."""
    if callable(how):
        condition = how(instance)
        if condition is None:
            return {}
    else:
        condition = Q(**{f"{how}__pk" if how else "pk": instance.pk})
    fields, names = {}, {}
    for series in members:
        for path in (series.indicator.date_field, series.indicator.region_field,
                     series.measure.field if series.distinct else None):
            if path and path not in names:
                names[path] = f"k{len(names)}"
                fields[names[path]] = F(path)
    sums = {f"c{i}": contribution(series) for i, series in enumerate(members) if not series.distinct}
    queryset = members[0].indicator.records().filter(condition).annotate(**fields)
    rows = list(queryset.values(*fields).annotate(**sums).order_by())
    keys: dict[str, Counter | set] = {}
    for i, series in enumerate(members):
        if series.distinct:
            keys[series.key] = {row[names[series.measure.field]] for row in rows}
            continue
        mine = keys[series.key] = Counter()
        for row in rows:
            day, region = row[names[series.indicator.date_field]], row[names[series.indicator.region_field]]
            if day is not None and region is not None:
                mine[(region, day.year * 100 + day.month)] += row[f"c{i}"] or 0
    return keys


def _reached(instance, *, deleting: bool = False) -> list[tuple[list[Series], dict]]:
    """Per family of series the instance is a source of, what it reaches. A deleted record leaves a summed
    series through its own delete only (a cascade from its match sends the record's own signals too; taking
    it away again from the match's would take it away twice); distinct series are recomputed, so either will do."""
    reached = []
    for how, members in _families().get(type(instance), []):
        if deleting and how != "":
            members = [s for s in members if s.distinct]
        if members:
            reached.append((members, _keys(instance, how, members)))
    return reached


def _before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or getattr(instance._state, "adding", False):
        return
    setattr(instance, BEFORE, {id(members): keys for members, keys in _reached(instance)})


def _before_delete(sender, instance, **kwargs):
    setattr(instance, BEFORE, _reached(instance, deleting=True))


def _refresh(members: list[Series], before: dict, after: dict) -> None:
    for series in members:
        if series.distinct:
            refresh_entities(series, set(before.get(series.key, ())) | set(after.get(series.key, ())))
            continue
        delta = Counter(after.get(series.key, {}))
        delta.subtract(before.get(series.key, {}))
        add_to_months(series, delta)


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop(BEFORE, {})
    for members, after in _reached(instance):
        _refresh(members, before.get(id(members), {}), after)


def _deleted(sender, instance, **kwargs):
    for members, before in instance.__dict__.pop(BEFORE, []):
        _refresh(members, before, {})


def connect() -> None:
    for model in _families():
        uid = f"kpi-summary-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)

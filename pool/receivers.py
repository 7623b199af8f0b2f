"""When the rules or the lists behind the verdicts change, open batches are re-scored (queued after commit)."""

from django.dispatch import receiver

from criteria.signals import criteria_set_published, lists_changed

from .models import Batch


def _open_batches():
    return Batch.objects.open_on().select_related("criteria_set")


@receiver(lists_changed, dispatch_uid="pool.rescore_on_lists_changed")
def rescore_on_lists_changed(sender, list_type: str = "", **kwargs):
    from .services.batches import batch_score_queue

    for batch in _open_batches():
        batch_score_queue(batch=batch, reason=f"名单更新：{list_type}")


@receiver(criteria_set_published, dispatch_uid="pool.rescore_on_criteria_set_published")
def rescore_on_criteria_set_published(sender, criteria_set=None, **kwargs):
    from .services.batches import batch_adopt_criteria_version, batch_score_queue

    if criteria_set is None:
        return
    for batch in _open_batches().filter(criteria_set__code=criteria_set.code):
        if batch.criteria_set_id == criteria_set.pk:
            batch_score_queue(batch=batch, reason=f"入库标准已发布：{criteria_set}")
        else:
            batch_adopt_criteria_version(batch=batch, criteria_set=criteria_set)


@receiver(lists_changed, dispatch_uid="pool.lifecycle_list_hits")
def lifecycle_list_hits_on_lists_changed(sender, list_type: str = "", **kwargs):
    """Cultivating members on the imported list get a misconduct record and a removal proposal."""
    from .services.lifecycle.misconduct import list_hits_on_import

    if list_type:
        list_hits_on_import(list_type=list_type)

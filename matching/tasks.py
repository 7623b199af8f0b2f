"""Celery tasks of matching: thin, idempotent wrappers that load by id and call a service."""

from celery import shared_task

from .services import runs


@shared_task(name="matching.run_matching", acks_late=True)
def run_matching(run_id: int) -> None:
    """A requested full batch, fanned out in demand chunks over the workers (a finished run is left alone, a
    started one resumed)."""
    runs.matching_run_execute(run_id=run_id)


@shared_task(name="matching.match_demands", ignore_result=True)
def match_demands(demand_ids: list[int]) -> None:
    """New or changed demands; re-running rebuilds the same lists."""
    runs.match_demands(demand_ids=demand_ids)


@shared_task(name="matching.match_patents", ignore_result=True)
def match_patents(patent_ids: list[int]) -> None:
    """New or changed patents; re-running rebuilds the same lists."""
    runs.match_patents(patent_ids=patent_ids)


@shared_task(name="matching.match_all", ignore_result=True)
def match_all() -> None:
    """The nightly full batch: corrects what incremental runs approximate (a grown catalogue shifts scores)."""
    runs.match_all_fanout()


@shared_task(name="matching.send_weekly_digests", ignore_result=True)
def send_weekly_digests() -> None:
    """The weekly push; a second run in the same week sends nothing more to anyone already served."""
    from .services.digest import send_weekly_digests as send

    send()

"""Handlers used by the fan-out tests; named by dotted path, so real worker processes import them too."""

import os
import time
from pathlib import Path

from django.conf import settings

from matching.services.fanout import MatchingFanout
from pool.services.batch_scoring import ScoringFanout
from portal.services.audit import audit
from tests.portal.test_export_chunks import MixedExporter


class Counting:
    """A chunk "works" its id range; the finish writes one audit entry, so the tests can count finishes."""

    def chunk(self, run, chunk) -> dict:
        return {"ids": chunk.hi - chunk.lo + 1}

    def finish(self, run, results):
        total = sum(r["ids"] for r in results)
        audit(actor=None, action="batch.scored", actor_name="测试", data={"ids": total})
        return {"ids": total}, f"共 {total} 项"


class Failing(Counting):
    def chunk(self, run, chunk) -> dict:
        if chunk.index == 1:
            raise ValueError("数据有误")
        return super().chunk(run, chunk)


class SlowFirstAttempt(ScoringFanout):
    """Scoring whose second chunk hangs on its first attempt, so a test can kill the worker process under it."""

    def chunk(self, run, chunk) -> dict:
        if chunk.index == 1 and chunk.attempts == 1:
            time.sleep(120)
        return super().chunk(run, chunk)


class SlowMatchingAfterStoring(MatchingFanout):
    """Matching whose second chunk hangs on its first attempt after its rows are stored and committed, so a test
    can kill the worker process between storing and counting the chunk: the redelivered chunk stores again."""

    def chunk(self, run, chunk) -> dict:
        result = super().chunk(run, chunk)
        if chunk.index == 1 and chunk.attempts == 1:
            time.sleep(120)
        return result


COUNTING = Counting()
FAILING = Failing()
SLOW_SCORING = SlowFirstAttempt()
SLOW_MATCHING = SlowMatchingAfterStoring()



class HangingExporter(MixedExporter):
    """An export whose first window past the start hangs on its first attempt; the marker file on the shared
    volume holds the process id, so a test can kill the worker process under it."""

    def window(self, offset, stop):
        marker = Path(settings.EXPORT_ROOT) / "hang-once"
        if offset and not marker.exists():
            # the other worker may not have made the volume's folder yet (it makes it for its first part)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(os.getpid()))
            time.sleep(600)
        return super().window(offset, stop)

#!/usr/bin/env python
"""Load: 50 reviewers at once on gunicorn (4 workers) and PostgreSQL for 60 s, on their queue, an application's
detail and the decide form (a criterion's override saved), against a one-query Django view served the same way.

    createdb -h 127.0.0.1 -U postgres probe_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/probe_bench python bench/load.py
    DATABASE_URL=… python bench/load.py --reviewers 50 --seconds 60 --applications 3000

The database gets the demo data and ``--applications`` generated, scored applications (reused when present);
every county bureau with a queue gets reviewers until there are ``--reviewers``, each logged in beforehand (a
session in the database, no login requests in the measurement). Each reviewer, in its own thread, loops: its
queue page, one application of its queue, and an override of that application's first criterion with its reasons
(POST, CSRF token sent; the outcome opposite to the machine's) — the decide page's criterion form, saved with its
audit entry, which leaves the application decidable for the next round. Loopback only, one connection per request
(gunicorn's sync workers close each one). The same reviewers request the one-query view for
``--baseline-seconds``, half before the pages and half after.

A measurement is ``--rounds`` such rounds (3), the database vacuumed before each; the figures are the median
round's, with every round's ratio beside them. Figures: errors in all rounds (a page not answering 200, an
override not answering 302 or answering it without being saved, a failed connection; 0 expected), p50/p95 per
page and overall, requests/s, and requests/s as a share of the one-query view's (target ≥ 50 %).

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
# Measured as deployed: DEBUG off (no query log, production template settings), cookies over plain HTTP on loopback.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # inherited by the server it starts
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # plain HTTP on loopback: TLS ends at the proxy in production
os.environ.setdefault("OTP_REQUIRED", "false")  # sessions are made signed in; the second factor is not timed
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
from _setup import ROOT, prepare_database, require_postgresql, setup_django  # noqa: E402

CSRF = "".join(random.Random(7).choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))


def bench_data(applications: int, reviewers: int) -> list[dict]:
    """Demo data, the generated applications, and ``reviewers`` county reviewers with their queues and a
    session each: ``[{"session": key, "ids": [application ids of its queue], "override": {id: outcome}}]``."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db.models import Count

    from pool.loadgen import generate_applications, load_batch
    from pool.models import Application, ApplicationStatus
    from pool.services.batch_scoring import batch_score
    from portal.models import Region, User
    from portal.security import backends
    from portal.services.accounts import bureau_for_region

    if not User.objects.filter(username="demo_county").exists():
        call_command("seed_demo", force=True, verbosity=0)
    generated = Application.objects.filter(batch__name__startswith="压测批次")
    if not generated.exists():
        batch = load_batch(None, "420000")
        print(f"generating {applications} applications …", flush=True)
        generate_applications(batch=batch, count=applications)
        batch_score(batch=batch, workers=1)
    queues = (Application.objects.filter(status=ApplicationStatus.SUBMITTED, current_revision__isnull=False)
              .values("region_id").annotate(n=Count("pk")).filter(n__gte=5).order_by("-n", "region_id"))
    counties = [row["region_id"] for row in queues]
    people = []
    for index in range(reviewers):
        code = counties[index % len(counties)]
        bureau = bureau_for_region(Region.objects.get(code=code))
        user, created = User.objects.get_or_create(username=f"bench_reviewer_{index:02d}",
                                                   defaults={"organisation": bureau, "full_name": f"压测审核员{index}"})
        if created:
            user.set_password(secrets.token_urlsafe(16))
            user.save()
        elif user.organisation_id != bureau.pk:  # a later run's queues may rank the counties otherwise
            User.objects.filter(pk=user.pk).update(organisation=bureau)
            user.refresh_from_db()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backends.PATH  # what signing in records
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        ids = list(Application.objects.filter(region_id=code, status=ApplicationStatus.SUBMITTED,
                                              current_revision__isnull=False).order_by("pk")
                   .values_list("pk", flat=True)[:200])
        override = overrides_of(ids)
        people.append({"session": session.session_key, "ids": list(override), "override": override})
    return people


def overrides_of(ids: list[int]) -> dict[int, str]:
    """The override a reviewer may save on criterion 1 of each application: the outcome opposite to the machine's
    (the same outcome is refused as no override; an application without a result is left out)."""
    from pool.models import Application
    from pool.models.review import Outcome
    from pool.services.review.criteria import machine_state

    opposite = {Outcome.PASS: Outcome.FAIL, Outcome.FAIL: Outcome.PASS}
    overrides = {}
    for application in Application.objects.filter(pk__in=ids).select_related("batch__criteria_set").order_by("pk"):
        state = machine_state(application, 1)
        if state is not None and state.machine_outcome in opposite:
            overrides[application.pk] = opposite[state.machine_outcome]
    return overrides


def overrides_saved() -> int:
    """Criterion overrides recorded so far (each saved override writes one audit entry)."""
    from portal.models import AuditEntry

    return AuditEntry.objects.filter(action="application.criterion_overridden").count()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "load_settings", "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--pythonpath", f"{BENCH},{ROOT}", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning", "portal.wsgi"],
        env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not start")


class Reviewer(threading.Thread):
    def __init__(self, port: int, person: dict, stop_at: float, pages: str, rng: random.Random):
        super().__init__(daemon=True)
        self.port, self.person, self.stop_at, self.pages, self.rng = port, person, stop_at, pages, rng
        self.times: dict[str, list[float]] = {}
        self.done_in_time = 0  # answered before the phase's end: what requests/s counts
        self.errors: list[str] = []
        self.cookie = f"sessionid={person['session']}; csrftoken={CSRF}"

    def call(self, name: str, method: str, path: str, body: dict | None = None, expect: int = 200) -> None:
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF}
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != expect:  # a redirect to the login or elsewhere is an error too
                self.errors.append(f"{name} {path}: {response.status}")
        except OSError as error:
            self.errors.append(f"{name} {path}: {error}")
            return
        self.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        if time.time() <= self.stop_at:
            self.done_in_time += 1

    def run(self) -> None:
        while time.time() < self.stop_at:
            if self.pages == "baseline":
                self.call("one_query", "GET", "/bench/one-query/")
                continue
            pk = self.rng.choice(self.person["ids"])
            self.call("queue", "GET", "/pool/review/?status=submitted")
            if time.time() >= self.stop_at:
                break
            self.call("detail", "GET", f"/pool/review/{pk}/")
            if time.time() >= self.stop_at:
                break
            self.call("decide", "POST", f"/pool/review/{pk}/criteria/1/",
                      {"outcome": self.person["override"][pk], "justification": "已核对营业执照与专利证书。"},
                      expect=302)


def cpu_seconds(server_pid: int) -> dict:
    """CPU seconds used so far by the client (this process), the server's processes and PostgreSQL's (a local
    server's backends, read from /proc): where a phase's machine time went."""
    tick = os.sysconf("SC_CLK_TCK")
    server = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        if int(fields[3]) == server_pid:  # process group: gunicorn's master and workers
            server += used
        elif name.startswith("postgres"):
            postgres += used
    client = os.times()
    return {"client": client.user + client.system, "server": server, "postgres": postgres}


class Phase:
    """The requests of one kind (the reviewers' pages, or the one-query view), over one or more runs of the
    reviewers' threads: their times, errors, the requests answered within each run, and the CPU used meanwhile."""

    def __init__(self, server_pid: int = 0):
        self.server_pid = server_pid
        self.threads: list[Reviewer] = []
        self.length = self.elapsed = 0.0
        self.cpu = {"client": 0.0, "server": 0.0, "postgres": 0.0}

    def run(self, port: int, people: list[dict], seconds: float, pages: str) -> None:
        cpu_before = cpu_seconds(self.server_pid) if self.server_pid else None
        began = time.time()
        threads = [Reviewer(port, person, began + seconds, pages, random.Random(i)) for i, person in enumerate(people)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.elapsed += time.perf_counter() - started
        self.length += seconds
        self.threads += threads
        if cpu_before:
            after = cpu_seconds(self.server_pid)
            for part in self.cpu:
                self.cpu[part] += after[part] - cpu_before[part]

    def figures(self) -> dict:
        merged: dict[str, list[float]] = {}
        errors = [e for t in self.threads for e in t.errors]
        for thread in self.threads:
            for name, times in thread.times.items():
                merged.setdefault(name, []).extend(times)
        every = sorted(t for times in merged.values() for t in times)
        figures = {"requests": len(every), "errors": len(errors), "seconds": round(self.elapsed, 1),
                   # Requests answered within the runs, over their length: the ones still running at a run's end
                   # (up to one per reviewer, longer on the heavier pages) would lengthen the runs unevenly.
                   "requests_per_s": round(sum(t.done_in_time for t in self.threads) / self.length, 1),
                   **percentiles(every)}
        figures["pages"] = {name: {"requests": len(times), **percentiles(sorted(times))}
                            for name, times in merged.items()}
        figures["first_errors"] = errors[:5]
        if self.server_pid:
            figures["cpu_ms_per_request"] = {part: round(used * 1000 / max(len(every), 1), 2)
                                             for part, used in self.cpu.items()}
        return figures


def percentiles(times: list[float]) -> dict:
    if not times:
        return {"p50_ms": None, "p95_ms": None}
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 1)}


def vacuum() -> None:
    """Every table vacuumed and analysed, as autovacuum keeps them in service (off on the bench's server).

    Without the statistics the planner takes the regions, batches and evaluations for empty tables; without the
    vacuum each run walks the dead rows of the runs before it (two runs left 27,466 dead versions of the
    reviewers' 50 session rows, every request's session read and write passing through them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connections_close()


def measure_round(port: int, people: list[dict], server_pid: int, args) -> tuple[dict, dict, float]:
    """One round: the yardstick half before the pages and half after (the machine's speed drifts over minutes on
    a shared host, and the work the pages' writes leave behind — checkpoints, the audit seal — runs after them;
    bracketed, the yardstick meets both as the pages do). Returns the pages' figures, the yardstick's and the
    ratio of their requests/s."""
    vacuum()
    yardstick, pages = Phase(server_pid), Phase(server_pid)
    yardstick.run(port, people, args.baseline_seconds / 2, "baseline")
    saved_before = overrides_saved()
    connections_close()
    pages.run(port, people, args.seconds, "reviewers")
    unsaved = sum(len(t.times.get("decide", [])) for t in pages.threads) - (overrides_saved() - saved_before)
    connections_close()
    yardstick.run(port, people, args.baseline_seconds / 2, "baseline")
    reviewers, baseline = pages.figures(), yardstick.figures()
    if unsaved:  # answered 302 like a saved one, but refused: the page measured was not the one meant
        reviewers["errors"] += unsaved
        reviewers["first_errors"].append(f"decide: {unsaved} overrides answered 302 without being saved")
    ratio = reviewers["requests_per_s"] / baseline["requests_per_s"] if baseline["requests_per_s"] else 0
    print(f"round: reviewers {reviewers['requests_per_s']} requests/s, one-query view {baseline['requests_per_s']} "
          f"requests/s, ratio {ratio:.1%}, {reviewers['errors'] + baseline['errors']} errors", flush=True)
    return reviewers, baseline, ratio


def connections_close() -> None:
    from django.db import connections

    connections.close_all()  # this process's reads between phases hold no connection during them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--applications", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3,
                        help="whole measurements in a row (each vacuumed, bracketed, --seconds long); the figures "
                             "are the median round's: one round's ratio drifts by several points on a shared host")
    parser.add_argument("--templates-free", action="store_true",
                        help="what if rendering cost nothing: every template answers a fixed page of the queue's "
                             "size (the ceiling of any faster template engine; not a measurement of the portal)")
    args = parser.parse_args()
    if args.templates_free:
        os.environ["BENCH_TEMPLATES_FREE"] = "1"  # read by load_settings in the server it starts
    require_postgresql()
    setup_django()
    prepare_database()
    people = bench_data(args.applications, args.reviewers)
    connections_close()
    port = free_port()
    server = start_server(port, args.workers)
    try:
        Phase().run(port, people[:4], 3, "reviewers")  # warm-up: templates, caches, connection pools
        load_before = round(os.getloadavg()[0], 2)
        rounds = [measure_round(port, people, server.pid, args) for _ in range(max(args.rounds, 1))]
        load_after = round(os.getloadavg()[0], 2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ratios = [r[2] for r in rounds]
    reviewers, baseline, ratio = sorted(rounds, key=lambda r: r[2])[len(rounds) // 2]
    errors = sum(r[0]["errors"] + r[1]["errors"] for r in rounds)
    for name, page in reviewers["pages"].items():
        print(f"{name:8s} {page['requests']:6d} requests  p50 {page['p50_ms']:7.1f} ms  p95 {page['p95_ms']:7.1f} ms")
    print(f"reviewers: {reviewers['requests_per_s']} requests/s, p50 {reviewers['p50_ms']} ms, p95 "
          f"{reviewers['p95_ms']} ms; one-query view: {baseline['requests_per_s']} requests/s, p95 "
          f"{baseline['p95_ms']} ms; ratio {ratio:.0%} (median of {len(rounds)} rounds: "
          f"{', '.join(f'{r:.1%}' for r in ratios)}; target ≥ 50 %); {errors} errors in all rounds")
    if args.templates_free:
        print("templates free (--templates-free): rendering cost nothing in this run; a ceiling, not the portal's figure")
    print(f"CPU ms per request (client, server, PostgreSQL): reviewers {reviewers['cpu_ms_per_request']}, "
          f"one-query view {baseline['cpu_ms_per_request']}")
    print(json.dumps({
        "reviewers": args.reviewers, "seconds": args.seconds, "gunicorn_workers": args.workers, "rounds": len(rounds),
        "errors": errors, "requests": reviewers["requests"],
        "requests_per_s": reviewers["requests_per_s"], "p50_ms": reviewers["p50_ms"], "p95_ms": reviewers["p95_ms"],
        "pages": reviewers["pages"], "one_query_requests_per_s": baseline["requests_per_s"],
        "one_query_p95_ms": baseline["p95_ms"], "cpu_ms_per_request": reviewers["cpu_ms_per_request"],
        "one_query_cpu_ms_per_request": baseline["cpu_ms_per_request"], "ratio_to_one_query": round(ratio, 3),
        "round_ratios": [round(r, 3) for r in ratios], "target_ratio": 0.5,
        "within_target": ratio >= 0.5 and errors == 0 and not args.templates_free,  # a ceiling meets nothing
        "first_errors": [e for r in rounds for e in r[0]["first_errors"] + r[1]["first_errors"]][:5],
        "load_average": [load_before, load_after], "cpu_count": os.cpu_count(), "templates_free": args.templates_free,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()

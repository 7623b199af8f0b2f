#!/usr/bin/env python
"""CPU per request of the load bench's pages, in-process: what ``bench/load.py`` measures, without the noise of
a shared machine. Each page (the queue, an application's detail, the decide page's criterion override saved, the
one-query view) is
requested ``--requests`` times through the whole Django stack (middleware, session, template) with the bench's
settings (``load_settings``: DEBUG off), signed in as a bench reviewer; the figures are this process's CPU
time per request (of the quietest round of ``--round`` requests, and the mean), the PostgreSQL backend's, and
the queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> python bench/load_profile.py
    DATABASE_URL=… python bench/load_profile.py --requests 200 --profile detail   # cProfile of one page
    DATABASE_URL=… python bench/load_profile.py --server   # and through gunicorn: worker + PostgreSQL CPU

The database must hold the bench's data (``bench/load.py`` makes it). ``DJANGO_SETTINGS_MODULE`` may name a
variant of ``load_settings`` (on the Python path, e.g. in ``bench/``) to compare a setting. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("OTP_REQUIRED", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")
from _setup import cpu_seconds, database_cpu_seconds, require_postgresql, setup_django  # noqa: E402

CSRF = "x" * 32


def signed_in_client(username: str):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from portal.models import User
    from portal.security import backends

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backends.PATH  # what signing in records
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session.session_key
    client.cookies["csrftoken"] = CSRF
    return user, client


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_figures(session_key: str, override: dict[int, str], requests: int, per_round: int) -> dict:
    """The same pages through gunicorn (one sync worker, as ``load.py`` serves them), one request at a time:
    the worker's CPU and its PostgreSQL backends' CPU per request, of the quietest round."""
    import http.client
    import signal
    import subprocess
    import urllib.parse

    import load
    from django.db import connection, connections

    ids = list(override)
    connections.close_all()
    port = load.free_port()
    server = load.start_server(port, 1)
    database = connection.settings_dict["NAME"]
    cookie = f"sessionid={session_key}; csrftoken={CSRF}"

    def call(method: str, path: str, body: dict | None = None) -> int:
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status

    pages = {
        "queue": lambda i: call("GET", "/pool/review/?status=submitted"),
        "detail": lambda i: call("GET", f"/pool/review/{ids[i % len(ids)]}/"),
        "decide": lambda i: call("POST", f"/pool/review/{ids[i % len(ids)]}/criteria/1/",
                                 {"outcome": override[ids[i % len(ids)]], "justification": "已核对营业执照与专利证书。"}),
        "one_query": lambda i: call("GET", "/bench/one-query/"),
    }
    expected = {"queue": 200, "detail": 200, "decide": 302, "one_query": 200}
    figures = {}
    try:
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        for name, page in pages.items():
            for i in range(5):
                assert page(i) == expected[name], name
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                               [database])
                backends = [row[0] for row in cursor.fetchall()]
            best = None
            for start in range(0, requests, per_round):
                count = min(per_round, requests - start)
                worker_before, db_before = _process_cpu(worker), sum(_process_cpu(p) for p in backends)
                for i in range(start, start + count):
                    assert page(i) == expected[name], name
                spent = ((_process_cpu(worker) - worker_before) / count,
                         (sum(_process_cpu(p) for p in backends) - db_before) / count)
                if best is None or sum(spent) < sum(best):
                    best = spent
            figures[name] = {"worker_cpu_ms": round(best[0] * 1000, 1), "db_cpu_ms": round(best[1] * 1000, 1)}
            print(f"gunicorn {name:10s} {figures[name]}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--round", type=int, default=25, help="requests per round; the quietest round counts")
    parser.add_argument("--reviewer", default="bench_reviewer_00")
    parser.add_argument("--profile", choices=["queue", "detail", "decide", "one_query"], default=None)
    parser.add_argument("--page", action="append", choices=["queue", "detail", "decide", "one_query"],
                        help="only this page (repeatable; default every page), e.g. under a sampling profiler")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--server", action="store_true",
                        help="also through gunicorn (one worker): the worker's and PostgreSQL's CPU per request")
    args = parser.parse_args()
    require_postgresql()
    setup_django()
    import load
    from django.db import connection

    from pool.models import Application, ApplicationStatus

    user, client = signed_in_client(args.reviewer)
    region = user.organisation.region_id
    override = load.overrides_of(list(Application.objects.filter(
        region_id=region, status=ApplicationStatus.SUBMITTED, current_revision__isnull=False).order_by("pk")
        .values_list("pk", flat=True)[:200]))
    ids = list(override)
    pages = {
        "queue": lambda i: client.get("/pool/review/?status=submitted"),
        "detail": lambda i: client.get(f"/pool/review/{ids[i % len(ids)]}/"),
        "decide": lambda i: client.post(f"/pool/review/{ids[i % len(ids)]}/criteria/1/",
                                        {"outcome": override[ids[i % len(ids)]],
                                         "justification": "已核对营业执照与专利证书。"}, HTTP_X_CSRFTOKEN=CSRF),
        "one_query": lambda i: client.get("/bench/one-query/"),
    }
    expected = {"queue": 200, "detail": 200, "decide": 302, "one_query": 200}
    figures = {}
    for name, call in pages.items():
        if args.page and name not in args.page:
            continue
        for i in range(3):  # warm-up: templates, per-process caches
            response = call(i)
            assert response.status_code == expected[name], (name, response.status_code)
        queries: list[str] = []

        def log(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(log):
            call(3)
        # CPU time, not wall time: waits on PostgreSQL are its CPU (``db_cpu_ms``), not this process's.
        profiler = cProfile.Profile(time.process_time) if args.profile == name else None
        if profiler:
            profiler.enable()
        rounds = []  # CPU per request of each round; the quietest round is the figure (others share the machine)
        db_before, wall_before = database_cpu_seconds(), time.perf_counter()
        for start in range(0, args.requests, args.round):
            cpu_before = cpu_seconds()
            count = min(args.round, args.requests - start)
            for i in range(start, start + count):
                response = call(i)
                assert response.status_code == expected[name], (name, response.status_code)
            rounds.append((cpu_seconds() - cpu_before) / count)
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - wall_before
        db_after = database_cpu_seconds()
        figures[name] = {
            "queries": len(queries), "cpu_ms": round(min(rounds) * 1000, 2),
            "cpu_ms_mean": round(sum(rounds) / len(rounds) * 1000, 2),
            "db_cpu_ms": round((db_after - db_before) / args.requests * 1000, 2) if db_after is not None else None,
            "wall_ms": round(wall / args.requests * 1000, 2),
        }
        print(f"{name:10s} {figures[name]}", flush=True)
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.lines)
            if os.environ.get("CALLEES"):
                stats.print_callees(os.environ["CALLEES"])
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])
        if os.environ.get("SHOW_QUERIES") == name:
            for sql in queries:
                print(sql[:400])
    result = {"requests": args.requests, "load_average": [round(x, 2) for x in os.getloadavg()], "pages": figures}
    if args.server:
        result["gunicorn"] = server_figures(client.cookies["sessionid"].value, override, args.requests, args.round)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

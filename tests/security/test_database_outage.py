"""Fault test: the database cannot be reached. ``/healthz``, pages and the API answer a Chinese 503 with no
stack trace, whether the failure meets a view or the way out (saving the session)."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as with a closed port; the test's own transaction is left alone."""

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 9 failed: Connection refused')

    def go_down():
        monkeypatch.setattr(BaseDatabaseWrapper, "_cursor", refuse)

    yield go_down
    monkeypatch.undo()


def _no_trace(text: str) -> None:
    assert "Traceback" not in text and "OperationalError" not in text and "port 9" not in text


def test_healthz_answers_a_chinese_503(db, database_down):
    client = Client(raise_request_exception=False)
    database_down()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False and body["database"]["error"] == "无法连接数据库"
    assert "暂时不可用" in body["detail"]
    _no_trace(response.content.decode())


def test_a_page_answers_the_chinese_503_page(db, database_down, enterprise_user):
    client = Client(raise_request_exception=False)
    client.force_login(enterprise_user)
    database_down()
    response = client.get("/matching/demands/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "无法连接数据库" in page and response["Retry-After"]
    _no_trace(page)


def test_an_anonymous_page_answers_the_503_page_too(db, database_down):
    client = Client(raise_request_exception=False)
    database_down()
    response = client.post("/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 503
    _no_trace(response.content.decode())


def test_the_api_answers_a_chinese_503(db, database_down, province_user):
    client = Client(raise_request_exception=False)
    client.force_login(province_user)
    database_down()
    response = client.get("/api/pool/applications/")
    assert response.status_code == 503
    assert "无法连接数据库" in response.json()["detail"]


def test_a_failure_outside_the_view_is_the_503_page(rf, db):
    """``handler500`` (saving the session on the way out fails after the view has answered)."""
    import sys

    from portal.middleware import server_error

    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503
    _no_trace(response.content.decode())

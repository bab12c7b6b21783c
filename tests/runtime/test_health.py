"""/health/live, /health/ready (503 with the reason when the database is down), /metrics (only
for the configured addresses or the token), and JSON log lines without personnummer."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from fastkontakt.runtime.logs import JsonFormatter, RequestContextMiddleware, request_id_var
from tests.access.helpers import make_user
from tests.database_faults import database_unreachable, in_threads


@pytest.mark.django_db
def test_live_and_ready_answer_200_without_signing_in() -> None:
    client = Client()
    live, ready = client.get("/health/live"), client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "queue": "ok"},
    }


@pytest.mark.django_db
def test_ready_answers_503_with_the_reason_when_the_database_is_down(tmp_path: Path) -> None:
    # given
    client = Client(raise_request_exception=False)

    # when
    with database_unreachable(tmp_path):
        [live, ready] = in_threads(
            lambda: client.get("/health/live"), lambda: client.get("/health/ready")
        )

    # then the process is alive but not ready, and says why
    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready["Retry-After"] == "30"
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["reason"] == "Databasen svarar inte."
    assert ready.json()["checks"]["database"].startswith("fel: ")


@pytest.mark.django_db
def test_metrics_answer_the_allowed_address_and_the_token_only(settings: Any) -> None:
    # given
    settings.FASTKONTAKT_METRICS_TOKEN = "s3cret-token"
    client = Client()
    client.get("/health/live")

    # when
    local = client.get("/metrics")
    elsewhere = client.get("/metrics", REMOTE_ADDR="10.0.0.9")
    proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.9")
    wrong = client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer nope")
    token = client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer s3cret-token")

    # then
    assert [r.status_code for r in (local, elsewhere, proxied, wrong, token)] == [
        200,
        403,
        403,
        403,
        200,
    ]
    text = token.content.decode()
    for name in (
        'fastkontakt_http_requests_total{status="200",view="health_live"}',
        "fastkontakt_http_request_seconds_bucket",
        "fastkontakt_queue_oldest_ready_seconds",
        "fastkontakt_findings_age_seconds",
    ):
        assert name in text


@pytest.mark.django_db
def test_every_response_carries_a_request_id() -> None:
    client = Client()
    given = client.get("/health/live", HTTP_X_REQUEST_ID="abc12345-proxy")
    made_up = client.get("/health/live", HTTP_X_REQUEST_ID="<script>")
    assert given["X-Request-ID"] == "abc12345-proxy"
    assert len(made_up["X-Request-ID"]) == 32


def test_a_log_line_is_json_with_the_request_and_no_personnummer() -> None:
    # given
    record = logging.LogRecord(
        "fastkontakt.x",
        logging.WARNING,
        __file__,
        1,
        "no contact for %s or %s",
        ("19400101-0001", "4001010001"),
        None,
    )
    token = request_id_var.set("req-1")

    # when
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)

    # then
    entry = json.loads(line)
    assert entry["message"] == "no contact for [personnummer] or [personnummer]"
    assert (entry["level"], entry["request_id"], entry["logger"]) == (
        "WARNING",
        "req-1",
        "fastkontakt.x",
    )
    assert "0001" not in line


@pytest.mark.django_db
def test_the_favicon_redirects_to_the_static_file() -> None:
    response = Client().get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/web/favicon.svg")


@pytest.mark.django_db
def test_log_lines_of_a_request_name_its_id_user_and_unit() -> None:
    # given a handler that writes JSON lines, and a signed-in user's request about unit 7
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("fastkontakt.test")
    logger.addHandler(handler)
    request = RequestFactory().get("/arbetslista/?unit=7", HTTP_X_REQUEST_ID="req-12345")
    request.user = make_user("anna")

    def view(req: HttpRequest) -> HttpResponse:
        middleware.process_view(req, view, (), {})
        logger.warning("worklist for 19400101-0001 slow")
        return HttpResponse("ok")

    middleware = RequestContextMiddleware(view)

    # when
    try:
        middleware(request)
    finally:
        logger.removeHandler(handler)

    # then
    entry = json.loads(lines[0])
    assert (entry["request_id"], entry["user"], entry["unit"]) == ("req-12345", "anna", "7")
    assert entry["message"] == "worklist for [personnummer] slow"


@pytest.mark.django_db
def test_metrics_still_answer_when_the_database_is_down(tmp_path: Path) -> None:
    client = Client(raise_request_exception=False)
    with database_unreachable(tmp_path):
        [response] = in_threads(lambda: client.get("/metrics"))
    assert response.status_code == 200
    assert "fastkontakt_database_up 0.0" in response.content.decode()

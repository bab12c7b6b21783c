"""JSON log lines with the request id, the user and the unit, never a personnummer.

:class:`RequestContextMiddleware` gives each request an id (the proxy's ``X-Request-ID`` when it
is a plain token, else a new one), sets ``request.request_id`` (the access log's entries carry
the same id) and echoes it in the response. :class:`JsonFormatter` writes one JSON object per
line with that context, and masks anything shaped like a personnummer or samordningsnummer in
the message and the traceback: a log line is read by operators who may not see who was treated.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
user_var: ContextVar[str] = ContextVar("user", default="")
unit_var: ContextVar[str] = ContextVar("unit", default="")

# 12 or 10 digits with an optional - or + before the last four: the shapes people type.
_PERSONAL_ID = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
MASK = "[personnummer]"


def scrub(text: str) -> str:
    return _PERSONAL_ID.sub(MASK, text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": request_id_var.get(),
            "user": user_var.get(),
            "unit": unit_var.get(),
        }
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens = [request_id_var.set(request_id), user_var.set(""), unit_var.set("")]
        try:
            response = self.get_response(request)
        finally:
            for var, token in zip((request_id_var, user_var, unit_var), tokens, strict=True):
                var.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: dict[str, object]
    ) -> None:
        # After authentication: who, and which unit the page is about when its address says.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_var.set(user.get_username())
        unit = kwargs.get("unit_pk") or request.GET.get("unit", "")
        if str(unit).isdigit():
            unit_var.set(str(unit))

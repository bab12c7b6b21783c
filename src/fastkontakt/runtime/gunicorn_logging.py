"""gunicorn's access log as JSON lines (``fastkontakt serve``; see ``gunicorn.conf.py``).

The path is logged without its query string: a search by personnummer carries one there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):  # type: ignore[misc]
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        headers = {str(name).lower(): value for name, value in (resp.headers or [])}
        entry = {
            "time": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
            "type": "access",
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(str(resp.status).split()[0]) if resp.status else 0,
            "bytes": getattr(resp, "sent", 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR", ""),
            "request_id": headers.get("x-request-id", ""),
        }
        try:
            self.access_log.info(json.dumps(entry))
        except Exception:  # noqa: BLE001 - the log never stops a response
            self.exception("could not write the access log")

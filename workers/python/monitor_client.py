"""Worker messages for Chief's monitor (docs/telemetry-workers.md).

    from monitor_client import monitor

    monitor.info("extract started", source="api-x")
    monitor.error("load failed", table="fact_orders")

Each call posts one ``worker.message`` event to ``$CHIEF_MONITOR_ENDPOINT/v1/events`` with the
run's correlation fields from the variables chiefd gives a job's scripts (CHIEF_RUN_ID,
CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, CHIEF_SCHEDULED_FOR; ``x-api-key`` from
CHIEF_MONITOR_API_KEY), and returns True when the monitor accepted it (a 2xx answer).

Telemetry must never break or stall a job, so a call never raises and never takes longer than
its timeout (CHIEF_MONITOR_TIMEOUT_MS, else 400 ms): it returns False when the monitor is off
for the job (no CHIEF_MONITOR_ENDPOINT), unreachable, slow, or refused the event. Only the
Python standard library is used: a worker needs nothing installed but this file.
"""

from __future__ import annotations

import datetime
import http.client
import json
import math
import os
import socket
import threading
import urllib.parse
import uuid
from typing import Any, Callable, Mapping, Optional

__all__ = ["MonitorClient", "monitor", "DEFAULT_TIMEOUT_MS", "LEVELS"]

DEFAULT_TIMEOUT_MS = 400
# A typo such as 400000 must not turn "best effort" into "the job waits minutes".
MAX_TIMEOUT_MS = 60_000
LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")

# The contract's bounds (core/include/chief/telemetry_event.h, namespace limits): an event beyond
# them is refused by the monitor, so it is not sent at all.
MAX_MESSAGE_BYTES = 16 * 1024
MAX_METADATA_BYTES = 64 * 1024

_ENDPOINT = "CHIEF_MONITOR_ENDPOINT"
_API_KEY = "CHIEF_MONITOR_API_KEY"
_TIMEOUT = "CHIEF_MONITOR_TIMEOUT_MS"
_CORRELATION = (("runId", "CHIEF_RUN_ID"), ("jobName", "CHIEF_JOB_NAME"), ("scriptPath", "CHIEF_SCRIPT_PATH"))
_SCHEDULED_FOR = "CHIEF_SCHEDULED_FOR"


def _event_time(moment: datetime.datetime) -> str:
    """The contract's form: UTC with milliseconds, "2026-02-25T18:40:04.123Z"."""
    utc = moment.astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _scheduled_for(text: str) -> Optional[str]:
    # chiefd writes "+00:00" (older Pythons cannot read "Z"); the monitor wants UTC. Something
    # unreadable is left out rather than having the whole event refused.
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return _event_time(moment)


def _json_safe(value: Any) -> Any:
    """Metadata as JSON the monitor accepts: NaN and infinities are not JSON, unknown objects
    become their str()."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(v) for v in value]
    return str(value)


def _timeout_ms(explicit: Optional[float], environ: Mapping[str, str]) -> float:
    if explicit is not None:
        candidate: Any = explicit
    else:
        candidate = environ.get(_TIMEOUT, "").strip() or DEFAULT_TIMEOUT_MS
    try:
        value = float(candidate)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_MS
    if not math.isfinite(value) or value <= 0:
        return DEFAULT_TIMEOUT_MS
    return min(value, MAX_TIMEOUT_MS)


class MonitorClient:
    """Posts worker.message events. The environment is read at each call, so a client made
    before the variables were set (or in a test) sees them."""

    def __init__(self, timeout_ms: Optional[float] = None,
                 environ: Optional[Mapping[str, str]] = None,
                 clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.timezone.utc)):
        self.timeout_ms = timeout_ms
        self._environ = environ
        self._clock = clock

    def debug(self, message: str, **meta: Any) -> bool:
        return self.emit("DEBUG", message, **meta)

    def info(self, message: str, **meta: Any) -> bool:
        return self.emit("INFO", message, **meta)

    def warn(self, message: str, **meta: Any) -> bool:
        return self.emit("WARN", message, **meta)

    warning = warn  # the name Python's logging uses

    def error(self, message: str, **meta: Any) -> bool:
        return self.emit("ERROR", message, **meta)

    def critical(self, message: str, **meta: Any) -> bool:
        return self.emit("CRITICAL", message, **meta)

    def emit(self, level: str, message: str, **meta: Any) -> bool:
        """Posts one event at `level` (DEBUG, INFO, WARN, ERROR, CRITICAL, any case); True when
        the monitor accepted it."""
        try:
            return self._emit(level, message, meta)
        except Exception:  # telemetry must never take a worker down
            return False

    def event(self, level: str, message: str, **meta: Any) -> Optional[dict]:
        """The event emit() would send, or None when it would send nothing (for tests and
        for workers that batch events themselves)."""
        try:
            return self._event(self._env(), level, message, meta)
        except Exception:
            return None

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _event(self, env: Mapping[str, str], level: str, message: str, meta: Mapping[str, Any]) -> Optional[dict]:
        level = str(level).upper()
        if level not in LEVELS:
            return None
        text = str(message)
        if not text or len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
            return None
        event: dict = {
            "sourceType": "worker",
            "eventType": "worker.message",
            "level": level,
            "message": text,
            "eventAt": _event_time(self._clock()),
            "eventId": uuid.uuid4().hex,
            "host": socket.gethostname(),
        }
        for field, variable in _CORRELATION:
            if env.get(variable):
                event[field] = env[variable]
        if env.get(_SCHEDULED_FOR):
            scheduled = _scheduled_for(env[_SCHEDULED_FOR])
            if scheduled is not None:
                event["scheduledFor"] = scheduled
        if meta:
            metadata = _json_safe(dict(meta))
            if len(json.dumps(metadata, allow_nan=False).encode("utf-8", "surrogatepass")) > MAX_METADATA_BYTES:
                return None
            event["metadata"] = metadata
        return event

    def _emit(self, level: str, message: str, meta: Mapping[str, Any]) -> bool:
        env = self._env()
        endpoint = env.get(_ENDPOINT, "").strip()
        if not endpoint:
            return False
        url = urllib.parse.urlsplit(endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            return False
        event = self._event(env, level, message, meta)
        if event is None:
            return False
        body = json.dumps(event, allow_nan=False).encode("utf-8", "surrogatepass")
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if env.get(_API_KEY):
            headers["x-api-key"] = env[_API_KEY]
        path = url.path.rstrip("/") + "/v1/events"
        timeout = _timeout_ms(self.timeout_ms, env) / 1000.0
        return _post_within(url, path, body, headers, timeout)


def _post_within(url: urllib.parse.SplitResult, path: str, body: bytes, headers: dict, timeout: float) -> bool:
    """POSTs and reports a 2xx answer. The socket timeout bounds each step, but a server that
    answers a byte at a time could stretch the steps; the thread bounds the whole call. A post
    still under way when the time is up finishes (or times out) on its own, after the worker
    has moved on."""
    outcome: list = []

    def post() -> None:
        connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(url.hostname, url.port, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
            outcome.append(200 <= status < 300)
        except Exception:
            outcome.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=post, name="chief-monitor-post", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(outcome and outcome[0])


# What workers import: `from monitor_client import monitor`.
monitor = MonitorClient()

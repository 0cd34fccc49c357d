"""Sending OpenLineage events to a lineage server's HTTP API with the standard library.

One event per ``POST`` to ``<url>/api/v1/lineage`` (the path of Marquez and of the
OpenLineage proxy), JSON body, optional ``Authorization: Bearer`` key. A server that is
briefly unavailable (5xx, 408, 429, connection refused or reset, timeout) gets the same
event again after a doubling pause, a bounded number of times; a refusal (any other 4xx,
a redirect) stops at once. Either way the error names the endpoint without credentials,
what the server said and which event it was; the key never appears in a message.
"""
from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from lineage_desktop.interop.openlineage_export import producer
from lineage_desktop.records import LineageError

LINEAGE_PATH = "/api/v1/lineage"
ATTEMPTS = 4
BACKOFF = 0.2  # seconds before the second attempt; doubled before each next one
TIMEOUT = 10.0
RETRY_STATUSES = frozenset({408, 429})  # and every 5xx


def pause(seconds: float) -> None:
    """Wait between two attempts (replaced in tests)."""
    time.sleep(seconds)


class SendError(LineageError):
    """An event was refused by the server, or could not be delivered after retries."""


def lineage_endpoint(url: str, endpoint: str | None = None) -> str:
    """The URL events are posted to: ``url`` + ``endpoint`` (default ``api/v1/lineage``,
    not added again when ``url`` already ends with it). Credentials stay in the URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SendError(f"--url must be an http:// or https:// URL with a host, "
                        f"not {redact(url)!r}")
    path = parts.path.rstrip("/")
    if endpoint:
        path = f"{path}/{endpoint.strip('/')}"
    elif not path.endswith(LINEAGE_PATH):
        path += LINEAGE_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def redact(url: str) -> str:
    """``url`` without user name, password or query (where keys are often passed)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number
        return "the given URL"
    host = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


def _credentials(url: str) -> tuple[str, str | None]:
    """The URL without its user info, and a ``Basic`` header value when it had some."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    basic = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), basic


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET without its body: report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _what(event: dict[str, Any]) -> str:
    job = event.get("job") if isinstance(event.get("job"), dict) else None
    dataset = event.get("dataset") if isinstance(event.get("dataset"), dict) else None
    if job is not None:
        kind = event.get("eventType") or "JobEvent"
        return f"{kind} of job {str(job.get('name'))!r}"
    if dataset is not None:
        return f"DatasetEvent of {str(dataset.get('name'))!r}"
    return "event"


class HttpSender:
    """Posts events one by one to an OpenLineage HTTP endpoint.

    ``sleep`` (default ``pause``, looked up when the sender is made) receives each pause
    between attempts, so tests can record the pauses instead of waiting."""

    def __init__(self, url: str, api_key: str | None = None, endpoint: str | None = None,
                 timeout: float = TIMEOUT, attempts: int = ATTEMPTS, backoff: float = BACKOFF,
                 sleep: Callable[[float], None] | None = None) -> None:
        target = lineage_endpoint(url, endpoint)
        self.url, basic = _credentials(target)
        self.shown = redact(target)
        self.headers = {"Content-Type": "application/json", "User-Agent": producer()}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key.strip()}"
        elif basic is not None:
            self.headers["Authorization"] = basic
        self.timeout, self.attempts, self.backoff = timeout, max(1, attempts), backoff
        self.sleep = sleep or pause
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send(self, events: Iterable[dict[str, Any]]) -> int:
        """Send every event in order; returns how many. Raises ``SendError`` at the first
        event refused or undeliverable (those before it were delivered)."""
        events = events if isinstance(events, Sequence) else list(events)
        for position, event in enumerate(events, 1):
            problem = self._deliver(event)
            if problem is not None:
                refused, reason = problem
                where = (f"event {position} of {len(events)} ({_what(event)}; "
                         f"{position - 1} sent before it)")
                if refused:
                    raise SendError(f"{self.shown} refused {where}: {reason}")
                raise SendError(f"could not send {where} to {self.shown} after "
                                f"{self.attempts} attempts: {reason}")
        return len(events)

    def _deliver(self, event: dict[str, Any]) -> tuple[bool, str] | None:
        """None once the server accepted ``event``; else (refused, what went wrong)."""
        body = json.dumps(event, separators=(",", ":"), default=str).encode("utf-8")
        pause = self.backoff
        reason = ""
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                self.sleep(pause)
                pause *= 2
            request = urllib.request.Request(self.url, data=body, headers=self.headers,
                                             method="POST")
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    response.read()
                return None
            except urllib.error.HTTPError as exc:
                reason = _status(exc)
                if not (exc.code >= 500 or exc.code in RETRY_STATUSES):
                    return True, reason
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts too
                reason = _failure(exc)
        return False, reason


def _status(exc: urllib.error.HTTPError) -> str:
    """``HTTP 400 Bad Request: <the start of what the server said>``."""
    text = f"HTTP {exc.code} {exc.reason}".rstrip()
    if 300 <= exc.code < 400:
        return f"{text} (redirected to {redact(exc.headers.get('Location') or '?')}; " \
               "pass that URL)"
    try:
        said = exc.read(500).decode("utf-8", "replace").strip()
    except OSError:
        said = ""
    finally:
        exc.close()
    said = " ".join(said.split())
    return f"{text}: {said[:200]}" if said else text


def _failure(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, http.client.HTTPException) and not isinstance(reason, OSError):
        return f"not an HTTP answer ({reason.__class__.__name__})"
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(getattr(reason, "strerror", None) or reason) or reason.__class__.__name__

"""``export-openlineage --url`` posts events to an OpenLineage HTTP server (stdlib only).

The receiver is a real HTTP server on 127.0.0.1 that validates every event against the
vendored OpenLineage schema, and can be told to answer 503 a number of times or to refuse.
"""
from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from interop_helpers import edges
from interop_store import write_store
from openlineage_schema import validate_event

from lineage_desktop.interop import openlineage_http
from lineage_desktop.interop.openlineage_export import export_events
from lineage_desktop.interop.openlineage_http import (
    HttpSender,
    SendError,
    lineage_endpoint,
    redact,
)
from lineage_desktop.store import Store


@dataclass
class Receiver:
    """What the server was told to do, and what it got."""

    url: str
    fail_first: int = 0  # answer 503 to this many requests first
    refuse_at: int | None = None  # answer 400 to the request with this number (1-based)
    requests: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        receiver = self.server.receiver  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        receiver.requests += 1
        receiver.paths.append(self.path)
        receiver.headers.append(dict(self.headers))
        if receiver.requests <= receiver.fail_first:
            return self._answer(503, "busy")
        if receiver.refuse_at == receiver.requests:
            return self._answer(400, "<b>bad</b> event\x1b[31m: eventTime missing")
        try:
            event = json.loads(body)
            validate_event(event)
        except Exception as exc:  # noqa: BLE001  (any invalid event is recorded)
            receiver.invalid.append(f"request {receiver.requests}: {exc}")
            return self._answer(400, "invalid")
        receiver.events.append(event)
        return self._answer(201, "")

    def _answer(self, status: int, text: str) -> None:
        payload = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.receiver
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The pauses between attempts, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(openlineage_http, "pause", recorded.append)
    return recorded


@pytest.fixture
def source(tmp_path):
    return write_store(tmp_path / "a.db")


def _events(path) -> list[dict[str, Any]]:
    with Store.open(path, readonly=True) as store:
        return export_events(store)


def test_every_event_arrives_valid_one_per_request(tmp_path, cli, receiver, source, pauses):
    status, out, err = cli("export-openlineage", source, "--url", receiver.url)
    expected = _events(source)
    assert status == 0, err
    assert receiver.invalid == []
    assert receiver.events == json.loads(json.dumps(expected))  # in order, each once
    assert receiver.requests == len(expected) > 5
    assert set(receiver.paths) == {"/api/v1/lineage"}
    assert {h["Content-Type"] for h in receiver.headers} == {"application/json"}
    assert not any("Authorization" in h for h in receiver.headers)
    assert err.strip() == f"export-openlineage: sent {len(expected)} events to " \
                          f"{receiver.url}/api/v1/lineage"
    assert pauses == []
    log = tmp_path / "received.ndjson"  # what the server got is the same lineage
    log.write_text("".join(json.dumps(event) + "\n" for event in receiver.events))
    assert cli("import-openlineage", tmp_path / "b.db", log)[0] == 0
    assert edges(tmp_path / "b.db") == edges(source)


def test_a_busy_server_gets_the_event_again_after_doubling_pauses(cli, receiver, source,
                                                                   pauses):
    receiver.fail_first = 3
    status, _, err = cli("export-openlineage", source, "--url",
                         receiver.url + "/api/v1/lineage/")
    assert status == 0, err
    count = len(_events(source))
    assert receiver.requests == count + 3  # the first event was sent four times
    assert len(receiver.events) == count and receiver.invalid == []
    assert pauses == [0.2, 0.4, 0.8]
    assert set(receiver.paths) == {"/api/v1/lineage"}  # not appended twice


def test_retries_are_bounded(cli, receiver, source, pauses):
    receiver.fail_first = 10
    status, out, err = cli("export-openlineage", source, "--url", receiver.url)
    count = len(_events(source))
    assert status == 2
    assert receiver.requests == 4 and receiver.events == []
    assert pauses == [0.2, 0.4, 0.8]
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err == (f"lineage-desktop export-openlineage: error: could not send event 1 of "
                   f"{count} (START of job 'ingest'; 0 sent before it) to "
                   f"{receiver.url}/api/v1/lineage after 4 attempts: HTTP 503 Service "
                   f"Unavailable: busy\n")


def test_a_refusal_stops_at_once_naming_the_event(cli, receiver, source, pauses):
    receiver.refuse_at = 3
    status, out, err = cli("export-openlineage", source, "--url",
                           receiver.url.replace("http://", "http://bob:s3cret@"),
                           "--api-key", "KEY-42")
    count = len(_events(source))
    assert status == 2 and out == ""
    assert receiver.requests == 3 and len(receiver.events) == 2
    assert pauses == []  # a 4xx is not retried
    assert {h["Authorization"] for h in receiver.headers} == {"Bearer KEY-42"}
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "KEY-42" not in err and "s3cret" not in err and "bob" not in err
    assert err.startswith(f"lineage-desktop export-openlineage: error: {receiver.url}"
                          f"/api/v1/lineage refused event 3 of {count} (")
    assert "2 sent before it): HTTP 400 Bad Request: <b>bad</b> event" in err
    assert "\x1b" not in err  # the server's words are shown as plain text


def test_user_info_in_the_url_becomes_basic_auth(cli, receiver, source, pauses):
    url = receiver.url.replace("http://", "http://bob:s%40cret@")
    assert cli("export-openlineage", source, "--url", url)[0] == 0
    assert {h["Authorization"] for h in receiver.headers} == {"Basic Ym9iOnNAY3JldA=="}


def test_the_api_key_may_come_from_the_environment(cli, receiver, source, monkeypatch):
    monkeypatch.setenv("OPENLINEAGE_API_KEY", "from-env")
    assert cli("export-openlineage", source, "--url", receiver.url)[0] == 0
    assert {h["Authorization"] for h in receiver.headers} == {"Bearer from-env"}


def test_a_dead_port_is_one_line_exit_2(cli, source, pauses):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, out, err = cli("export-openlineage", source, "--url", f"http://127.0.0.1:{port}")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"to http://127.0.0.1:{port}/api/v1/lineage after 4 attempts: connection " \
           "refused" in err
    assert pauses == [0.2, 0.4, 0.8]


def test_a_server_that_does_not_answer_times_out(source):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        sender = HttpSender(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.2,
                            attempts=2, sleep=lambda seconds: None)
        with pytest.raises(SendError, match="after 2 attempts: timed out"):
            sender.send(_events(source)[:1])


@pytest.mark.parametrize("url", ["ftp://host/x", "localhost:5000", "http://"])
def test_a_url_that_is_not_http_is_refused_before_reading(cli, source, url):
    status, _, err = cli("export-openlineage", source, "--url", url)
    assert status == 2 and "--url must be an http:// or https:// URL" in err


def test_endpoints_and_shown_urls():
    assert lineage_endpoint("http://h:5000") == "http://h:5000/api/v1/lineage"
    assert lineage_endpoint("http://h/api/v1/lineage") == "http://h/api/v1/lineage"
    assert lineage_endpoint("https://h/base/", "v2/events") == "https://h/base/v2/events"
    assert redact("https://u:p@h:8080/api/v1/lineage?token=t") == \
        "https://h:8080/api/v1/lineage"


def test_api_key_needs_url(cli, source):
    status, _, err = cli("export-openlineage", source, "--api-key", "k")
    assert status == 2 and "--api-key needs --url" in err


def test_a_server_that_does_not_speak_http_is_one_line(cli, source, pauses):
    with socket.socket() as garbage:  # answers every connection with a line of noise
        garbage.bind(("127.0.0.1", 0))
        garbage.listen(8)

        def answer() -> None:
            for _ in range(4):
                connection, _ = garbage.accept()
                with connection:
                    connection.recv(65536)
                    connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        status, _, err = cli("export-openlineage", source, "--url",
                             f"http://127.0.0.1:{garbage.getsockname()[1]}")
        thread.join(timeout=10)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "after 4 attempts: not an HTTP answer (BadStatusLine)" in err

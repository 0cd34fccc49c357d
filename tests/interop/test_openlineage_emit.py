"""The SDK sends OpenLineage events through the official client (file and HTTP)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from interop_helpers import edges, snapshot
from interop_store import write_store

import lineage_desktop as ld
from lineage_desktop.interop import import_openlineage
from lineage_desktop.interop.openlineage_emit import EmitWarning, client_for, init
from lineage_desktop.store import Store

pytest.importorskip("openlineage.client")


def test_runs_recorded_with_init_reach_a_file_transport(tmp_path):
    log = tmp_path / "lineage.ndjson"
    client = client_for(file=log)
    store = Store.open(tmp_path / "a.db")
    with init(project="p", entity="e", job_type="prep", store=store, client=client) as run:
        data = ld.Artifact("data", "dataset")
        with data.new_file("d.csv") as handle:
            handle.write("1,2\n")
        run.log_artifact(data)
    with init(project="p", entity="e", job_type="train", store=store, client=client) as run:
        run.use_artifact("data:latest")
        model = ld.Artifact("model", "model")
        with model.new_file("m.bin") as handle:
            handle.write("w")
        run.log_artifact(model)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["eventType"], e["job"]["name"]) for e in events] == [
        ("START", "prep"), ("COMPLETE", "prep"), ("START", "train"), ("COMPLETE", "train")]
    assert [i["name"] for i in events[3]["inputs"]] == ["data"]
    assert [o["name"] for o in events[3]["outputs"]] == ["model"]
    with Store.open(tmp_path / "b.db") as copy:
        report = import_openlineage(copy, [log])
    assert report.ok
    assert edges(tmp_path / "b.db") == edges(tmp_path / "a.db")


class _Collector(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Collector.received.append((self.path, json.loads(body)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lineage_server():
    _Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Collector.received
    server.shutdown()
    server.server_close()


def test_export_sends_every_event_to_an_http_server(tmp_path, cli, lineage_server):
    url, received = lineage_server
    source = write_store(tmp_path / "a.db")
    status, _, err = cli("export-openlineage", source, "--url", url)
    assert status == 0, err
    assert {path for path, _ in received} == {"/api/v1/lineage"}
    log = tmp_path / "received.ndjson"
    log.write_text("".join(json.dumps(event) + "\n" for _, event in received))
    target = tmp_path / "b.db"
    assert cli("import-openlineage", target, log)[0] == 0
    assert edges(target) == edges(source)
    # The client drops null fields (the run config {"limit": None} loses its key), so
    # compare everything else.
    assert snapshot(target)["versions"] == snapshot(source)["versions"]
    assert snapshot(target)["usages"] == snapshot(source)["usages"]


def test_an_unreachable_server_does_not_fail_the_run(tmp_path):
    from openlineage.client import OpenLineageClient

    client = OpenLineageClient(config={"transport": {  # discard port: nothing listens
        "type": "http", "url": "http://127.0.0.1:9", "timeout": 1, "retry": {"total": 0}}})
    store = Store.open(tmp_path / "a.db")
    with pytest.warns(EmitWarning):
        with init(project="p", job_type="prep", store=store, client=client) as run:
            pass
    assert store.run(run.id).state == "finished"


def test_enable_openlineage_emits_every_ld_init_run(tmp_path):
    from lineage_desktop.interop import disable_openlineage, enable_openlineage

    log = tmp_path / "events.ndjson"
    listener = enable_openlineage(client_for(file=log))
    try:
        with ld.init(project="p", entity="e", job_type="prep", store=tmp_path / "a.db") as run:
            data = ld.Artifact("data", "dataset")
            with data.new_file("d.csv") as handle:
                handle.write("1,2\n")
            run.log_artifact(data)
        with pytest.raises(ValueError):
            with ld.init(project="p", entity="e", job_type="train", store=tmp_path / "a.db"):
                raise ValueError("diverged")
    finally:
        disable_openlineage(listener)
    with ld.init(project="p", entity="e", store=tmp_path / "a.db"):
        pass  # not emitted any more
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["eventType"], e["job"]["name"]) for e in events] == [
        ("START", "prep"), ("COMPLETE", "prep"), ("START", "train"), ("FAIL", "train")]
    assert [o["name"] for o in events[1]["outputs"]] == ["data"]


def test_a_failing_listener_never_fails_the_run(tmp_path):
    from lineage_desktop.sdk.hooks import ListenerWarning, add_run_listener, remove_run_listener

    class Broken:
        def run_started(self, run):
            raise ConnectionError("server down")

        def run_finished(self, run):
            raise ConnectionError("server down")

    broken = add_run_listener(Broken())
    try:
        with pytest.warns(ListenerWarning, match="server down"):
            with ld.init(project="p", store=tmp_path / "a.db") as run:
                pass
    finally:
        remove_run_listener(broken)
    assert ld.Api(store=tmp_path / "a.db").run(run.id).state == "finished"

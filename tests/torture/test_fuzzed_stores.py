"""Damaged stores and odd values: a clear, named error or a normal answer, never a
traceback, never a false "all match", and never a write.

One realistic store (the demo project plus texts holding HTML and escape codes) is
copied into a few hundred deterministic mutants (``store_mutations``). On each, within a
time budget: the read API, every read-only command in-process (and a sample as real
processes), and on a sample the window. Every outcome is either success or a named
error; a file that fails SQLite's own ``PRAGMA integrity_check`` is never reported by
``verify`` as all matching; and the store file is byte-identical afterwards.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest
from store_mutations import Master, Mutant, build_master, make_corpus

from lineage_desktop.records import LineageError

# The mutants are SQLite files (bytes and rows changed behind SQLite's back); a team
# store's hostile rows are test_hostile_store's, which runs on the server too.
pytestmark = [pytest.mark.torture,
              pytest.mark.sqlite_file("mutants are damaged copies of a SQLite store file")]

STORE_BUDGET_S = 8.0  # every reader of one mutant together
WINDOW_SAMPLE = 24
PROCESS_SAMPLE = 10


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Master:
    return build_master(tmp_path_factory.mktemp("master"))  # every connection closed


@pytest.fixture(scope="module")
def corpus(master: Master, tmp_path_factory: pytest.TempPathFactory) -> list[Mutant]:
    return make_corpus(master, tmp_path_factory.mktemp("corpus"))


def _fingerprint(path: Path) -> dict[str, str]:
    """Digests of the database file and of its ``-wal``. A ``-wal`` that did not exist
    counts as empty: SQLite itself creates an empty one beside a WAL-mode database that a
    read-only connection opens (and a reader may not delete it)."""
    found = {}
    for suffix in ("", "-wal"):
        part = Path(str(path) + suffix)
        data = part.read_bytes() if part.exists() else b""
        found[suffix or "db"] = hashlib.sha256(data).hexdigest()
    return found


def _check_fails(path: Path, check: str) -> bool:
    """SQLite's own verdict (``quick_check`` or ``integrity_check``), from a separate
    plain connection that cannot write."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return True
    conn.text_factory = bytes  # a damaged name in SQLite's report may not be UTF-8
    try:
        rows = conn.execute(f"PRAGMA {check}").fetchall()
    except (sqlite3.Error, UnicodeDecodeError):  # SQLite's message quoting damaged bytes
        return True
    finally:
        conn.close()
    return rows != [(b"ok",)]


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# ---------------------------------------------------------------------------- read API


def _api_calls(path: Path, master: Master) -> list[tuple[str, str]]:
    """Each call of the read API: ``(call, "ok" | "error: <class>")``. Named errors
    (``LineageError``) are answers; anything else propagates and fails the test."""
    import lineage_desktop as ld

    outcomes: list[tuple[str, str]] = []

    def attempt(name: str, call) -> object:  # type: ignore[no-untyped-def]
        try:
            result = call()
        except LineageError as exc:
            assert str(exc).strip(), f"{name}: {type(exc).__name__} without a message"
            outcomes.append((name, f"error: {type(exc).__name__}: {exc}"))
            return None
        outcomes.append((name, "ok"))
        return result

    api = attempt("Api", lambda: ld.Api(store=path))
    if api is None:
        return outcomes
    with api:
        attempt("artifact_types", api.artifact_types)
        collections = attempt("artifact_collections", api.artifact_collections) or []
        for collection in collections[:3]:
            attempt("artifact_versions",
                    lambda c=collection: [_touch(a) for a in api.artifact_versions(c.name)])
        runs = attempt("runs", api.runs) or []
        for run in runs[:3]:
            attempt("logged_artifacts", lambda r=run: [_touch(a) for a in r.logged_artifacts()])
            attempt("used_artifacts", lambda r=run: [_touch(a) for a in r.used_artifacts()])
        attempt("run", lambda: _touch_run(api.run(master.run_id)))
        artifact = attempt("artifact", lambda: api.artifact(master.focus))
        if artifact is not None:
            attempt("files", artifact.files)
            attempt("logged_by", artifact.logged_by)
            attempt("used_by", artifact.used_by)
            _touch(artifact)
        attempt("lineage", lambda: api.lineage(master.focus))
        attempt("lineage run", lambda: api.lineage(f"run:{master.run_id}", upstream=2))
    return outcomes


def _touch(artifact) -> None:  # type: ignore[no-untyped-def]
    """Every property of an artifact has the type its record declares."""
    record = artifact.record
    assert isinstance(record.metadata, dict) and isinstance(artifact.metadata, dict)
    assert isinstance(record.name, str) and isinstance(record.index, int)
    assert isinstance(record.size, int) and isinstance(record.file_count, int)
    assert all(isinstance(t, str) for t in (*record.aliases, *record.tags))
    assert isinstance(artifact.name, str) and isinstance(artifact.digest, str)
    assert isinstance(artifact.description, (str, type(None)))


def _touch_run(run) -> None:  # type: ignore[no-untyped-def]
    record = run.record
    assert isinstance(record.id, str) and isinstance(record.name, str)
    assert isinstance(record.config, dict) and isinstance(record.tags, tuple)
    assert all(isinstance(t, str) for t in record.tags)
    assert isinstance(record.exit_code, (int, type(None)))


# ---------------------------------------------------------------------------- commands


def _commands(path: Path, master: Master, out: Path) -> list[list[str]]:
    store = str(path)
    return [
        ["ls", store], ["ls", store, "--json"], ["ls", store, "-l"],
        ["show", store, master.focus], ["show", store, master.focus, "--json"],
        ["show", store, f"run:{master.run_id}", "--json"],
        ["show", store, "audit-note", "--json"],
        ["export", store, master.focus, "-o", str(out / "x.json")],
        ["export", store, master.focus, "-o", str(out / "x.dot")],
        ["export", store, master.focus, "-o", str(out / "x.svg")],
        ["verify", store],
        ["impact", store, master.focus],
        ["diff", store, master.other, master.focus],
    ]


def _run_in_process(argv: list[str]) -> tuple[int, str, str]:
    from lineage_desktop.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own exits
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def _check_command(argv: list[str], status: int, out: str, err: str) -> str:
    """The outcome's name; fails on a traceback, an odd exit status, a noisy error or
    output that is not strict JSON."""
    command = argv[0]
    shown = " ".join(argv)
    assert "Traceback" not in err and "Traceback" not in out, f"{shown}\n{err}"
    assert status in (0, 1, 2), f"{shown}: exit status {status}\n{err}"
    if status == 2:
        lines = [line for line in err.splitlines() if ": warning: " not in line]
        assert len(lines) == 1, f"{shown}: the error is not one line:\n{err}"
        prefix = f"lineage-desktop {command}: error: "
        assert lines[0].startswith(prefix) and len(lines[0]) > len(prefix) + 10, (shown, err)
        return "error"
    if status == 0 and "--json" in argv:
        _strict_json(out)
    return "ok" if status == 0 else "mismatch"


@pytest.fixture(scope="module")
def results(master: Master, corpus: list[Mutant], tmp_path_factory: pytest.TempPathFactory):
    """Every mutant through the read API and every read-only command, in-process.
    A failed check or an uncaught exception is recorded (with its traceback) in
    ``problems`` so that one run reports every mutant that misbehaves."""
    out = tmp_path_factory.mktemp("exports")
    table: dict[str, dict[str, object]] = {}
    for mutant in corpus:
        before = _fingerprint(mutant.path)
        damaged = {check: _check_fails(mutant.path, check)
                   for check in ("quick_check", "integrity_check")}
        started = time.monotonic()
        problems: list[str] = []
        try:
            api = _api_calls(mutant.path, master)
        except Exception:  # noqa: BLE001 - recorded, and fails the test below
            api = [("Api", "crash")]
            problems.append(f"api: {traceback.format_exc()}")
        commands = {}
        for argv in _commands(mutant.path, master, out):
            name = " ".join(argv[:1] + argv[2:])
            try:
                status, stdout, stderr = _run_in_process(argv)
                outcome = _check_command(argv, status, stdout, stderr)
            except Exception:  # noqa: BLE001 - recorded, and fails the test below
                problems.append(f"{name}: {traceback.format_exc()}")
                continue
            commands[name] = (outcome, status, stdout, stderr)
        table[mutant.label] = {"api": api, "commands": commands, "damaged": damaged,
                               "elapsed": time.monotonic() - started, "before": before,
                               "after": _fingerprint(mutant.path), "problems": problems}
    return table


def test_no_traceback_and_only_named_errors(corpus, results):
    failed = {m.label: results[m.label]["problems"] for m in corpus
              if results[m.label]["problems"]}
    report = "\n".join(f"--- {label}\n" + "\n".join(p[-1500:] for p in problems)
                       for label, problems in failed.items())
    assert not failed, f"{len(failed)} mutants misbehaved:\n{report}"


def test_every_mutant_gives_an_answer_or_a_named_error(corpus, results):
    """The figures (printed with ``-s``): per kind of damage, stores read without any
    error, read with some named errors, and refused when opened; commands by outcome."""
    assert len(corpus) >= 200
    stores: Counter[str] = Counter()
    commands: Counter[str] = Counter()
    for mutant in corpus:
        row = results[mutant.label]
        api = dict(row["api"])
        calls = [outcome for _, outcome in row["api"]]
        if api.get("Api") != "ok":
            verdict = "refused"
        elif all(outcome == "ok" for outcome in calls):
            verdict = "read fine"
        else:
            verdict = "named errors"
        stores[f"{mutant.kind:8} {verdict}"] += 1
        commands.update(outcome for outcome, *_ in row["commands"].values())
    print(f"\n{len(corpus)} mutants")
    print("\n".join(f"  {key}: {n}" for key, n in sorted(stores.items())))
    print(f"commands: {dict(commands)}")
    assert sum(stores.values()) == len(corpus)
    assert all(key.split()[-1] in ("fine", "errors", "refused") for key in stores)


def test_readers_never_write(corpus, results):
    changed = [m.label for m in corpus if results[m.label]["before"] != results[m.label]["after"]]
    assert not changed


def test_every_mutant_is_read_within_its_budget(corpus, results):
    slow = {m.label: round(results[m.label]["elapsed"], 1) for m in corpus
            if results[m.label]["elapsed"] > STORE_BUDGET_S}
    assert not slow


def _false_all_match(corpus, results, check: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Mutants that fail SQLite's ``check`` and that verify still passed."""
    false_ok = []
    for mutant in corpus:
        row = results[mutant.label]
        if not row["damaged"][check] or "verify" not in row["commands"]:
            continue
        _, status, stdout, _ = row["commands"]["verify"]
        if status == 0 or "all match" in stdout:
            false_ok.append(mutant.label)
    return false_ok


def test_verify_never_says_all_match_on_a_damaged_file(corpus, results):
    """Neither where quick_check fails nor where only integrity_check does (a flipped
    byte in an index page: "row 10 missing from index versions_digest")."""
    quick = sum(results[m.label]["damaged"]["quick_check"] for m in corpus)
    thorough = sum(results[m.label]["damaged"]["integrity_check"] for m in corpus)
    assert quick >= 50 and thorough > quick
    assert not _false_all_match(corpus, results, "quick_check")
    assert not _false_all_match(corpus, results, "integrity_check")


def test_the_untouched_master_reads_cleanly(master, tmp_path):
    for argv in _commands(master.path, master, tmp_path):
        status, out, err = _run_in_process(argv)
        assert status == 0, (argv, err)
        _check_command(argv, status, out, err)
    assert all(outcome == "ok" for _, outcome in _api_calls(master.path, master))


def test_a_killed_writers_wal_is_read(master, corpus):
    """The -wal a killed writer leaves is recovered for readers, never reported as damage."""
    import lineage_desktop as ld

    walled = next(m for m in corpus if m.label == "wal-intact")
    with ld.Api(store=walled.path) as api:
        assert api.artifact(master.focus).description == "edited after the last checkpoint"


# ---------------------------------------------------------------------------- processes


def test_a_sample_as_real_processes(master, corpus, tmp_path):
    """What a user's shell sees: the same outcomes as in-process, no traceback."""
    sample = corpus[:: max(1, len(corpus) // PROCESS_SAMPLE)][:PROCESS_SAMPLE]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for n, mutant in enumerate(sample):
        before = _fingerprint(mutant.path)
        commands = _commands(mutant.path, master, tmp_path)
        argv = commands[n * 5 % len(commands)]
        done = subprocess.run([sys.executable, "-m", "lineage_desktop", *argv],
                              capture_output=True, text=True, timeout=60, env=env)
        _check_command(argv, done.returncode, done.stdout, done.stderr)
        assert _fingerprint(mutant.path) == before, mutant.label


# ---------------------------------------------------------------------------- window


def test_the_window_on_a_sample(master, corpus, results, qtbot, caplog, tmp_path):
    """Each sampled store opens (or is refused) with a clear message; when it opens, its
    lineage is drawn and the focus and its producer are previewed. No slot raises (pytest-qt
    fails the test on an exception in a Qt callback) and nothing is logged as a bug."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from lineage_desktop.app import create_main_window

    folder = tmp_path / "settings"
    folder.mkdir()
    QCoreApplication.setOrganizationName("lineage_desktop-tests")
    QCoreApplication.setApplicationName("lineage-desktop-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    caplog.set_level(logging.WARNING, logger="lineage_desktop")
    window = create_main_window()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    outcomes: Counter[str] = Counter()
    for mutant in _window_sample(corpus, results):
        before = _fingerprint(mutant.path)
        outcomes[_open_in_window(window, mutant, master, qtbot)] += 1
        assert _fingerprint(mutant.path) == before, mutant.label
        bugs = [r for r in caplog.records if r.exc_info]
        assert not bugs, f"{mutant.label}: {bugs[0].getMessage()}"
    print(f"\nwindow: {dict(outcomes)}")
    assert outcomes["drawn"] >= WINDOW_SAMPLE // 3
    # Still usable: the untouched store opens and draws.
    assert window.open_store(master.path)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage(master.focus)
    assert window.scene().node_items()


# Odd values that reach the drawing and the preview: always in the window's sample.
WINDOW_MUST = ("sql-description-huge", "sql-metadata-deep-open", "sql-metadata-escapes",
               "sql-metadata-nan", "sql-config-deep-closed", "sql-tags-list",
               "sql-run-author-huge", "sql-usage-cycle-long", "sql-version-run-blob",
               "sql-description-blob", "sql-manifest-path-escape", "wal-intact")


def _window_sample(corpus: list[Mutant], results) -> list[Mutant]:  # type: ignore[no-untyped-def]
    """The must-haves, then every kind in turn, stores that open before refused ones."""
    chosen = [m for m in corpus if m.label in WINDOW_MUST]
    by_kind: dict[str, list[Mutant]] = {}
    for mutant in corpus:
        if mutant not in chosen:
            by_kind.setdefault(mutant.kind, []).append(mutant)
    for mutants in by_kind.values():
        mutants.sort(key=lambda m: dict(results[m.label]["api"]).get("Api") != "ok")
    while len(chosen) < WINDOW_SAMPLE and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(chosen) < WINDOW_SAMPLE:
                chosen.append(by_kind[kind].pop(len(by_kind[kind]) // 3))
    return chosen


def _open_in_window(window, mutant: Mutant, master: Master, qtbot) -> str:  # type: ignore[no-untyped-def]
    """``drawn``, ``refused`` (a message instead) or ``not drawn`` (opened, the lineage
    failed with a message)."""
    controller = window.controller
    failures: list[str] = []
    ready: list[str] = []
    connections = [(controller.store_failed, lambda path, message: failures.append(message)),
                   (controller.lineage_failed, lambda ref, message: failures.append(message)),
                   (controller.problem, failures.append),
                   (window.lineage_ready, ready.append)]
    for signal, slot in connections:
        signal.connect(slot)
    try:
        if not window.open_store(mutant.path):
            outcome = "refused"
        else:
            window.show_lineage(master.focus)
            qtbot.waitUntil(lambda: bool(ready or failures) and not controller.is_busy(),
                            timeout=20_000)
            outcome = "drawn" if ready else "not drawn"
            if ready:
                _preview_focus_and_producer(window, qtbot)
    finally:
        for signal, slot in connections:
            signal.disconnect(slot)
    assert outcome == "drawn" or failures, mutant.label
    for message in failures:
        assert message.strip() and "Traceback" not in message, (mutant.label, message)
    if outcome != "drawn":
        assert window.banner.isVisible() and window.banner.text(), mutant.label
    return outcome


def _preview_focus_and_producer(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    view, scene = window.view, window.scene()
    focus = window.controller.snapshot.focus
    keys = [focus, *window.controller.snapshot.view.predecessors(focus)][:2]
    for key in keys:
        item = scene.node_item(key)
        if item is None:
            continue
        with qtbot.waitSignal(scene.node_clicked, timeout=5_000):
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=view.mapFromScene(item.sceneBoundingRect().center()))
        qtbot.waitUntil(lambda: not window.controller.is_busy(), timeout=10_000)

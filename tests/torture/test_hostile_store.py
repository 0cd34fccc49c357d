"""A store written by someone else cannot make the program read or write outside its
folder and the chosen download root.

Each test builds a small store through the SDK, crafts hostile manifest rows (or blob
folder contents) with plain sqlite3, closes sqlite3, and then opens the store with the
product: ``Artifact.download``, ``Artifact.verify``, ``Api(...).artifact(...)``, the CLI's
``verify`` and ``report``, and the audit engine behind the window. Nothing may be
written outside the download root, no content of an outside file may be copied or its
hash printed, and every refusal names the version, the entry and what is wrong.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from backend_switch import raw_sql, store_arg

import lineage_desktop as ld
from lineage_desktop.audit import scan_store
from lineage_desktop.cli.main import main
from lineage_desktop.records import DigestMismatch, VerificationFailed
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk.integrity import unrecorded_files
from lineage_desktop.sdk.stores import _close_all

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECRET = b"TOP SECRET: the auditor's private key\n"
ESCAPES = "\x1b[31mred\x1b[0m\x1b]0;title\x07\x1b[2J"
PASSWD = Path("/etc/passwd")


@dataclass
class Hostile:
    tmp: Path
    store: Path
    blobs: Path
    secret: Path
    root: Path  # the download root, three levels down so that '../..' stays in tmp
    version_id: int
    a_digest: str  # digest of the stored a.txt

    @property
    def own(self) -> tuple[Path, ...]:
        """Folders the test lets the product write: the store's (readers may create the
        -shm), the downloads and the reports."""
        return (self.store.parent, self.tmp / "dl", self.tmp / "reports")

    @property
    def forbidden(self) -> list[str]:
        """Texts that must never appear in any output: the secret, its hash, the hash of
        /etc/passwd (full and as verify's 12-digit short form)."""
        texts = [SECRET.decode().strip()]
        for content in (SECRET, PASSWD.read_bytes() if PASSWD.exists() else b""):
            digest = hashlib.sha256(content).hexdigest()
            texts += [digest, digest[:12]]
        return texts

    def craft(self, sql: str, params: tuple[object, ...] = ()) -> None:
        with raw_sql(self.store) as execute:
            execute(sql, params)

    def add_entry(self, path: str, digest: str, ref: str | None = None, size: int = 1) -> None:
        self.craft("INSERT INTO manifest (version_id, path, digest, size, ref) "
                   "VALUES (?, ?, ?, ?, ?)", (self.version_id, path, digest, size, ref))

    def set_entry(self, old_path: str, path: str | None = None,
                  digest: str | None = None) -> None:
        self.craft("UPDATE manifest SET path = COALESCE(?, path), digest = COALESCE(?, digest) "
                   "WHERE version_id = ? AND path = ?", (path, digest, self.version_id, old_path))

    def blob(self, digest: str) -> Path:
        return self.blobs / digest[:2] / digest


def tree(folder: Path, skip: tuple[Path, ...]) -> dict[str, tuple[str, bytes | str | None]]:
    """Everything below ``folder`` (links as their targets, files as their bytes)."""
    found: dict[str, tuple[str, bytes | str | None]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        for name in dirnames + filenames:
            path = here / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir", None)
            else:
                found[key] = ("file", path.read_bytes())
    return found


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    store = tmp_path / "store" / "s.db"
    store.parent.mkdir()
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    artifact = ld.Artifact("data", "dataset", description="<b>html</b> " + ESCAPES)
    with artifact.new_file("a.txt") as handle:
        handle.write("alpha")
    with artifact.new_file("sub/b.txt") as handle:
        handle.write("beta")
    with ld.init(project="p", entity="e", name="ingest", store=store) as run:
        run.log_artifact(artifact)
    with ld.init(project="p", entity="e", name="train", store=store) as run:
        run.use_artifact("data:v0")
    _close_all()  # no connection of the product stays open while rows are crafted
    with raw_sql(store) as execute:
        version_id, a_digest = execute(
            "SELECT version_id, digest FROM manifest WHERE path = 'a.txt'").fetchone()
    root = tmp_path / "dl" / "one" / "two"
    return Hostile(tmp_path, store, Path(str(store) + ".files"), secret, root, version_id,
                   a_digest)


@pytest.fixture
def cli(capsys):
    def run(*args: object) -> tuple[int, str, str]:
        try:
            status = main([str(a) for a in args])
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
        out, err = capsys.readouterr()
        return status, out, err

    return run


def exercise(hostile: Hostile, cli, path: str) -> dict[str, object]:
    """Run every reader on the store; check what must hold for all of them; return the
    findings for the test's own assertions."""
    outside = tree(hostile.tmp, skip=hostile.own)
    passwd = PASSWD.read_bytes() if PASSWD.exists() else None
    outputs: list[str] = []

    api = ld.Api(store=hostile.store)
    artifact = api.artifact("data:v0")
    with pytest.raises((UnsafeEntry, DigestMismatch)) as refused:
        artifact.download(hostile.root)
    outputs.append(str(refused.value))
    with pytest.raises(VerificationFailed) as failed:
        artifact.verify()
    outputs.append(str(failed.value))
    audit = scan_store(api.store)
    api.close()

    status, out, err = cli("verify", hostile.store)
    outputs += [out, err]
    assert status == 1, (out, err)
    assert "all match" not in out
    json_status, json_out, json_err = cli("verify", hostile.store, "--json")
    outputs += [json_out, json_err]
    assert json_status == 1
    report = json.loads(json_out)
    assert report["ok"] is False
    html_file = hostile.tmp / "reports" / "report.html"
    html_file.parent.mkdir(exist_ok=True)
    report_status, report_out, report_err = cli("report", hostile.store, "data:v0", "-o",
                                                html_file)
    html = html_file.read_text(encoding="utf-8")
    outputs += [report_out, report_err, html]
    assert report_status == 0, report_err

    for text in outputs:
        assert "Traceback" not in text
        for secret in hostile.forbidden:
            assert secret not in text, f"{secret!r} leaked into output"
    for text in (out, err, report_err):
        assert "\x1b" not in text and "\x07" not in text  # escape codes never reach a terminal
    assert "<b>html</b>" not in html and "<script" not in html
    assert tree(hostile.tmp, skip=hostile.own) == outside
    assert (PASSWD.read_bytes() if PASSWD.exists() else None) == passwd
    dl = hostile.tmp / "dl"
    written = [p for p in dl.rglob("*") if p.is_file() or p.is_symlink()] if dl.exists() else []
    assert all(hostile.root in p.parents for p in written), written
    assert all(p.read_bytes() != SECRET for p in written if p.is_file())
    return {"refused": refused.value, "failed": failed.value, "text": out, "json": report,
            "audit": audit, "html": html}


def unsafe_findings(found: dict[str, object], path: str) -> None:
    """The bad row is named everywhere: version, entry path and reason."""
    refused = found["refused"]
    assert isinstance(refused, UnsafeEntry)
    assert refused.version == "data:v0" and refused.path == path and refused.reason
    assert "data:v0" in str(refused) and repr(path) in str(refused)
    failed = found["failed"]
    assert isinstance(failed, VerificationFailed)
    assert any(p.status == "unsafe" and p.path == path for p in failed.problems)
    line = next(line for line in str(found["text"]).splitlines() if line.startswith("unsafe"))
    assert "data:v0" in line and "refused" in line
    problems = found["json"]["problems"]  # type: ignore[index]
    mine = [p for p in problems if p["path"] == path]
    assert mine and mine[0]["status"] == "unsafe" and mine[0]["artifact"] == "data:v0"
    assert mine[0]["detail"]
    assert "artifact:data:v0" in found["json"]["compromised"]  # type: ignore[index]
    audit = found["audit"]
    assert any(c.status == "unsafe" and c.path == path
               for c in audit.compromised["artifact:data:v0"])  # type: ignore[attr-defined]
    assert "unsafe" in str(found["html"])


@pytest.mark.parametrize("path", ["../x", "../../etc/passwd", "/etc/passwd", "a/../../b",
                                  "./a.txt", "sub//b2.txt", "nul\x00byte"])
def test_entry_paths_that_leave_the_root(hostile, cli, path):
    if "\x00" in path and store_arg(hostile.store) != str(hostile.store):
        pytest.skip("PostgreSQL text cannot hold a NUL byte: no team store has this entry")
    hostile.add_entry(path, hostile.a_digest)
    found = exercise(hostile, cli, path)
    unsafe_findings(found, path)
    assert not hostile.root.exists() or not any(hostile.root.rglob("*"))  # refused first
    assert "escape" in found["refused"].reason or "normal form" in found["refused"].reason \
        or "NUL" in found["refused"].reason


@pytest.mark.parametrize("digest", ["../../../etc/passwd", "zz" * 32, "abc",
                                    "A" * 64, "0" * 63 + "\n", "../" + "0" * 61])
def test_digests_that_are_not_sha256_hex(hostile, cli, digest):
    hostile.set_entry("a.txt", digest=digest)
    found = exercise(hostile, cli, "a.txt")
    unsafe_findings(found, "a.txt")
    assert "invalid digest" in found["refused"].reason


def test_a_blob_that_is_a_link_to_a_file_outside(hostile, cli):
    blob = hostile.blob(hostile.a_digest)
    blob.unlink()
    blob.symlink_to(hostile.secret)
    found = exercise(hostile, cli, "a.txt")
    unsafe_findings(found, "a.txt")
    assert "symbolic link" in found["refused"].reason


def test_a_blob_that_links_to_content_matching_its_digest_is_still_refused(hostile, cli):
    # Even "correct" content is not read through a link: the link itself is the problem.
    blob = hostile.blob(hostile.a_digest)
    twin = hostile.tmp / "outside" / "alpha.txt"
    twin.write_bytes(blob.read_bytes())
    blob.unlink()
    blob.symlink_to(twin)
    found = exercise(hostile, cli, "a.txt")
    unsafe_findings(found, "a.txt")


def test_the_blob_folder_is_a_link(hostile, cli):
    elsewhere = hostile.tmp / "outside" / "files"
    hostile.blobs.rename(elsewhere)
    hostile.blobs.symlink_to(elsewhere, target_is_directory=True)
    found = exercise(hostile, cli, "a.txt")
    unsafe_findings(found, "a.txt")
    assert {p.path for p in found["failed"].problems if p.status == "unsafe"} == {
        "a.txt", "sub/b.txt"}


def test_a_link_inside_the_blob_folder(hostile, cli):
    sub = hostile.blob(hostile.a_digest).parent
    moved = hostile.tmp / "outside" / sub.name
    sub.rename(moved)
    sub.symlink_to(moved, target_is_directory=True)
    found = exercise(hostile, cli, "a.txt")
    unsafe_findings(found, "a.txt")


def test_a_folder_reference_to_etc(hostile, cli):
    for name in ("passwd", "hostname", "group"):
        hostile.add_entry(f"etc/{name}", "0" * 64, f"file:///etc/{name}")
    hostile.add_entry("root-dir", hashlib.sha256(b"file:///etc").hexdigest(), "file:///etc")
    listed: list[str] = []
    real_scandir = os.scandir

    def watching(path="."):  # type: ignore[no-untyped-def]
        if not isinstance(path, int):  # shutil.rmtree lists by descriptor
            listed.append(os.path.realpath(path))
        return real_scandir(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "scandir", watching)
        found = exercise(hostile, cli, "etc/group")
    unsafe_findings(found, "etc/group")  # the first bad entry in path order
    assert listed and not [p for p in listed if p.startswith(("/etc", "/usr"))]
    statuses = {p["path"]: p["status"] for p in found["json"]["problems"]}
    assert statuses["etc/passwd"] == statuses["etc/hostname"] == statuses["root-dir"] == "unsafe"
    assert not [p for p in found["json"]["problems"] if p["status"] == "extra"]
    assert any("/etc" in note for note in found["json"]["notes"])


def test_a_reference_that_climbs_out_with_dots(hostile, cli):
    uri = (hostile.tmp / "outside").as_uri() + "/../outside/secret.txt"
    hostile.add_entry("ref.txt", "0" * 64, uri)
    found = exercise(hostile, cli, "ref.txt")
    unsafe_findings(found, "ref.txt")


def test_a_reference_to_another_host(hostile, cli):
    hostile.add_entry("ref.txt", "0" * 64, "file://fileserver/share/secret.txt")
    found = exercise(hostile, cli, "ref.txt")
    unsafe_findings(found, "ref.txt")


def test_html_and_escape_codes_in_entry_paths_and_texts(hostile, cli):
    odd = "<img src=x onerror=alert(1)>" + ESCAPES + ".txt"
    hostile.set_entry("a.txt", path=odd)
    hostile.craft("UPDATE runs SET name = ? WHERE name = 'ingest'", ("<b>run</b>" + ESCAPES,))
    hostile.set_entry(odd, digest="../../../etc/passwd")
    found = exercise(hostile, cli, odd)
    unsafe_findings(found, odd)
    assert "<img" not in found["html"]


def test_a_blob_that_is_a_folder_is_unreadable_and_the_check_goes_on(hostile, cli):
    blob = hostile.blob(hostile.a_digest)
    blob.unlink()
    blob.mkdir()
    (blob / "inside").write_bytes(SECRET)
    api = ld.Api(store=hostile.store)
    with pytest.raises(VerificationFailed) as failed:
        api.artifact("data:v0").verify()
    api.close()
    assert [(p.path, p.status) for p in failed.value.problems] == [("a.txt", "unreadable")]
    status, out, err = cli("verify", hostile.store, "--json")
    assert status == 1 and "Traceback" not in err
    problems = json.loads(out)["problems"]
    assert [(p["path"], p["status"]) for p in problems] == [("a.txt", "unreadable")]
    assert "folder" in problems[0]["detail"] or "directory" in problems[0]["detail"].lower()
    status, out, err = cli("verify", hostile.store)
    assert status == 1 and "1 unreadable" in out.splitlines()[-1]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_blob_without_read_permission_is_unreadable(hostile, cli):
    blob = hostile.blob(hostile.a_digest)
    blob.chmod(0)
    try:
        status, out, err = cli("verify", hostile.store, "--json")
    finally:
        blob.chmod(0o644)
    assert status == 1
    assert [p["status"] for p in json.loads(out)["problems"]] == ["unreadable"]


def test_a_fifo_planted_as_a_blob_does_not_hang(hostile, cli):
    blob = hostile.blob(hostile.a_digest)
    blob.unlink()
    os.mkfifo(blob)
    status, out, err = cli("verify", hostile.store, "--json")
    assert status == 1 and "Traceback" not in err
    assert [p["status"] for p in json.loads(out)["problems"]] == ["unsafe"]


def _damage_a_table_verify_does_not_read(store: Path) -> None:
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, pad TEXT)")
        conn.executemany("INSERT INTO filler (pad) VALUES (?)", [("x" * 500,)] * 400)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [row[0] for row in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'filler' AND pagetype = 'internal'")]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(store, "r+b") as handle:  # no product connection is open here
        handle.seek((pages[0] - 1) * page_size + 8)
        handle.write(b"\xff" * 64)  # child page numbers of the table's interior page


@pytest.mark.sqlite_file("damages pages of the SQLite file")
@pytest.mark.parametrize("quick", [False, True])
def test_a_damaged_database_fails_verify(hostile, cli, quick):
    """SQLite's check runs on the database itself: damage in a table that verify does
    not otherwise read still fails it, in text and JSON."""
    _damage_a_table_verify_does_not_read(hostile.store)
    check = "quick_check" if quick else "integrity_check"
    flags = ["--quick"] if quick else []
    status, out, err = cli("verify", hostile.store, *flags)
    assert status == 1, (out, err)
    assert "all match" not in out and "database damaged" in out.splitlines()[-1]
    assert out.startswith(f"damaged  database  {check}")
    status, out, err = cli("verify", hostile.store, "--json", *flags)
    data = json.loads(out)
    assert status == 1 and data["ok"] is False and data["problems"] == []
    assert data["database"]["check"] == check
    assert data["database"]["ok"] is False and data["database"]["problems"]


@pytest.mark.sqlite_file("damages an index page of the SQLite file")
def test_an_index_missing_a_row_fails_verify_but_not_quick(hostile, cli):
    """integrity_check compares indexes with their tables (a lineage query reading a
    damaged index misses rows); quick_check does not, which is why it is not the default."""
    conn = sqlite3.connect(hostile.store)
    with conn:
        conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, pad TEXT)")
        conn.execute("CREATE INDEX filler_pad ON filler (pad)")
        conn.executemany("INSERT INTO filler (id, pad) VALUES (?, ?)",
                         [(i, f"k{i:05d}") for i in range(1, 101)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'filler_pad'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(hostile.store.read_bytes())
    at = data.index(b"k00050", (page - 1) * page_size, page * page_size)
    data[at + 6] = 51  # the index entry of row 50 now names row 51
    hostile.store.write_bytes(bytes(data))
    conn = sqlite3.connect(hostile.store)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    conn.close()
    status, out, _ = cli("verify", hostile.store, "--json")
    assert status == 1 and json.loads(out)["database"]["ok"] is False
    assert "missing from index" in json.loads(out)["database"]["problems"][0]
    assert cli("verify", hostile.store, "--quick")[0] == 0


def test_a_sound_database_is_reported_checked(hostile, cli):
    status, out, _ = cli("verify", hostile.store, "--json")
    data = json.loads(out)
    assert status == 0 and data["ok"] is True
    assert data["database"] == {"check": "integrity_check", "ok": True, "problems": []}


def test_extra_files_search_is_capped_and_says_so(tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(30):
        (folder / f"f{i:02}").write_text("x")
    (folder / "link").symlink_to(tmp_path, target_is_directory=True)
    scan = unrecorded_files(folder, {"f00"}, limit=10)
    assert len(scan.extras) == 10 and scan.note and "after 10 entries" in scan.note
    scan = unrecorded_files(folder, {"f00"})
    assert len(scan.extras) == 30 and scan.note is None  # the link is listed, not followed
    assert unrecorded_files(Path("/"), set()).note
    assert unrecorded_files(Path("/usr"), set()).note

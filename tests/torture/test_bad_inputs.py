"""Bad input to the SDK is refused with a named error that shows the bad value, before
anything is written: every file under the test's folder (store, ``-wal``, blobs, the
caller's own files) is byte-identical afterwards, and a store that did not exist is not
created. Legal edge cases next to each rule are still accepted.

The table holds one row per bad input across ``ld.init``, ``Artifact(...)``,
``add_file``, ``add_dir``, ``add_reference``, ``new_file``, ``log_artifact``,
``use_artifact``, ``Run.finish`` and ``Api``.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from backend_switch import database_rows, raw_sql, store_arg

import lineage_desktop as ld
from lineage_desktop.records import (
    ArtifactNotFound,
    DigestMismatch,
    InvalidAlias,
    InvalidArtifactName,
    InvalidArtifactType,
    InvalidEntryPath,
    InvalidLocalPath,
    InvalidMetadata,
    InvalidProjectName,
    InvalidRunId,
    InvalidTag,
    InvalidText,
    LocalFileNotFound,
    TypeMismatch,
    ValidationError,
)
from lineage_desktop.records.validation import InvalidReference

pytestmark = pytest.mark.torture

NAN, INF = math.nan, math.inf


@dataclass
class World:
    """A store holding ``data:v0`` (a dataset, alias ``best``), a run still writing to
    it, and folders for the caller's files and for things outside them."""

    root: Path
    store: Path
    new_store: Path  # never created: refusals from init must not make it
    files: Path
    outside: Path
    run: ld.Run

    def file(self, name: str, content: str | bytes = "x") -> Path:
        """A file of the caller's; written only if it does not hold ``content`` already
        (the fixture writes the usual ones before any snapshot is taken)."""
        path = self.files / name
        data = content.encode() if isinstance(content, str) else content
        if not (path.is_file() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return path

    def folder(self, name: str) -> Path:
        path = self.files / name
        (path / "sub").mkdir(parents=True)
        (path / "a.txt").write_text("a")
        (path / "sub" / "b.txt").write_text("b")
        return path

    def art(self, name: str = "draft", type_name: str = "dataset") -> ld.Artifact:
        return ld.Artifact(name, type_name)


@pytest.fixture
def world(tmp_path: Path):
    store_dir, files, outside = tmp_path / "store", tmp_path / "files", tmp_path / "outside"
    for folder in (store_dir, files, outside):
        folder.mkdir()
    (outside / "secret.txt").write_text("not for the artifact")
    run = ld.init(project="p", entity="e", job_type="train", store=store_dir / "lineage.db",
                  reinit="create_new")  # not ld.run: the cases start runs of their own
    data = ld.Artifact("data", "dataset")
    data.add_file(_write(files / "d.txt", "data"), name="d.txt")
    run.log_artifact(data, aliases=["best"])
    built = World(tmp_path, store_dir / "lineage.db", store_dir / "never.db", files, outside,
                  run)
    built.file("f.txt")
    built.file("new.txt", "new content")
    built.folder("plain-tree")
    yield built
    if run.state == "running":
        run.config = {}
        run.finish()


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file, folder and link under ``root``: content hashes, link targets. SQLite's
    ``-shm`` index is left out: readers update it by design, and it holds no data."""
    state: dict[str, tuple] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if name.endswith("-shm"):
                continue
            if path.is_symlink():
                state[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                state[rel] = ("dir",)
            elif path.is_file():
                state[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                state[rel] = ("special",)
    return state


# ---------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """``prepare(world)`` may set things up (and write), then returns the refused call."""

    id: str
    prepare: Callable[[World], Callable[[], object]]
    error: type[Exception]
    shows: str  # a piece of the message that names the bad value


def call(action: Callable[[World], object]) -> Callable[[World], Callable[[], object]]:
    """A case whose set-up writes nothing: the whole action is the refused call."""
    return lambda w: (lambda: action(w))


def case(id: str, action: Callable[[World], object], error: type[Exception],
         shows: str) -> Case:
    return Case(id, call(action), error, shows)


def init_new(**kwargs: object) -> Callable[[World], object]:
    return lambda w: ld.init(store=w.new_store, **{"project": "p", **kwargs})


def with_api(action: Callable[[ld.Api], object], **kwargs: object
             ) -> Callable[[World], object]:
    def run(w: World) -> object:
        api = ld.Api(store=w.store, **kwargs)
        try:
            return action(api)
        finally:
            api.close()
    return run


def cyclic() -> dict:
    loop: dict = {"a": 1}
    loop["self"] = loop
    return loop


def deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"k": value}
    return value


INIT_CASES = [
    case("project-slash", init_new(project="team/churn"), InvalidProjectName, "'team/churn'"),
    case("project-backslash", init_new(project="a\\b"), InvalidProjectName, "'a\\\\b'"),
    case("project-hash", init_new(project="a#b"), InvalidProjectName, "'a#b'"),
    case("project-question", init_new(project="a?b"), InvalidProjectName, "'a?b'"),
    case("project-percent", init_new(project="a%b"), InvalidProjectName, "'a%b'"),
    case("project-colon", init_new(project="a:b"), InvalidProjectName, "'a:b'"),
    case("project-newline", init_new(project="churn\n"), InvalidProjectName, "'churn\\n'"),
    case("project-escape", init_new(project="p\x1b[31m"), InvalidProjectName, "'p\\x1b[31m'"),
    case("project-too-long", init_new(project="x" * 129), InvalidProjectName, "'xxxxxxxx"),
    case("project-blank", init_new(project="   "), InvalidProjectName, "'   '"),
    case("project-not-text", init_new(project=5), InvalidProjectName, "5"),
    case("entity-slash", init_new(entity="acme/ml"), InvalidProjectName, "'acme/ml'"),
    case("entity-newline", init_new(entity="acme\n"), InvalidProjectName, "'acme\\n'"),
    case("entity-empty", init_new(entity=""), InvalidProjectName, "''"),
    case("run-name-nul", init_new(name="run\x00"), InvalidText, "'run\\x00'"),
    case("run-name-too-long", init_new(name="n" * 129), InvalidText, "'nnnnnn"),
    case("run-name-not-text", init_new(name=42), InvalidText, "42"),
    case("run-name-surrogate", init_new(name="r\udc80"), InvalidText, "'r\\udc80'"),
    case("job-type-nul", init_new(job_type="train\x00"), InvalidText, "'train\\x00'"),
    case("job-type-list", init_new(job_type=["train"]), InvalidText, "['train']"),
    case("group-nul", init_new(group="g\x00"), InvalidText, "'g\\x00'"),
    case("group-too-long", init_new(group="g" * 200), InvalidText, "'gggg"),
    case("notes-bytes", init_new(notes=b"notes"), InvalidText, "b'notes'"),
    case("notes-nul", init_new(notes="a\x00b"), InvalidText, "'a\\x00b'"),
    case("config-nan", init_new(config={"lr": NAN}), InvalidMetadata, "config['lr']"),
    case("config-nested-inf", init_new(config={"a": {"b": [1, INF]}}), InvalidMetadata,
         "config['a']['b'][1]"),
    case("config-minus-inf", init_new(config={"x": -INF}), InvalidMetadata, "-inf"),
    case("config-int-key", init_new(config={1: "a"}), InvalidMetadata, "key 1"),
    case("config-pairs", init_new(config=[("a", 1)]), InvalidMetadata, "[('a', 1)]"),
    case("config-string", init_new(config="lr=0.1"), InvalidMetadata, "'lr=0.1'"),
    case("config-cycle", init_new(config=cyclic()), InvalidMetadata, "config['self']"),
    case("config-too-deep", init_new(config=deep(150)), InvalidMetadata, "100 levels"),
    case("config-surrogate", init_new(config={"s": "\udc80"}), InvalidMetadata,
         "config['s']"),
    case("run-tag-too-long", init_new(tags=["t" * 65]), InvalidTag, "'tttt"),
    case("run-tag-empty", init_new(tags=[""]), InvalidTag, "''"),
    case("run-tag-not-text", init_new(tags=["ok", 3]), InvalidTag, "3"),
    case("run-tag-newline", init_new(tags=["nightly\n"]), InvalidTag, "'nightly\\n'"),
    case("run-tags-number", init_new(tags=5), InvalidTag, "5"),
    case("run-tags-dict", init_new(tags={"a": 1}), InvalidTag, "{'a': 1}"),
    case("run-id-slash", init_new(id="a/b"), InvalidRunId, "'a/b'"),
    case("run-id-colon", init_new(id="a:b"), InvalidRunId, "'a:b'"),
    case("run-id-space", init_new(id=" abc"), InvalidRunId, "' abc'"),
    case("run-id-empty", init_new(id=""), InvalidRunId, "''"),
    case("run-id-newline", init_new(id="abc\n"), InvalidRunId, "'abc\\n'"),
    case("run-id-taken", lambda w: ld.init(project="p", store=w.store, id=w.run.id),
         InvalidRunId, "already exists"),
    case("store-nul", lambda w: ld.init(project="p", store=str(w.new_store) + "\x00"),
         InvalidLocalPath, "\\x00"),
    case("store-not-a-path", lambda w: ld.init(project="p", store=3.5), InvalidLocalPath,
         "3.5"),
]

ARTIFACT_CASES = [
    case("name-newline", lambda w: ld.Artifact("data\n", "dataset"), InvalidArtifactName,
         "'data\\n'"),
    case("name-cr", lambda w: ld.Artifact("data\r", "dataset"), InvalidArtifactName,
         "'data\\r'"),
    case("name-space", lambda w: ld.Artifact("da ta", "dataset"), InvalidArtifactName,
         "'da ta'"),
    case("name-slash", lambda w: ld.Artifact("da/ta", "dataset"), InvalidArtifactName,
         "'da/ta'"),
    case("name-too-long", lambda w: ld.Artifact("x" * 129, "dataset"), InvalidArtifactName,
         "'xxxx"),
    case("name-empty", lambda w: ld.Artifact("", "dataset"), InvalidArtifactName, "''"),
    case("name-none", lambda w: ld.Artifact(None, "dataset"), InvalidArtifactName, "None"),
    case("name-non-ascii", lambda w: ld.Artifact("dätä", "dataset"), InvalidArtifactName,
         "'dätä'"),
    case("type-newline", lambda w: ld.Artifact("a", "dataset\n"), InvalidArtifactType,
         "'dataset\\n'"),
    case("type-job", lambda w: ld.Artifact("a", "job"), InvalidArtifactType, "'job'"),
    case("type-wandb", lambda w: ld.Artifact("a", "wandb-history"), InvalidArtifactType,
         "'wandb-history'"),
    case("type-empty", lambda w: ld.Artifact("a", ""), InvalidArtifactType, "''"),
    case("type-space", lambda w: ld.Artifact("a", "model type"), InvalidArtifactType,
         "'model type'"),
    case("type-code-source-name", lambda w: ld.Artifact("source-x", "code"),
         InvalidArtifactType, "'code'"),
    case("type-run-table-run-name", lambda w: ld.Artifact("run-x", "run_table"),
         InvalidArtifactType, "'run_table'"),
    case("description-number", lambda w: ld.Artifact("a", "t", description=5), InvalidText,
         "5"),
    case("description-nul", lambda w: ld.Artifact("a", "t", description="d\x00"), InvalidText,
         "'d\\x00'"),
    case("description-surrogate", lambda w: ld.Artifact("a", "t", description="\udc80"),
         InvalidText, "'\\udc80'"),
    case("metadata-nan", lambda w: ld.Artifact("a", "t", metadata={"auc": NAN}),
         InvalidMetadata, "metadata['auc']"),
    case("metadata-inf-in-list", lambda w: ld.Artifact("a", "t", metadata={"m": [1.0, INF]}),
         InvalidMetadata, "metadata['m'][1]"),
    case("metadata-tuple-key", lambda w: ld.Artifact("a", "t", metadata={("t",): 1}),
         InvalidMetadata, "('t',)"),
    case("metadata-string", lambda w: ld.Artifact("a", "t", metadata='{"a": 1}'),
         InvalidMetadata, "'{\"a\": 1}'"),
    case("metadata-mixed-keys", lambda w: ld.Artifact("a", "t", metadata={"a": 1, 2: 3}),
         InvalidMetadata, "key 2"),
]


def clash(first: str, second: str) -> Callable[[World], Callable[[], object]]:
    def prepare(w: World) -> Callable[[], object]:
        artifact = w.art()
        artifact.add_file(w.file("one.txt"), name=first)
        two = w.file("two.txt", "2")
        return lambda: artifact.add_file(two, name=second)
    return prepare


def fifo(w: World) -> Path:
    path = w.files / "pipe"
    os.mkfifo(path)
    return path


def duplicate(w: World) -> Callable[[], object]:
    artifact = w.art()
    artifact.add_file(w.file("one.txt"), name="same.txt")
    two = w.file("two.txt", "2")
    return lambda: artifact.add_file(two, name="same.txt", overwrite=False)


ADD_FILE_CASES = [
    case("path-nul", lambda w: w.art().add_file("a\x00b"), InvalidLocalPath, "'a\\x00b'"),
    case("path-number", lambda w: w.art().add_file(5), InvalidLocalPath, "5"),
    case("path-missing", lambda w: w.art().add_file(w.files / "nope.txt"), LocalFileNotFound,
         "nope.txt"),
    case("path-folder", lambda w: w.art().add_file(w.files), InvalidLocalPath, "add_dir"),
    Case("path-fifo", lambda w: (lambda p=fifo(w): w.art().add_file(p)),  # noqa: B008
         InvalidLocalPath,
         "pipe"),
    case("entry-nul", lambda w: w.art().add_file(w.file("f.txt"), name="x\x00y"),
         InvalidEntryPath, "'x\\x00y'"),
    case("entry-newline", lambda w: w.art().add_file(w.file("f.txt"), name="a\nb"),
         InvalidEntryPath, "'a\\nb'"),
    case("entry-10000-chars", lambda w: w.art().add_file(w.file("f.txt"), name="x" * 10_000),
         InvalidEntryPath, "4096 bytes"),
    case("entry-component-256", lambda w: w.art().add_file(w.file("f.txt"),
                                                           name="d/" + "x" * 256),
         InvalidEntryPath, "255 bytes"),
    case("entry-component-256-bytes", lambda w: w.art().add_file(w.file("f.txt"),
                                                                 name="é" * 128),
         InvalidEntryPath, "'éééé"),
    case("entry-dotdot", lambda w: w.art().add_file(w.file("f.txt"), name="../x"),
         InvalidEntryPath, "'../x'"),
    case("entry-absolute", lambda w: w.art().add_file(w.file("f.txt"), name="/etc/passwd"),
         InvalidEntryPath, "'/etc/passwd'"),
    case("entry-drive", lambda w: w.art().add_file(w.file("f.txt"), name="C:/x"),
         InvalidEntryPath, "'C:/x'"),
    case("entry-empty", lambda w: w.art().add_file(w.file("f.txt"), name=""),
         InvalidEntryPath, "''"),
    case("entry-dot", lambda w: w.art().add_file(w.file("f.txt"), name="."),
         InvalidEntryPath, "'.'"),
    case("entry-escape", lambda w: w.art().add_file(w.file("f.txt"), name="a\x1b[2J"),
         InvalidEntryPath, "'a\\x1b[2J'"),
    case("policy-unknown", lambda w: w.art().add_file(w.file("f.txt"), policy="sometimes"),
         ValidationError, "'sometimes'"),
    case("policy-none", lambda w: w.art().add_file(w.file("f.txt"), policy=None),
         ValidationError, "None"),
    Case("file-below-a-file", clash("a", "a/b"), InvalidEntryPath, "'a'"),
    Case("file-over-a-folder", clash("a/b", "a"), InvalidEntryPath, "'a/'"),
    Case("duplicate-no-overwrite", duplicate, ValidationError, "'same.txt'"),
]


def bad_folder(make: Callable[[World, Path], object]) -> Callable[[World], object]:
    def action(w: World) -> Callable[[], object]:
        folder = w.folder("tree")
        make(w, folder)
        artifact = w.art()
        return lambda: artifact.add_dir(folder)
    return action


def _undecodable(w: World, folder: Path) -> None:
    with open(os.fsencode(folder) + b"/bad\xffname.txt", "wb") as handle:
        handle.write(b"x")


ADD_DIR_CASES = [
    Case("link-to-outside-file",
         bad_folder(lambda w, f: (f / "leak.txt").symlink_to(w.outside / "secret.txt")),
         InvalidLocalPath, "leak.txt"),
    Case("link-to-outside-folder",
         bad_folder(lambda w, f: (f / "leak").symlink_to(w.outside, target_is_directory=True)),
         InvalidLocalPath, "outside"),
    Case("link-loop-to-parent",
         bad_folder(lambda w, f: (f / "sub" / "up").symlink_to(f, target_is_directory=True)),
         InvalidLocalPath, "loop"),
    Case("link-to-itself", bad_folder(lambda w, f: (f / "me").symlink_to(f / "me")),
         InvalidLocalPath, "me"),
    Case("link-dangling", bad_folder(lambda w, f: (f / "gone").symlink_to(f / "nothing")),
         LocalFileNotFound, "gone"),
    Case("fifo-inside", bad_folder(lambda w, f: os.mkfifo(f / "pipe")), InvalidLocalPath,
         "pipe"),
    Case("file-name-newline", bad_folder(lambda w, f: (f / "bad\nname").write_text("x")),
         InvalidEntryPath, "'bad\\nname'"),
    Case("file-name-undecodable", bad_folder(_undecodable), InvalidEntryPath, "\\udcff"),
    case("folder-missing", lambda w: w.art().add_dir(w.files / "nodir"), LocalFileNotFound,
         "nodir"),
    case("folder-is-a-file", lambda w: w.art().add_dir(w.file("f.txt")), LocalFileNotFound,
         "f.txt"),
    case("prefix-dotdot", lambda w: w.art().add_dir(w.files / "plain-tree", name="../up"),
         InvalidEntryPath, "'../up'"),
    case("folder-nul", lambda w: w.art().add_dir("tree\x00"), InvalidLocalPath,
         "'tree\\x00'"),
]


def reference(uri: str | object, **kwargs: object) -> Callable[[World], object]:
    return lambda w: w.art().add_reference(uri, **kwargs)


def ref_folder_with_link(w: World) -> Callable[[], object]:
    folder = w.folder("refs")
    (folder / "leak.txt").symlink_to(w.outside / "secret.txt")
    return lambda: w.art().add_reference(folder.as_uri())


ADD_REFERENCE_CASES = [
    case("file-other-host", reference("file://otherhost/data/x.csv"), InvalidReference,
         "'file://otherhost/data/x.csv'"),
    case("file-relative", reference("file:relative/x.csv"), InvalidReference,
         "'file:relative/x.csv'"),
    case("file-bare", reference("file:"), InvalidReference, "'file:'"),
    case("file-empty-path", reference("file://"), InvalidReference, "'file://'"),
    case("file-root", reference("file:///"), InvalidReference, "'file:///'"),
    case("file-nul-escaped", reference("file:///a%00b"), InvalidReference, "'file:///a%00b'"),
    case("file-newline", reference("file:///tmp/x\n"), InvalidReference, "'file:///tmp/x\\n'"),
    case("windows-path", reference("C:/data/x.csv"), InvalidReference, "'C:/data/x.csv'"),
    case("no-scheme", reference("data/x.csv"), InvalidReference, "'data/x.csv'"),
    case("empty", reference(""), InvalidReference, "''"),
    case("not-text", reference(5), InvalidReference, "5"),
    case("s3-nothing", reference("s3://"), InvalidReference, "'s3://'"),
    case("https-nothing", reference("https://"), InvalidReference, "'https://'"),
    case("protected-location", reference("file:///etc/passwd"), InvalidReference, "/etc"),
    case("file-dotdot", reference("file:///srv/../etc/passwd"), InvalidReference, "'..'"),
    case("file-query", reference("file:///srv/data?x=1"), InvalidReference, "query"),
    case("file-missing", lambda w: w.art().add_reference((w.files / "nope").as_uri()),
         LocalFileNotFound, "nope"),
    Case("folder-link-outside", ref_folder_with_link, InvalidLocalPath, "leak.txt"),
    case("name-dotdot", reference("s3://bucket/key", name="../x"), InvalidEntryPath,
         "'../x'"),
    case("name-newline", reference("s3://bucket/key", name="k\n"), InvalidEntryPath,
         "'k\\n'"),
]


def new_file(name: object = "f.txt", **kwargs: object) -> Callable[[World], object]:
    def action(w: World) -> object:
        with w.art().new_file(name, **kwargs) as handle:
            handle.write(b"x" if "b" in str(kwargs.get("mode", "")) else "x")
    return action


def new_file_twice(w: World) -> Callable[[], object]:
    artifact = w.art()
    with artifact.new_file("n.txt") as handle:
        handle.write("one")
    return lambda: artifact.new_file("n.txt").__enter__()


NEW_FILE_CASES = [
    case("name-nul", new_file("a\x00"), InvalidEntryPath, "'a\\x00'"),
    case("name-dotdot", new_file("../a"), InvalidEntryPath, "'../a'"),
    case("name-10000-chars", new_file("n" * 10_000), InvalidEntryPath, "4096 bytes"),
    case("mode-read", new_file(mode="r"), ValidationError, "'r'"),
    case("mode-append", new_file(mode="a"), ValidationError, "'a'"),
    case("encoding-unknown", new_file(encoding="nope"), ValidationError, "'nope'"),
    case("encoding-binary", new_file(mode="wb", encoding="utf-8"), ValidationError,
         "'utf-8'"),
    Case("name-taken", new_file_twice, ValidationError, "'n.txt'"),
]


def log(aliases: object = None, tags: object = None) -> Callable[[World], object]:
    def action(w: World) -> object:
        artifact = w.art()
        artifact.add_file(w.file("new.txt", "new content"))
        return w.run.log_artifact(artifact, aliases=aliases, tags=tags)
    return action


def log_path(path: object, **kwargs: object) -> Callable[[World], object]:
    return lambda w: w.run.log_artifact(path, **kwargs)


def changed_metadata(w: World) -> Callable[[], object]:
    artifact = w.art()
    artifact.add_file(w.file("m.txt", "m"))
    artifact.metadata["auc"] = NAN
    return lambda: w.run.log_artifact(artifact)


def changed_description(w: World) -> Callable[[], object]:
    artifact = w.art()
    artifact.add_file(w.file("m.txt", "m"))
    artifact.description = 5  # type: ignore[assignment]
    return lambda: w.run.log_artifact(artifact)


def immutable_changed(w: World) -> Callable[[], object]:
    # Two files, the second changed: the first must not reach the blob folder either.
    artifact = w.art()
    artifact.add_file(w.file("first.bin", "first"), policy="immutable")
    second = w.file("second.bin", "second")
    artifact.add_file(second, policy="immutable")
    second.write_text("second, edited after add_file")
    return lambda: w.run.log_artifact(artifact)


def immutable_deleted(w: World) -> Callable[[], object]:
    artifact = w.art()
    gone = w.file("gone.bin", "soon gone")
    artifact.add_file(gone, policy="immutable")
    gone.unlink()
    return lambda: w.run.log_artifact(artifact)


def type_mismatch(w: World) -> Callable[[], object]:
    artifact = w.art("data", "model")  # data is a dataset
    artifact.add_file(w.file("weights.bin", "content the store has never seen"))
    return lambda: w.run.log_artifact(artifact)


def config_changed(w: World) -> Callable[[], object]:
    # run.config refuses an infinity when it is set; one put into a nested value behind
    # its back is refused when the run finishes.
    w.run.config["opt"] = {"lr": 0.1}
    w.run.config["opt"]["lr"] = INF
    return w.run.finish


LOG_CASES = [
    case("alias-newline", log(aliases=["best\n"]), InvalidAlias, "'best\\n'"),
    case("alias-slash", log(aliases=["a/b"]), InvalidAlias, "'a/b'"),
    case("alias-colon", log(aliases=["a:b"]), InvalidAlias, "'a:b'"),
    case("alias-version", log(aliases=["v3"]), InvalidAlias, "'v3'"),
    case("alias-empty", log(aliases=[""]), InvalidAlias, "''"),
    case("alias-leading-space", log(aliases=[" best"]), InvalidAlias, "' best'"),
    case("alias-none", log(aliases=[None]), InvalidAlias, "None"),
    case("aliases-number", log(aliases=5), InvalidAlias, "5"),
    case("alias-too-long", log(aliases=["a" * 129]), InvalidAlias, "'aaaa"),
    case("alias-bell", log(aliases=["ring\x07"]), InvalidAlias, "'ring\\x07'"),
    case("tag-dot", log(tags=["v1.0"]), InvalidTag, "'v1.0'"),
    case("tag-slash", log(tags=["team/a"]), InvalidTag, "'team/a'"),
    case("tag-newline", log(tags=["t\n"]), InvalidTag, "'t\\n'"),
    case("tag-leading-space", log(tags=[" lead"]), InvalidTag, "' lead'"),
    case("tags-number", log(tags=7), InvalidTag, "7"),
    case("path-number", log_path(5), InvalidLocalPath, "5"),
    case("path-missing", lambda w: w.run.log_artifact(w.files / "missing.bin"),
         LocalFileNotFound, "missing.bin"),
    case("path-nul", log_path("a\x00b"), InvalidLocalPath, "'a\\x00b'"),
    case("path-bad-name", lambda w: w.run.log_artifact(w.file("f.txt"), name="bad name"),
         InvalidArtifactName, "'bad name'"),
    case("path-reserved-type", lambda w: w.run.log_artifact(w.file("f.txt"), type="job"),
         InvalidArtifactType, "'job'"),
    Case("metadata-nan-set-later", changed_metadata, InvalidMetadata, "metadata['auc']"),
    Case("description-set-later", changed_description, InvalidText, "5"),
    Case("immutable-file-changed", immutable_changed, DigestMismatch, "second.bin"),
    Case("immutable-file-deleted", immutable_deleted, LocalFileNotFound, "gone.bin"),
    Case("type-mismatch", type_mismatch, TypeMismatch, "'dataset'"),
    Case("config-inf-at-finish", config_changed, InvalidMetadata, "config['opt']['lr']"),
]


def use_draft_bad_alias(w: World) -> Callable[[], object]:
    draft = w.art("input")
    draft.add_file(w.file("in.txt", "input"))
    return lambda: w.run.use_artifact(draft, aliases=["a/b"])


USE_CASES = [
    case("ref-newline", lambda w: w.run.use_artifact("data\n"), InvalidArtifactName,
         "'data\\n'"),
    case("ref-empty-alias", lambda w: w.run.use_artifact("data:"), InvalidArtifactName,
         "'data:'"),
    case("ref-four-parts", lambda w: w.run.use_artifact("a/b/c/d"), InvalidArtifactName,
         "'a/b/c/d'"),
    case("ref-empty", lambda w: w.run.use_artifact(""), InvalidArtifactName, "''"),
    case("ref-number", lambda w: w.run.use_artifact(5), InvalidArtifactName, "5"),
    case("ref-escape", lambda w: w.run.use_artifact("data:\x1b[2J"), InvalidArtifactName,
         "'data:\\x1b[2J'"),
    case("ref-unknown", lambda w: w.run.use_artifact("dta"), ArtifactNotFound, "'dta'"),
    case("ref-unknown-alias", lambda w: w.run.use_artifact("data:bset"), ArtifactNotFound,
         "bset"),
    case("ref-wrong-type", lambda w: w.run.use_artifact("data", type="model"), TypeMismatch,
         "'model'"),
    Case("draft-bad-alias", use_draft_bad_alias, InvalidAlias, "'a/b'"),
]

API_CASES = [
    case("artifact-newline", with_api(lambda api: api.artifact("data\n")),
         InvalidArtifactName, "'data\\n'"),
    case("artifact-four-parts", with_api(lambda api: api.artifact("a/b/c/d")),
         InvalidArtifactName, "'a/b/c/d'"),
    case("versions-nul", with_api(lambda api: api.artifact_versions("x\x00")),
         InvalidArtifactName, "'x\\x00'"),
    case("lineage-newline", with_api(lambda api: api.lineage("data\n")), InvalidArtifactName,
         "'data\\n'"),
    case("artifact-unknown", with_api(lambda api: api.artifact("dta")), ArtifactNotFound,
         "'dta'"),
]
API_PENDING = [
    case("project-slash", with_api(lambda api: api.artifact("data"), project="team/p"),
         InvalidProjectName, "'team/p'"),
    case("entity-newline", with_api(lambda api: api.artifact("data"), entity="e\n"),
         InvalidProjectName, "'e\\n'"),
    case("store-number", lambda w: ld.Api(store=5), InvalidLocalPath, "5"),
    case("run-id-number", with_api(lambda api: api.run(123)), InvalidRunId, "123"),
]

GROUPS = {"init": INIT_CASES, "artifact": ARTIFACT_CASES, "add_file": ADD_FILE_CASES,
          "add_dir": ADD_DIR_CASES, "add_reference": ADD_REFERENCE_CASES,
          "new_file": NEW_FILE_CASES, "log": LOG_CASES, "use": USE_CASES, "api": API_CASES}
CASES = [(f"{group}-{c.id}", c) for group, cases in GROUPS.items() for c in cases]
PARAMS = ([pytest.param(c, id=name) for name, c in CASES]
          + [pytest.param(c, id="api-" + c.id) for c in API_PENDING])


def test_the_table_covers_every_entry_point():
    assert len(CASES) >= 96
    assert len({name for name, _ in CASES}) == len(CASES)
    assert all(len(cases) >= 5 for cases in GROUPS.values())


@pytest.mark.parametrize("bad", PARAMS)
def test_bad_input_is_refused_before_anything_is_written(world: World, bad: Case):
    attempt = bad.prepare(world)
    before = snapshot(world.root), database_rows(world.store)  # a team store's rows too
    with pytest.raises(bad.error) as refused:
        attempt()
    assert isinstance(refused.value, (ValueError, LookupError)), type(refused.value)
    assert bad.shows in str(refused.value), str(refused.value)
    assert (snapshot(world.root), database_rows(world.store)) == before
    assert not world.new_store.exists() and store_arg(world.new_store) == str(world.new_store)


# ---------------------------------------------------------------------------- still accepted


def _versions(store: Path, name: str) -> list[tuple]:
    with raw_sql(store) as execute:
        return execute(
            "SELECT v.idx, v.description, v.metadata FROM versions v JOIN artifacts a "
            "ON a.id = v.artifact_id WHERE a.name = ? ORDER BY v.idx", (name,)).fetchall()


@pytest.mark.parametrize("name, type_name", [
    ("a.b-c_d", "my-type.v2"), ("x" * 128, "t" * 128), ("0", "_"), ("...", "---"),
])
def test_legal_names_and_types_are_accepted(world: World, name: str, type_name: str):
    artifact = ld.Artifact(name, type_name)
    artifact.add_file(world.file("f.txt", name))
    logged = world.run.log_artifact(artifact)
    assert logged.name == f"{name}:v0" and logged.type == type_name


def test_free_text_and_json_values_are_kept(world: World):
    description = "数据集 — ünïcödé ✓ 🎉\nsecond line <b>html</b> \x1b[31m (escaped when shown)"
    metadata = {"rows": 10**30, "ratio": 1e308, "none": None, "ok": True, "text": "NaN",
                "nested": {"ünï": ["a", 1, 2.5, {"deep": [None]}]}, "tuple": (1, 2)}
    artifact = ld.Artifact("text", "dataset", description=description, metadata=metadata)
    artifact.add_file(world.file("t.txt", "t"))
    world.run.log_artifact(artifact)
    (_, stored_description, stored_metadata), = _versions(world.store, "text")
    assert stored_description == description
    assert json.loads(stored_metadata) == json.loads(json.dumps(metadata))


@pytest.mark.parametrize("entry, stored", [
    ("dir/sub/file.txt", "dir/sub/file.txt"), ("日本語.txt", "日本語.txt"),
    ("a" * 255, "a" * 255), ("/".join(["d" * 254] * 16), "/".join(["d" * 254] * 16)),
    ("a b#%?.txt", "a b#%?.txt"), ("a\\b.txt", "a/b.txt"), ("./x//y", "x/y"),
])
def test_legal_entry_names_are_accepted(world: World, entry: str, stored: str):
    artifact = world.art("entries")
    artifact.add_file(world.file("e.txt"), name=entry)
    world.run.log_artifact(artifact)
    assert [e.path for e in artifact.files()] == [stored]


def test_legal_labels_projects_and_run_fields_are_accepted(world: World):
    artifact = world.art("labelled")
    artifact.add_file(world.file("l.txt"))
    logged = world.run.log_artifact(artifact, aliases=["prod-2024.01", "ünï", "latest"],
                                    tags="two words")
    assert set(logged.aliases) == {"prod-2024.01", "ünï", "latest"}
    assert logged.tags == ["two words"]  # a string is one tag, never its letters
    for project, entity in (("my project", "acme-ml"), ("ünï.p-q_r", "e"), ("x" * 128, "e")):
        with ld.init(project=project, entity=entity, name="名前 run", job_type="train",
                     group="cv-fold-1", tags="single", notes="multi\nline",
                     config={"lr": 0.1}, store=world.store) as run:
            assert run.tags == ("single",)
    with ld.init(project="p", store=world.store, tags=["t" * 64, "x.y:z", "x.y:z"],
                 id="custom-id_1") as run:
        assert run.tags == ("t" * 64, "x.y:z") and run.id == "custom-id_1"


def test_legal_references_are_accepted(world: World):
    local = world.file("ref.txt", "ref")
    artifact = world.art("refs")
    for uri in ("s3://bucket/key.parquet", "https://example.com/x?y=1", "gs://b/k",
                f"file://localhost{local}"):
        artifact.add_reference(uri, name=uri.split("/")[-1].split("?")[0] + "-" + uri[:2])
    artifact.add_reference(f"file:{local}", name="single-slash")
    world.run.log_artifact(artifact)
    assert artifact.file_count == 5


def test_add_dir_follows_links_that_stay_inside(world: World):
    folder = world.folder("tree")
    (folder / "alias.txt").symlink_to(folder / "a.txt")
    (folder / "mirror").symlink_to(folder / "sub", target_is_directory=True)
    artifact = world.art("tree")
    artifact.add_dir(folder, name="t")
    assert [e.path for e in artifact.files()] == [
        "t/a.txt", "t/alias.txt", "t/mirror/b.txt", "t/sub/b.txt"]
    world.run.log_artifact(artifact)


def test_a_refused_add_dir_adds_nothing(world: World):
    folder = world.folder("tree")
    (folder / "zz-leak").symlink_to(world.outside / "secret.txt")
    artifact = world.art("tree")
    artifact.add_file(world.file("keep.txt"))
    with pytest.raises(InvalidLocalPath):
        artifact.add_dir(folder)
    assert [e.path for e in artifact.files()] == ["keep.txt"]


def test_a_mutable_file_is_snapshotted_when_added(world: World):
    source = world.file("mutable.txt", "as added")
    artifact = world.art("snap")
    artifact.add_file(source)
    source.write_text("changed before the run logged it")
    logged = world.run.log_artifact(artifact)
    folder = logged.download(root=world.root / "down")
    assert (Path(folder) / "mutable.txt").read_text() == "as added"


def test_a_refused_draft_logs_once_fixed(world: World):
    artifact = world.art("fixable", "dataset")
    artifact.add_file(world.file("f.txt", "fixable"))
    artifact.metadata["auc"] = NAN
    with pytest.raises(InvalidMetadata):
        world.run.log_artifact(artifact)
    artifact.metadata["auc"] = None
    assert world.run.log_artifact(artifact).version == "v0"
    with pytest.raises(InvalidMetadata):
        world.run.config["lr"] = NAN  # refused when set, as W&B's config refuses a change
    world.run.config["opt"] = {"lr": 0.1}
    world.run.config["opt"]["lr"] = NAN  # behind the config's back: refused at finish
    with pytest.raises(InvalidMetadata):
        world.run.finish()
    assert world.run.state == "running"
    world.run.config.update({"opt": {"lr": 0.1}}, allow_val_change=True)
    world.run.finish()
    assert world.run.state == "finished"

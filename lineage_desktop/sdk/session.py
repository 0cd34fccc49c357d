"""The module-level run: ``ld.run``, ``ld.config``, ``ld.summary``, ``ld.log`` and the
other top-level calls of W&B, which act on the run ``ld.init`` started last.

As in W&B (``wandb_setup``/``wandb_init``): before ``init`` and after that run finishes,
``ld.run`` is None and the calls raise ``UsageError`` ("You must call ld.init() before
ld.log()"); ``init`` while that run is active follows ``reinit``: ``"default"`` /
``"return_previous"`` return it, ``"finish_previous"`` finishes it first,
``"create_new"`` starts another run without making it the module-level one. At exit, a
module-level run still active is finished (failed if an exception ended the program).
"""
from __future__ import annotations

import atexit
import os
import sys
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import LineageError, ValidationError
from lineage_desktop.sdk.sources import same_file

if TYPE_CHECKING:
    from lineage_desktop.sdk.artifact import Artifact
    from lineage_desktop.sdk.run import Run

REINIT = ("default", "return_previous", "finish_previous", "create_new")


class UsageError(LineageError, RuntimeError):
    """A top-level call before ``ld.init()`` (W&B's ``wandb.Error``)."""


class _PreInit:
    """What ``ld.config`` and ``ld.summary`` are before ``init``: any use says so."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _refuse(self, what: str = "") -> UsageError:
        return UsageError(f"You must call ld.init() before ld.{self._name}{what}")

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        raise self._refuse(f".{key}")

    def __getitem__(self, key: str) -> Any:
        raise self._refuse(f"[{key!r}]")

    def __setitem__(self, key: str, value: object) -> None:
        raise self._refuse(f"[{key!r}]")

    def __setattr__(self, key: str, value: object) -> None:
        raise self._refuse(f".{key}")

    def __repr__(self) -> str:
        return f"<ld.{self._name} before ld.init()>"


run: Run | None = None
config: Any = _PreInit("config")
summary: Any = _PreInit("summary")
_exit_hooked = False
_owner_pid = 0  # the process that started the module-level run (a fork must not end it)
_uncaught: list[BaseException] = []


def _current(call: str) -> Run:
    if run is None:
        raise UsageError(f"You must call ld.init() before ld.{call}()")
    return run


def check_reinit(reinit: object) -> str:
    if reinit is True:
        return "finish_previous"
    if reinit is False or reinit is None:
        return "return_previous"
    if reinit not in REINIT:
        raise ValidationError(f"invalid reinit {reinit!r}: one of {', '.join(REINIT)}")
    return str(reinit)


def previous(reinit: str, store: Path | None) -> Run | None:
    """The active module-level run ``init`` returns instead of a new one, if any; with
    ``finish_previous`` it is finished first. A run asked for in another store than the
    active run's is a new run whatever ``reinit`` says: W&B has one server, a workstation
    many stores, and a run recorded into the wrong store would be a wrong record."""
    if run is not None and run.store.closed:  # its store was closed: it records nothing
        finished(run)
    if run is None or run.state != "running" or reinit == "create_new":
        return None
    if store is not None and not same_file(store, run.store.path):
        return None
    if reinit == "finish_previous":
        run.finish()
        return None
    warnings.warn(f"ld.init() called while run {run.id} is active, and reinit is "
                  f"{reinit!r}: returning that run", UserWarning, stacklevel=3)
    return run


def started(new: Run, reinit: str) -> None:
    """``init`` made ``new``: it becomes the module-level run, unless it was asked for
    with ``create_new`` (W&B: "does not update wandb.run"), or in another store than the
    active module-level run's."""
    global run, config, summary, _exit_hooked, _owner_pid
    if reinit == "create_new" or (run is not None and run.state == "running"
                                  and not run.store.closed):
        return
    run, config, summary = new, new.config, new.summary
    _owner_pid = os.getpid()
    if not _exit_hooked:
        _exit_hooked = True
        atexit.register(_finish_at_exit)
        _chain_excepthook()


def finished(ended: Run) -> None:
    """A run finished: if it is the module-level one, the top-level calls stop."""
    global run, config, summary
    if run is ended:
        run, config, summary = None, _PreInit("config"), _PreInit("summary")


def _chain_excepthook() -> None:
    original = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        _uncaught.append(exc)
        original(kind, exc, tb)

    sys.excepthook = hook


def _finish_at_exit() -> None:
    if run is not None and run.state == "running" and os.getpid() == _owner_pid:
        try:
            run.finish(exit_code=1 if _uncaught else 0)
        except LineageError as exc:  # a store gone or full at exit: say so, no traceback
            print(f"lineage_desktop: could not finish run {run.id}: {exc}", file=sys.stderr)


# ---------------------------------------------------------------- top-level calls
def log(data: dict[str, Any], step: int | None = None, commit: bool | None = None) -> None:
    _current("log").log(data, step=step, commit=commit)


def log_artifact(artifact_or_path: Any, name: str | None = None, type: str | None = None,
                 aliases: list[str] | None = None, tags: list[str] | None = None) -> Artifact:
    return _current("log_artifact").log_artifact(artifact_or_path, name=name, type=type,
                                                 aliases=aliases, tags=tags)


def use_artifact(artifact_or_name: Any, type: str | None = None,
                 aliases: list[str] | None = None, use_as: str | None = None) -> Artifact:
    return _current("use_artifact").use_artifact(artifact_or_name, type=type, aliases=aliases)


def save(glob_str: str, base_path: str | None = None, policy: str = "live") -> list[str]:
    return _current("save").save(glob_str, base_path=base_path, policy=policy)


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    if run is not None:
        run.finish(exit_code=exit_code)


def login(*args: object, **kwargs: object) -> bool:
    """W&B's ``login``: nothing to log in to; lineage_desktop records locally."""
    warnings.warn("ld.login(): lineage_desktop works offline and needs no login; "
                  "runs are recorded in the local store", UserWarning, stacklevel=2)
    return True


class Settings:
    """W&B's ``Settings``, accepted as ``init(settings=...)``: the fields are kept and
    those that mean something offline (``reinit``) are honoured."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

"""``lineage-desktop``: the window (no subcommand) and headless subcommands.

Each subcommand lives in its own module ``cli/cmd_<name>.py`` exposing
``register(subparsers)`` (adds its parser and sets ``func``), so commands stay small
and independent. Errors the user can cause are one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import sqlite3
import sys
from collections.abc import Sequence

from lineage_desktop import __version__
from lineage_desktop.records import LineageError

COMMANDS = ("demo", "export", "ls", "show", "verify", "impact", "diff", "report",
            "import_openlineage", "import_dvc", "import_mlflow", "merge", "export_openlineage",
            "pg_init")

EXAMPLES = """\
examples:
  lineage-desktop demo churn.db --runs 500         write a demo project
  lineage-desktop churn.db --artifact churn-model:production
                                                   open the window on a version
  lineage-desktop ls churn.db --json               list artifact collections
  lineage-desktop show churn.db churn-model:best   a version's details
  lineage-desktop export churn.db churn-model:v3 -o lineage.png --scale 2
  lineage-desktop verify churn.db                  re-hash every stored file
"""


class CliError(Exception):
    """A user error reported as one line on stderr with exit status 2."""


@functools.cache
def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand. Built once per process: building it costs tens of
    milliseconds (argparse looks up translations for every option), which callers that
    run many commands in-process (tests, scripts) would pay each time; parsing leaves it
    unchanged."""
    parser = argparse.ArgumentParser(
        prog="lineage-desktop",
        description="Offline auditor for machine-learning lineage. Without a subcommand, "
                    "opens the desktop window.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lineage-desktop {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"lineage_desktop.cli.cmd_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"lineage_desktop.cli.cmd_{name}":
                raise
            continue  # command not built yet
        module.register(subparsers)
    from lineage_desktop.cli.formatting import one_line_errors

    return one_line_errors(parser)


def gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lineage-desktop", description="Open the lineage_desktop window.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lineage-desktop {__version__}")
    parser.add_argument("store", nargs="?",
                        help="a lineage store file, or a team store's postgresql:// URL")
    parser.add_argument("--artifact", metavar="REF",
                        help="show the lineage of this version (name, name:alias, name:v3)")
    return parser


def _looks_like_command(word: str, commands: set[str]) -> bool:
    """A bare word that is neither a command nor a file is a mistyped command."""
    import os

    return (word not in commands and not word.startswith("-") and "." not in word
            and not word.startswith(("postgresql:", "postgres:"))
            and "/" not in word and os.sep not in word and not os.path.exists(word))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()
    if argv and _looks_like_command(argv[0], commands):
        import difflib

        close = difflib.get_close_matches(argv[0], sorted(commands), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        print(f"lineage-desktop: error: unknown command {argv[0]!r}{hint} "
              "(see lineage-desktop --help)", file=sys.stderr)
        return 2
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        from lineage_desktop.cli.formatting import one_line_errors

        args = one_line_errors(gui_parser()).parse_args(argv)
        from lineage_desktop.app import run_gui

        return run_gui(args.store, args.artifact)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # before OSError, which it is
        # The reader went away (``| head``): not an error. Point stdout at nothing so that
        # the interpreter's final flush does not complain either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"lineage-desktop {args.command}: interrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as exc:
        if isinstance(exc, BUGS):
            raise  # a missing key or index is a bug to fix, not a message to print
        print(f"lineage-desktop {args.command}: error: {describe(exc, args)}", file=sys.stderr)
        return 2


# What a command reports as one line on stderr with exit status 2: named errors, refused
# input (``ValueError``, ``LookupError``), the operating system's errors, anything the
# store lets out of sqlite3 (it should not), and running out of memory or stack on data
# that is too big or nests too deeply. Anything else is a bug and keeps its traceback.
USER_ERRORS = (CliError, LineageError, OSError, ValueError, LookupError, sqlite3.Error,
               MemoryError, RecursionError)
BUGS = (KeyError, IndexError)


def describe(exc: BaseException, args: argparse.Namespace | None = None) -> str:
    """The one-line message of an error: says what happened, names the bad value; no
    newlines or control characters (messages may quote what a store holds)."""
    if isinstance(exc, sqlite3.Error):
        from pathlib import Path

        from lineage_desktop.store.errors import translate

        store = getattr(args, "store", None)
        exc = translate(exc, Path(store) if store else Path("the store"))
    if isinstance(exc, MemoryError):
        text = "out of memory (the store holds values too big to process here)"
    elif isinstance(exc, RecursionError):
        text = f"data nested too deeply to process ({exc})"
    elif isinstance(exc, UnicodeError) and not isinstance(exc, LineageError):
        text = f"text that is not valid {getattr(exc, 'encoding', 'Unicode')}: {exc}"
    else:
        text = str(exc) or exc.__class__.__name__
    from lineage_desktop.cli.formatting import plain

    return plain(text.strip())


if __name__ == "__main__":
    sys.exit(main())

"""Fixtures of the interop tests: store paths, the fixture folder, a CLI runner."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helper modules beside the tests (interop_helpers, interop_store) import by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lineage_desktop.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def cli(capsys):
    """Run ``lineage-desktop ARGS``; returns ``(exit status, stdout, stderr)``."""

    def run(*args: object) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run

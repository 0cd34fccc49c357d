"""Session-wide test set-up: Qt runs offscreen unless a test asks for a real display;
the hand-built stores of tests/hand_built.py as fixtures for every folder."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hand_built import build_diamond, build_main  # noqa: E402


@pytest.fixture
def built(tmp_path):
    """The main hand-built lineage (see tests/hand_built.py)."""
    return build_main(tmp_path / "audit.db")


@pytest.fixture
def diamond(tmp_path):
    """A diamond-shaped lineage with a side branch (see tests/hand_built.py)."""
    return build_diamond(tmp_path / "diamond.db")

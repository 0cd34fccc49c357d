"""The SVG icons in resources/icons load and draw something."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon

ICONS = Path(__file__).resolve().parents[3] / "resources" / "icons"
NAMES = ["run", "artifact", "cluster", "eye", "eye-off", "extract-arrow", "lineage-desktop"]


@pytest.mark.parametrize("name", NAMES)
def test_icon_parses_and_renders(qapp, name):
    path = ICONS / f"{name}.svg"
    assert ET.parse(path).getroot().tag.endswith("svg")
    image = QIcon(str(path)).pixmap(48, 48).toImage()
    assert not image.isNull()
    opaque = sum(
        image.pixelColor(x, y).alpha() > 0 for x in range(0, 48, 3) for y in range(0, 48, 3)
    )
    assert opaque > 10

"""The desktop entry and AppStream metainfo are well formed and point at each other, the
binary and the SVG icon (validated with the system tools when they are installed)."""
from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "lineage-desktop.desktop"
METAINFO = PACKAGING / "io.github.lineage_desktop.metainfo.xml"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_the_binary_with_the_icon():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "lineage-desktop"
    assert entry["Icon"] == "lineage-desktop"
    assert entry["Terminal"] == "false"
    # The icon the entry names is the SVG drawn for the application (may still be landing).
    icon = ROOT / "resources" / "icons" / f"{entry['Icon']}.svg"
    if icon.exists():
        ET.parse(icon)  # well-formed SVG


def test_metainfo_names_the_desktop_entry_and_binary():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.github.lineage_desktop"
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "lineage-desktop"
    assert root.findtext("icon") == _desktop_entry()["Icon"]
    assert root.findtext("project_license") == "MIT"
    assert root.find("releases/release").get("version") == __import__(
        "lineage_desktop").__version__


@pytest.mark.parametrize("tool, path", [("desktop-file-validate", DESKTOP),
                                        ("appstreamcli", METAINFO)])
def test_system_validators_accept_the_files(tool, path):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    args = [tool, "validate", "--no-net", str(path)] if tool == "appstreamcli" else [tool,
                                                                                    str(path)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

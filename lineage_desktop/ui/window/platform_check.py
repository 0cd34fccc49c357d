"""Before Qt starts: will its ``xcb`` platform plugin load on this machine?

When a system library the plugin links against is missing (``libxcb-cursor0`` on fresh
Debian/Ubuntu desktops), Qt prints "Could not load the Qt platform plugin xcb" and
aborts the process. We try the same libraries with ``dlopen`` first and name the
Debian package to install instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# soname -> Debian package, for the libraries Qt 6's xcb plugin needs beyond libxcb1.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
}


def _can_load(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def wants_xcb(environ: Mapping[str, str] | None = None) -> bool:
    """True when Qt will pick ``xcb``: asked for explicitly, or unset with an X display
    and no Wayland session (Qt prefers ``wayland`` there and needs none of these)."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(":", 1)[0].split(";", 1)[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """A message when, on Linux, no display is reachable and no platform is forced
    (Qt would abort with "could not connect to display"), else None."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "lineage-desktop: cannot open a window: no display (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set).\n  Run it in a desktop session (or with ssh -X), or use "
        "the headless commands: lineage-desktop export/show/ls/verify …"
    )


def missing_xcb_packages(loader: Callable[[str], bool] = _can_load) -> list[str]:
    """Debian packages whose libraries Qt's xcb plugin needs and ``dlopen`` cannot find."""
    return [package for soname, package in XCB_LIBRARIES.items() if not loader(soname)]


def xcb_problem(
    environ: Mapping[str, str] | None = None, loader: Callable[[str], bool] = _can_load
) -> str | None:
    """A message saying what to install when xcb will fail to load, else None."""
    if not wants_xcb(environ):
        return None
    missing = missing_xcb_packages(loader)
    if not missing:
        return None
    packages = " ".join(missing)
    return (
        "lineage-desktop: cannot open a window: Qt's X11 (xcb) platform needs system "
        f"libraries that are not installed.\n  Install them with:  sudo apt install {packages}\n"
        "  (other distributions: the packages providing "
        + ", ".join(s for s, p in XCB_LIBRARIES.items() if p in missing)
        + ")\n  Headless commands (lineage-desktop export/show/ls ...) work without them."
    )

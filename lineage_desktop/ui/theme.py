"""The application's theme: Light, Dark or System, applied to the whole ``QApplication``.

An explicit choice installs a ``QPalette`` built from the graph's own colours
(``style.palette_for``), so that widgets, docks and the canvas agree, and asks the
platform for the matching colour scheme (native title bars, Qt >= 6.8). *System* gives
the platform back its palette and follows ``QStyleHints.colorScheme``; where the
platform says "dark" but its palette is light (a style that ignores the scheme), the
dark palette is installed for it. Everything that draws then reads the result through
``style.app_prefers_dark()`` (the window's palette-change events).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from lineage_desktop.ui import style

LIGHT, DARK, SYSTEM = "light", "dark", "system"
THEMES = (LIGHT, DARK, SYSTEM)
DEFAULT_THEME = SYSTEM

_R, _G = QPalette.ColorRole, QPalette.ColorGroup
# Widget colours that the graph palette has no name for: window chrome, buttons, selection.
_CHROME = {
    # role: (light, dark)
    _R.Window: ("#f1f3f5", "#25282e"),
    _R.Base: ("#ffffff", "#1d2025"),
    _R.AlternateBase: ("#f6f7f9", "#23262c"),
    _R.Button: ("#e9ecef", "#30353d"),
    _R.Highlight: ("#2f6fde", "#3f62a6"),
    _R.Link: ("#1f5fcf", "#74a3f5"),
    _R.LinkVisited: ("#6741d9", "#b197fc"),
    _R.Light: ("#ffffff", "#3c424d"),
    _R.Midlight: ("#e3e6ea", "#343941"),
    _R.Mid: ("#c5cad1", "#2c3037"),
    _R.Dark: ("#9aa3ae", "#17191d"),
    _R.Shadow: ("#6b7280", "#000000"),
}

# ``_applied`` is the palette this module installed (None: the platform's is in place).
_applied: str | None = None


def theme_palette(dark: bool) -> QPalette:
    """The application palette of the light or dark theme."""
    colours = style.palette_for(dark)
    pal = QPalette()
    for role, (light, dark_spec) in _CHROME.items():
        pal.setColor(role, QColor(dark_spec if dark else light))
    text = QColor(colours.text)
    for role in (_R.WindowText, _R.Text, _R.ButtonText, _R.ToolTipText):
        pal.setColor(role, text)
    pal.setColor(_R.ToolTipBase, QColor(colours.card))
    pal.setColor(_R.PlaceholderText, QColor(colours.muted))
    pal.setColor(_R.HighlightedText, QColor("#ffffff"))
    pal.setColor(_R.BrightText, QColor("#ff6b6b" if dark else "#e03131"))
    disabled = QColor(colours.muted)
    disabled.setAlphaF(0.75)
    for role in (_R.WindowText, _R.Text, _R.ButtonText):
        pal.setColor(_G.Disabled, role, disabled)
    pal.setColor(_G.Disabled, _R.Highlight, QColor(colours.missing))
    pal.setColor(_R.Accent, QColor(_CHROME[_R.Highlight][1 if dark else 0]))
    return pal


def normalised(choice: object) -> str:
    """``choice`` when it names a theme, else the default (a damaged setting)."""
    return choice if isinstance(choice, str) and choice in THEMES else DEFAULT_THEME


def _system_prefers_dark() -> bool:
    """The platform's colour scheme when it states one, else its palette's lightness
    (called with the platform's palette in place)."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return style.app_prefers_dark()


def apply_theme(choice: str) -> bool:
    """Apply ``light``, ``dark`` or ``system`` to the running application; returns
    whether the result is dark. Does nothing without a ``QGuiApplication``."""
    global _applied
    app = QGuiApplication.instance()
    if app is None:
        return False
    choice = normalised(choice)
    hints = QGuiApplication.styleHints()
    if choice == SYSTEM:
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        if _applied is not None:
            _applied = None
            QGuiApplication.setPalette(QPalette())  # the platform's palette again
        dark = _system_prefers_dark()
        if dark == style.app_prefers_dark():
            return dark
        wanted = DARK if dark else LIGHT  # the style ignored the scheme: install ours
    else:
        wanted = choice
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(Qt.ColorScheme.Dark if choice == DARK else Qt.ColorScheme.Light)
    if _applied != wanted:
        _applied = wanted
        QGuiApplication.setPalette(theme_palette(wanted == DARK))
    return wanted == DARK


__all__ = [
    "DARK", "DEFAULT_THEME", "LIGHT", "SYSTEM", "THEMES", "apply_theme", "normalised",
    "theme_palette",
]

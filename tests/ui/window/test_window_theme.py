"""View > Theme: Light, Dark and System, applied to the whole application at once and
remembered for the next window. Saves test-artifacts/theme-*.png for people to look at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QStyleHints
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from lineage_desktop.ui import style, theme
from lineage_desktop.ui.window.settings import AppSettings


@pytest.fixture(autouse=True)
def _platform_palette_afterwards():
    """A theme is application-wide: give the next test the platform's palette back."""
    yield
    theme.apply_theme(theme.SYSTEM)


def _window_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window)


def _canvas_corner(window) -> QColor:
    image = window.grab().toImage()
    corner = window.view.viewport().mapTo(window, window.view.viewport().rect().topLeft())
    ratio = image.devicePixelRatio()
    return image.pixelColor(round((corner.x() + 3) * ratio), round((corner.y() + 3) * ratio))


def _text_contrast(widget) -> int:
    """Lightness between the widget's background and its most contrasting pixel: how
    readable its text is as painted."""
    image = widget.grab().toImage()
    background = image.pixelColor(1, 1).lightness()
    return max(
        abs(image.pixelColor(x, y).lightness() - background)
        for x in range(image.width())
        for y in range(image.height())
    )


def test_view_menu_offers_three_exclusive_themes(window):
    view_menu = window.findChild(QMenu, "viewMenu")
    theme_menu = window.findChild(QMenu, "themeMenu")
    assert theme_menu is not None and theme_menu.menuAction() in view_menu.actions()
    names = [a.objectName() for a in theme_menu.actions()]
    assert names == ["actionThemeLight", "actionThemeDark", "actionThemeSystem"]
    actions = theme_menu.actions()
    assert all(a.isCheckable() for a in actions)
    assert actions[0].actionGroup() is actions[1].actionGroup() is actions[2].actionGroup()
    assert actions[0].actionGroup().isExclusive()
    assert window.actions_.theme_system.isChecked()  # the default


def test_dark_then_light_recolours_the_app_and_the_graph(opened, qtbot, artifacts_dir):
    window = opened
    a = window.actions_
    a.theme_dark.trigger()
    assert a.theme_dark.isChecked() and not a.theme_system.isChecked()
    assert _window_colour().lightness() < 128
    assert window.scene().palette_colors().name == "dark"
    card = window.scene().node_item(window.controller.snapshot.focus)
    assert card._ctx.paints.card_brush.color() == QColor(style.DARK.card)
    corner = _canvas_corner(window)
    assert corner.name() == style.DARK.background
    window.grab().save(str(artifacts_dir / "theme-dark.png"))
    # Secondary text (the focus's subtitle) is repainted light on the dark window.
    # (widgets take the application palette from a posted event: let the loop run)
    subtitle = window.findChild(QLabel, "focusSubtitle")
    qtbot.waitUntil(lambda: subtitle.palette().color(subtitle.foregroundRole()).lightness() > 128)
    assert _text_contrast(subtitle) > 80
    # The integrity legend's miniature cards are redrawn as the dark graph draws them.
    swatch = window.audit.legend._swatches["ok"]
    qtbot.waitUntil(
        lambda: swatch.pixmap().toImage().pixelColor(10, 16).name() == style.DARK.card
    )
    # A banner shown in the dark theme is dark, with light text.
    window.banner.show_message("Something to say", "warning")
    banner = window.banner.grab().toImage()
    assert banner.pixelColor(2, 2).lightness() < 100
    assert _text_contrast(window.banner.label) > 80

    a.theme_light.trigger()
    assert a.theme_light.isChecked()
    assert _window_colour().lightness() > 200
    assert window.scene().palette_colors().name == "light"
    assert _canvas_corner(window).name() == style.LIGHT.background
    qtbot.waitUntil(lambda: subtitle.palette().color(subtitle.foregroundRole()).lightness() < 160)
    assert window.banner.grab().toImage().pixelColor(2, 2).lightness() > 200
    assert _text_contrast(subtitle) > 80
    window.grab().save(str(artifacts_dir / "theme-light.png"))


def test_the_choice_persists_to_a_new_window(window, qtbot):
    from lineage_desktop.app import create_main_window

    window.actions_.theme_dark.trigger()
    assert AppSettings().theme() == "dark"
    window.close()
    theme.apply_theme(theme.SYSTEM)  # as at a new start: the platform's palette first
    assert _window_colour().lightness() > 128

    second = create_main_window()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.actions_.theme_dark.isChecked()
    assert _window_colour().lightness() < 128
    assert second.scene().palette_colors().name == "dark"
    # No store is open: the start page is painted in the dark window colour.
    image = second.grab().toImage()
    middle = second.start_page.mapTo(second, second.start_page.rect().center())
    ratio = image.devicePixelRatio()
    pixel = image.pixelColor(round(middle.x() * ratio), round(middle.y() * ratio))
    assert pixel.lightness() < 128


def test_system_gives_the_platform_its_palette_back(window):
    platform = _window_colour().name()
    window.actions_.theme_dark.trigger()
    assert _window_colour().name() != platform
    window.actions_.theme_system.trigger()
    assert AppSettings().theme() == "system"
    assert _window_colour().name() == platform
    assert window.scene().palette_colors().name == "light"


def test_system_follows_the_platform_colour_scheme(window, qtbot, monkeypatch):
    scheme = {"now": Qt.ColorScheme.Dark}
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda self: scheme["now"])
    window.actions_.theme_system.trigger()
    # The platform says dark while its palette is light: the dark palette stands in.
    assert _window_colour().lightness() < 128
    assert window.scene().palette_colors().name == "dark"
    scheme["now"] = Qt.ColorScheme.Light
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: window.scene().palette_colors().name == "light")
    assert _window_colour().lightness() > 128
    # An explicit choice is not overruled by the platform.
    window.actions_.theme_light.trigger()
    scheme["now"] = Qt.ColorScheme.Dark
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    QApplication.processEvents()
    assert window.scene().palette_colors().name == "light"


def test_a_damaged_setting_means_system(window):
    from PySide6.QtCore import QSettings

    QSettings().setValue("appearance/theme", "<b>neon</b>")
    assert AppSettings().theme() == "system"

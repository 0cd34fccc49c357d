"""Panels of the main window: previews, the version page, the start page, bars."""

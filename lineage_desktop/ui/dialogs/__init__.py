"""Dialogs of the main window: export, hidden nodes."""

"""The main window: construction, menus, docks, reactions, presenters, settings."""

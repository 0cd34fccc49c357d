"""Exports from the window: images, data files, the Export dialog."""

"""Background work for the window: one task primitive, the store worker thread, the
layout runner and live-update polling."""

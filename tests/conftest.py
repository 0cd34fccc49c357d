"""Session-wide test set-up: Qt runs offscreen unless a test asks for a real display."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

"""Entry point of the standalone bundle: the same ``lineage-desktop`` command as the
installed package (the window without a subcommand, headless subcommands otherwise)."""
import multiprocessing
import os
import sys

from lineage_desktop.cli.main import main

if __name__ == "__main__":
    # The window lays graphs out in spawned worker processes: in a frozen program each
    # worker starts this same executable, and freeze_support() turns it into the worker
    # instead of a second window.
    multiprocessing.freeze_support()
    if not any(os.environ.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
        # What CPython does for a C locale (PEP 538), which the frozen program skips:
        # without it Qt warns about the locale on every start.
        os.environ["LC_CTYPE"] = "C.UTF-8"
    sys.exit(main())

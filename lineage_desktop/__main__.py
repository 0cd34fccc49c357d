"""``python -m lineage_desktop``: the same as the ``lineage-desktop`` command."""
import sys

from lineage_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

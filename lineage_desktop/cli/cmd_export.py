"""``lineage-desktop export STORE REF -o FILE``: the lineage graph of a version or run as
an image (PNG, SVG, PDF, drawn by the window's scene code, offscreen) or as data (DOT,
GraphML, Mermaid, JSON).

The Qt layer is imported only for image formats, inside ``write_image``, so data
exports and every other command run without loading Qt.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from lineage_desktop.cli.formatting import (
    UsageError,
    add_depths,
    non_negative,
    one_line_errors,
    open_api,
)
from lineage_desktop.cli.progress import Progress
from lineage_desktop.graph import DEFAULT_THRESHOLD, LineageModel
from lineage_desktop.graph.export import DIRECTIONS
from lineage_desktop.graph.formats import FORMATS, format_for
from lineage_desktop.graph.pages import (
    AUTO,
    DEFAULT_PAGE_SIZE,
    LANDSCAPE,
    PAGE_SIZES,
    PORTRAIT,
    PagePlan,
    PageSetup,
)

# Above this many nodes a large export reports its stages on stderr.
PROGRESS_FROM_NODES = 2_000

EXAMPLES = """\
examples:
  lineage-desktop export churn.db churn-model:production -o lineage.png --scale 2
  lineage-desktop export churn.db churn-model:v3 -o lineage.svg --upstream 2 --downstream 1
  lineage-desktop export churn.db run:3k9x2f1a -o lineage.pdf --direction TB
  lineage-desktop export churn.db churn-model:v3 -o lineage.pdf --page-size letter --portrait
  lineage-desktop export churn.db raw-events:v0 -o lineage.mmd --no-clusters
  lineage-desktop export churn.db churn-model:best -o - --format json | jq .nodes
formats follow the extension: {extensions}
(--format overrides it). An existing FILE is overwritten.
PDF pages: the graph prints at its size on screen at most; it shrinks to 60 % of that to
fit one page, and past that it is split into a grid of pages (a quarter inch shared by
neighbours, "page 2 of 6, row 1 col 2" in the margin). Without --landscape or --portrait
the orientation that needs fewer pages is chosen (landscape for a graph wider than tall).
--page-size fit writes one page exactly the size of the graph instead.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write a lineage graph as an image or as data",
        description="Write the lineage graph around a version or run as PNG, SVG or PDF "
                    "(drawn like the window, no display needed) or as DOT, GraphML, "
                    "Mermaid or JSON.",
        epilog=EXAMPLES.format(extensions=_extension_list()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("ref", metavar="REF",
                        help="the focus: name, name:alias, name:v3, run:<id> or a run id")
    parser.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="file to write ('-' for stdout, data formats only)")
    parser.add_argument("--format", metavar="FMT",
                        help=f"one of {', '.join(FORMATS)} (default: from the extension)")
    add_depths(parser)
    parser.add_argument("--cluster-threshold", metavar="N", type=non_negative,
                        default=DEFAULT_THRESHOLD,
                        help=f"collapse N or more runs or versions of one type in one level "
                             f"into a cluster (default {DEFAULT_THRESHOLD}; 0: never)")
    parser.add_argument("--no-clusters", action="store_true", help="never collapse nodes")
    parser.add_argument("--direction", metavar="LR|TB", default="LR",
                        help="left to right (LR, default) or top to bottom (TB)")
    parser.add_argument("--scale", metavar="F", default="1",
                        help="multiply the whole image, margins included (default 1); on "
                             "PDF pages, the print size")
    parser.add_argument("--dark", action="store_true", help="images on the dark palette")
    parser.add_argument("--page-size", metavar="|".join(PAGE_SIZES), type=str.lower,
                        default=DEFAULT_PAGE_SIZE, choices=PAGE_SIZES,
                        help=f"PDF paper (default {DEFAULT_PAGE_SIZE}); several pages when "
                             "the graph is too large to read on one; 'fit': one page the "
                             "size of the graph")
    orientation = parser.add_mutually_exclusive_group()
    orientation.add_argument("--landscape", dest="orientation", action="store_const",
                             const=LANDSCAPE, help="PDF pages in landscape")
    orientation.add_argument("--portrait", dest="orientation", action="store_const",
                             const=PORTRAIT, help="PDF pages in portrait (default: the "
                                                  "orientation that needs fewer pages)")
    parser.add_argument("--as-of", metavar="TIME",
                        help="the lineage as it stood at TIME (ISO 8601)")
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = None if args.output == "-" else check_output(Path(args.output))
    fmt = choose_format(args.output, args.format)
    direction = check_direction(args.direction)
    scale = check_scale(args.scale)
    pages = PageSetup(args.page_size, args.orientation or AUTO)
    if fmt != "pdf" and (args.orientation or args.page_size != DEFAULT_PAGE_SIZE):
        raise UsageError("--page-size, --landscape and --portrait are for PDF output")
    if target is None and FORMATS[fmt].image:
        raise UsageError(f"{fmt.upper()} cannot be written to stdout; give -o FILE")
    with open_api(args.store, args.as_of) as api:
        node = api.node(args.ref)
        focus = node.record.key  # run:<id> or artifact:<name>:v<n>
        raw = api.lineage(focus, args.upstream, args.downstream)
    progress = Progress("export", 3)
    show = raw.number_of_nodes() >= PROGRESS_FROM_NODES or progress.tty
    threshold = None if args.no_clusters or args.cluster_threshold == 0 \
        else args.cluster_threshold
    model = LineageModel(raw, focus, threshold, args.upstream, args.downstream)
    view = model.view()
    for problem in view.graph.get("problems") or ():
        print(f"lineage-desktop export: warning: {problem}", file=sys.stderr)
    if show:
        progress.update(1)
    if target is None:
        sys.stdout.write(data_text(view, fmt, direction))
        sys.stdout.flush()
        return 0
    paper = ""
    with Replacing(target) as temporary:
        if FORMATS[fmt].image:
            plan = write_image(view, temporary, fmt, direction, scale, args.dark,
                               progress.update if show else None, pages=pages)
            paper = f", {plan.describe()}" if plan is not None else ""
        else:
            temporary.write_text(data_text(view, fmt, direction), encoding="utf-8")
    if show:
        progress.update(3)
        progress.done()
    print(f"wrote {target} ({fmt}, {view.number_of_nodes()} nodes, "
          f"{view.number_of_edges()} edges{paper})", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------ checks


def _extension_list() -> str:
    """``.png .svg .pdf .dot/.gv ...``: each format's extensions, from the registry."""
    return " ".join("/".join(f.extensions) for f in FORMATS.values())


def choose_format(output: str, given: str | None) -> str:
    """``--format`` when given, else the output file's extension (``graph.formats``)."""
    if given is None and output == "-":
        raise UsageError("writing to stdout (-o -) needs --format")
    return format_for(output, given).name


def check_direction(direction: str) -> str:
    upper = direction.upper()
    if upper not in DIRECTIONS:
        raise UsageError(f"direction must be LR or TB, not {direction!r}")
    return upper


def check_scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise UsageError(f"scale must be a number, not {text!r}") from None
    if not 0 < scale <= 100:  # also refuses nan and inf
        raise UsageError(f"scale must be above 0 and at most 100, not {text!r}")
    return scale


def check_output(path: Path) -> Path:
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    if not folder.exists():
        raise UsageError(f"cannot write {path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists()
                                                    and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")
    return path


class Replacing:
    """A temporary file beside ``target`` that replaces it on success: an existing file
    is overwritten only by a complete export, and a failed one leaves nothing behind."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __enter__(self) -> Path:
        handle, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp"
                                        + self.target.suffix, dir=self.target.parent or ".")
        os.close(handle)
        self.temporary = Path(name)
        # mkstemp makes the file private (0600); give it the mode a plain open() would,
        # or keep the mode of the file being replaced.
        if self.target.exists():
            mode = self.target.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(self.temporary, mode)
        return self.temporary

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ writing


def data_text(view: nx.DiGraph, fmt: str, direction: str) -> str:
    return FORMATS[fmt].text(view, direction)


def write_image(view: nx.DiGraph, path: Path, fmt: str, direction: str, scale: float,
                dark: bool, progress=None,  # type: ignore[no-untyped-def]
                compromised: Iterable[str] = (), tainted: Iterable[str] = (),
                pages: PageSetup | None = None) -> PagePlan | None:
    """Lay out ``view`` and draw it with the window's scene code into ``path`` (headless).

    Shared by ``export`` and ``report``; ``compromised``/``tainted`` carry integrity marks,
    ``pages`` the paper of a PDF. Returns the pages of a PDF (None for other formats).
    """
    # Qt must see the platform before it loads: no display is needed or wanted.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from lineage_desktop.layout import compute_layout
    from lineage_desktop.ui.export.image import ensure_app, render_graph_image
    from lineage_desktop.ui.scene.cards import build_layout_request

    ensure_app()
    # The layout runs in this process: a command has no window to keep responsive.
    layout = compute_layout(build_layout_request(view, direction))
    if progress is not None:
        progress(2)
    planned: list[PagePlan] = []
    render_graph_image(view, layout, path, fmt, scale=scale, dark=dark,
                       compromised=compromised, tainted=tainted, pages=pages,
                       on_pages=planned.append)
    return planned[0] if planned else None

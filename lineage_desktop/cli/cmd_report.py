"""``lineage-desktop report STORE REF -o FILE.html``: a self-contained HTML audit report
of a version or run: the lineage graph drawn like the window (inline SVG), every node's
details, the integrity results and the path from each raw dataset."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import networkx as nx

from lineage_desktop.audit import VerifyReport, scan_graph, view_marks
from lineage_desktop.audit.report import build_report
from lineage_desktop.cli.cmd_export import Replacing, check_output, write_image
from lineage_desktop.cli.formatting import (
    add_as_of,
    add_depths,
    one_line_errors,
    open_api,
)
from lineage_desktop.cli.progress import Progress
from lineage_desktop.graph import DEFAULT_THRESHOLD, LineageModel
from lineage_desktop.records.text import plural

EXAMPLES = """\
examples:
  lineage-desktop report churn.db churn-model:production -o audit.html
  lineage-desktop report churn.db churn-model:v3 -o audit.html --upstream 4 --downstream 0
  lineage-desktop report churn.db churn-model:best -o audit.html --as-of 2026-09-01
  lineage-desktop report churn.db run:3k9x2f1a -o audit.html --no-verify
the exit status is 0 once the report is written, whatever the integrity results
(use `lineage-desktop verify` to fail a pipeline on mismatches).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write a self-contained HTML audit report",
        description="Write one self-contained HTML file auditing the lineage of a version "
                    "or run: the graph image (inline SVG), every node's details, the "
                    "integrity of every artifact version's files (unless --no-verify) "
                    "and the path from each raw dataset.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("ref", metavar="REF",
                        help="the focus: name, name:alias, name:v3, run:<id> or a run id")
    parser.add_argument("-o", "--output", metavar="FILE", required=True,
                        help="the HTML file to write (overwritten)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip re-hashing the files (faster; no integrity section)")
    add_depths(parser)
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = check_output(Path(args.output))
    with open_api(args.store, args.as_of) as api:
        focus = api.node(args.ref).record.key
        raw = api.lineage(focus, args.upstream, args.downstream)
        integrity = None if args.no_verify else _verify(api.store, raw)
        as_of = api.as_of
    image = graph_svg(raw, focus, args.upstream, args.downstream, integrity)
    html = build_report(raw, focus, str(args.store), image, integrity, as_of)
    with Replacing(target) as temporary:
        temporary.write_text(html, encoding="utf-8")
    print(f"wrote {target} ({raw.number_of_nodes()} nodes; {_summary(integrity)})",
          file=sys.stderr)
    return 0


def _verify(store, raw: nx.DiGraph) -> VerifyReport:  # type: ignore[no-untyped-def]
    progress = Progress("verify", 1)
    report = scan_graph(store, raw, progress.update if progress.tty else None)
    if progress.tty:
        progress.done()
    return report


def _summary(integrity: VerifyReport | None) -> str:
    if integrity is None:
        return "integrity not checked"
    db = integrity.database
    damaged = (f"; database damaged ({len(db.problems)} found by {db.check})"
               if db is not None and not db.ok else "")
    if not integrity.compromised:
        total = integrity.totals()
        if total.status_count("ok") == total.versions:
            return f"all {integrity.checked} versions intact{damaged}"
        return (f"no mismatch in {plural(integrity.checked, 'version')}, but only "
                f"{total.checked} of {plural(total.files, 'file')} re-hashed{damaged}")
    return (f"{len(integrity.compromised)} of {integrity.checked} versions compromised, "
            f"{len(integrity.tainted)} nodes downstream of them{damaged}")


def graph_svg(raw: nx.DiGraph, focus: str, upstream: int | None,
              downstream: int | None, integrity: VerifyReport | None = None) -> str:
    """The view graph (clusters as in the window) drawn by ``export``'s image code, as
    SVG text, with the integrity marks on it."""
    view = LineageModel(raw, focus, DEFAULT_THRESHOLD, upstream, downstream).view()
    marks = view_marks(integrity, view) if integrity is not None else None
    with tempfile.TemporaryDirectory(prefix="lineage-report-") as folder:
        path = Path(folder) / "graph.svg"
        write_image(view, path, "svg", "LR", 1.0, False,
                    compromised=marks.compromised if marks else (),
                    tainted=marks.tainted if marks else ())
        return path.read_text(encoding="utf-8")

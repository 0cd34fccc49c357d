"""A self-contained HTML audit report for one version: the graph image, every node's
details, the integrity results and the path from each raw dataset to the version.

Every text from the store is escaped: a description holding HTML shows literally.
"""
from __future__ import annotations

import base64
import json
from html import escape
from typing import Any

import networkx as nx

from lineage_desktop.audit.verify import VerifyReport, describe
from lineage_desktop.audit.verify_report import summary
from lineage_desktop.graph.nodes import node_data
from lineage_desktop.store import utc_now

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;
max-width:1100px;color:#1f2430;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #dde;
padding-bottom:.3rem}.muted{color:#667}table{border-collapse:collapse;width:100%;
margin:.5rem 0}td,th{border:1px solid #dde;padding:.3rem .5rem;text-align:left;
vertical-align:top}th{background:#f4f6fa}.ok{color:#1e7d45}.bad{color:#b3261e;
font-weight:600}.warn{color:#a15c00}.graph{border:1px solid #dde;padding:.5rem;
overflow:auto}.graph svg,.graph img{max-width:100%;height:auto}pre{margin:0;
white-space:pre-wrap;font-size:12px}.chain{font-family:ui-monospace,monospace}
"""


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return f"<pre>{escape(json.dumps(value, indent=1, sort_keys=True, default=str))}</pre>"
    return escape("" if value is None else str(value))


def raw_sources(graph: nx.DiGraph, focus: str) -> list[str]:
    """Upstream artifact versions with no recorded inputs before them: the raw data."""
    ancestors = nx.ancestors(graph, focus) if focus in graph else set()
    sources = []
    for key in ancestors:
        if not node_data(graph, key).is_artifact:
            continue
        producers = list(graph.predecessors(key))
        if not producers or all(not list(graph.predecessors(p)) for p in producers):
            sources.append(key)
    return sorted(sources)


def _chain(graph: nx.DiGraph, path: list[str]) -> str:
    return " → ".join(escape(node_data(graph, k).label_or(k)) for k in path)


def _image_html(image: bytes | str | None) -> str:
    if image is None:
        return "<p class='muted'>No image (rendering was not available).</p>"
    if isinstance(image, str):  # SVG text, drawn by our own renderer
        start = image.find("<svg")
        return image[start:] if start >= 0 else escape(image)
    encoded = base64.b64encode(image).decode("ascii")
    return f"<img alt='lineage graph' src='data:image/png;base64,{encoded}'>"


def _node_rows(graph: nx.DiGraph, integrity: VerifyReport | None) -> str:
    parts = []
    for key in sorted(graph.nodes):
        data = node_data(graph, key)
        status = _status(integrity, str(key))
        css = {"compromised": "bad", "tainted": "warn", "ok": "ok"}.get(status, "muted")
        details = "".join(
            f"<tr><th>{escape(field)}</th><td>{_cell(value)}</td></tr>"
            for field, value in data.details())
        parts.append(
            f"<h3>{escape(data.label_or(key))} <span class='{css}'>"
            f"[{escape(status)}]</span></h3><p class='muted'>{escape(key)}</p>"
            f"<table>{details}</table>")
    return "\n".join(parts)


def _status(integrity: VerifyReport | None, key: str) -> str:
    """A node's integrity status; a checked version also ``unchecked`` (not every file
    re-hashed), a node outside the scope ``not checked``."""
    if integrity is None:
        return "not checked"
    counts = integrity.version_counts(key)
    if counts is not None:
        return counts.status
    status = integrity.status(key)
    return "not checked" if status == "ok" and key.startswith("artifact:") else status


def _why(detail: str | None) -> str:
    # Why an entry was refused or unreadable; it quotes store text, so it is escaped.
    return f"<br><span class='muted'>{escape(detail)}</span>" if detail else ""


def _checked_html(integrity: VerifyReport) -> str:
    # Exactly what the check covered, one line each (the window's legend shows the same).
    lines = [text for field, text in describe(integrity) if field != "summary"]
    lines += [f"Note: {note}" for note in integrity.notes]
    return "<ul class='muted'>" + "".join(f"<li>{escape(t)}</li>" for t in lines) + "</ul>"


def _database_html(integrity: VerifyReport) -> str:
    db = integrity.database
    if db is None or db.ok:
        return ""
    items = "".join(f"<li>{escape(problem)}</li>" for problem in db.problems)
    return f"<p class='bad'>The database file is damaged ({escape(db.check)}):</p><ul>{items}</ul>"


def _integrity_html(integrity: VerifyReport | None) -> str:
    if integrity is None:
        return "<p class='muted'>Integrity was not checked.</p>"
    checked = _checked_html(integrity) + _database_html(integrity)
    if not integrity.compromised:
        total = integrity.totals()
        if total.status_count("ok") == total.versions:
            return (f"<p class='ok'>All {integrity.checked} artifact versions match their "
                    f"recorded digests.</p>{checked}")
        # Not every file was re-hashed: say exactly what was (never "all match").
        return f"<p class='warn'>{escape(summary(integrity))}.</p>{checked}"
    rows = "".join(
        f"<tr><td>{escape(c.artifact)}</td><td>{escape(c.path)}</td>"
        f"<td class='bad'>{escape(c.status)}{_why(c.detail)}</td><td>{_cell(c.expected)}</td>"
        f"<td>{_cell(c.actual)}</td></tr>" for c in integrity.problems())
    tainted = ", ".join(escape(k) for k in sorted(integrity.tainted)) or "none"
    return (f"<p class='bad'>{len(integrity.compromised)} of {integrity.checked} versions "
            f"do not match their digests.</p>{checked}<table><tr><th>version</th><th>file</th>"
            f"<th>status</th><th>expected</th><th>actual</th></tr>{rows}</table>"
            f"<p class='warn'>Downstream of them (tainted): {tainted}</p>")


def build_report(
    graph: nx.DiGraph, focus: str, store_path: str, image: bytes | str | None = None,
    integrity: VerifyReport | None = None, as_of: str | None = None,
) -> str:
    """The report as one HTML string (no external files)."""
    label = node_data(graph, focus).label_or(focus)
    paths = []
    for source in raw_sources(graph, focus):
        path = nx.shortest_path(graph, source, focus)
        paths.append(f"<li class='chain'>{_chain(graph, path)}</li>")
    paths_html = "<ul>" + "".join(paths) + "</ul>" if paths else \
        "<p class='muted'>No upstream raw data recorded.</p>"
    when = f" as of {escape(as_of)}" if as_of else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Lineage audit: {escape(str(label))}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Lineage audit: {escape(str(label))}</h1>"
        f"<p class='muted'>Store {escape(store_path)}{when} · generated {escape(utc_now())} "
        f"by lineage_desktop · {graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges</p>"
        f"<h2>Integrity</h2>{_integrity_html(integrity)}"
        f"<h2>Lineage graph</h2><div class='graph'>{_image_html(image)}</div>"
        f"<h2>Paths from raw data</h2>{paths_html}"
        f"<h2>Nodes</h2>{_node_rows(graph, integrity)}"
        "</body></html>")

"""The one palette of the lineage graph, light and dark, as ``#rrggbb`` strings.

Qt-free so that both the window (``ui/style.py`` builds QColors from it) and the data
exports (DOT and Mermaid colours in ``graph/export.py``) read the same colours: a run
is the same green on screen, in a PNG and in a DOT file.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the graph uses, as ``#rrggbb`` strings (Qt-free values, cheap to copy)."""

    name: str
    background: str
    card: str
    card_border: str
    text: str
    muted: str
    run: str
    artifact: str
    glyph: str  # the white glyph on the icon discs
    cluster_run_fill: str
    cluster_run_border: str
    cluster_artifact_fill: str
    cluster_artifact_border: str
    edge: str
    accent: str  # focus ring, selection, emphasised edges
    highlight: str  # find results
    failed_fill: str
    failed_border: str
    running: str
    warning: str
    pill_fill: str
    pill_text: str
    missing: str
    eye_hot: str  # background of the hide button under the pointer


LIGHT = Palette(
    name="light",
    background="#f6f7f9",
    card="#ffffff",
    card_border="#d3d8df",
    text="#1f2328",
    muted="#6b7280",
    run="#2e9d5b",
    artifact="#2f6fde",
    glyph="#ffffff",
    cluster_run_fill="#e6f4ec",
    cluster_run_border="#94cfae",
    cluster_artifact_fill="#e8effc",
    cluster_artifact_border="#a3bff2",
    edge="#9aa3ae",
    accent="#7048e8",
    highlight="#fab005",
    failed_fill="#fdeeee",
    failed_border="#e03131",
    running="#37b24d",
    warning="#f08c00",
    pill_fill="#eceff3",
    pill_text="#4b5563",
    missing="#adb5bd",
    eye_hot="#e9ecef",
)

DARK = Palette(
    name="dark",
    background="#1d2025",
    card="#2a2e36",
    card_border="#3c424d",
    text="#e6e8eb",
    muted="#9aa3ae",
    run="#3bb26c",
    artifact="#4a86f0",
    glyph="#ffffff",
    cluster_run_fill="#22382c",
    cluster_run_border="#3d7a57",
    cluster_artifact_fill="#222f48",
    cluster_artifact_border="#3f62a6",
    edge="#6b7380",
    accent="#9775fa",
    highlight="#fab005",
    failed_fill="#3a2426",
    failed_border="#ff6b6b",
    running="#51cf66",
    warning="#ff922b",
    pill_fill="#373d47",
    pill_text="#c3c9d1",
    missing="#5c636e",
    eye_hot="#3a404a",
)


def palette_for(dark: bool) -> Palette:
    """The dark or the light palette."""
    return DARK if dark else LIGHT


def node_colours(palette: Palette, kind: str | None, missing: bool = False) -> tuple[str, str]:
    """``(fill, stroke)`` of a node drawn as one filled box (the data exports): a run
    green, anything else artifact blue, a placeholder of something missing grey."""
    if missing:
        return palette.background, palette.missing
    if kind == "run":
        return palette.cluster_run_fill, palette.run
    return palette.cluster_artifact_fill, palette.artifact


__all__ = ["DARK", "LIGHT", "Palette", "node_colours", "palette_for"]

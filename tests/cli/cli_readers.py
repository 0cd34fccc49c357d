"""Readers of exported files, just enough to check their content: PNG size, SVG text,
Mermaid nodes and edges; PDF text and pages from ``tests/pdf_reader.py``. Standard
library only, so the tests need no PDF package."""
from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from pdf_reader import PdfPage, pdf_pages, pdf_texts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk."""
    data = path.read_bytes()[:32]
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_texts(path: Path) -> list[str]:
    """The content of every ``<text>`` element (whitespace stripped)."""
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("}text")
            or e.tag == "text"]


_MERMAID_NODE = re.compile(r"^\s+(\w+)(\(\[|\[\[|\[)\"(.*?)\"(\]\)|\]\]|\])\s*$")
_MERMAID_EDGE = re.compile(r"^\s+(\w+) --> (\w+)\s*$")


def mermaid_graph(text: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """``({node id: label text}, {(source id, target id)})`` of a Mermaid flowchart."""
    nodes, edges = {}, set()
    for line in text.splitlines():
        if match := _MERMAID_NODE.match(line):
            nodes[match.group(1)] = match.group(3)
        elif match := _MERMAID_EDGE.match(line):
            edges.add((match.group(1), match.group(2)))
    return nodes, edges


__all__ = ["PdfPage", "mermaid_graph", "pdf_pages", "pdf_texts", "png_size", "svg_texts"]

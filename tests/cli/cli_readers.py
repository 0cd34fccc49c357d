"""Readers of exported files, just enough to check their content: PNG size, SVG and PDF
text, Mermaid nodes and edges. Standard library only, so the tests need no PDF package."""
from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

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


_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    if not found:
        return b""
    raw = found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _unicode_map(cmap: bytes) -> dict[int, str]:
    """Glyph code -> text from a ToUnicode CMap (``bfchar`` and both ``bfrange`` forms)."""
    mapping: dict[int, str] = {}

    def text(hex_: bytes) -> str:
        return bytes.fromhex(hex_.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = text(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, rest in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            start, end = int(low, 16), int(high, 16)
            if rest.startswith(b"["):
                for offset, value in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    mapping[start + offset] = text(value)
            else:
                first = int(rest[1:-1], 16)
                for offset in range(end - start + 1):
                    mapping[start + offset] = chr(first + offset)
    return mapping


def pdf_texts(path: Path) -> list[str]:
    """The text of every ``BT ... ET`` block of a PDF written by Qt (Type0 fonts with
    ToUnicode maps, one glyph per ``<hex> Tj``)."""
    data = path.read_bytes()
    objects = {int(num): body for num, body in _OBJECT.findall(data)}
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", block):
                font = objects.get(int(ref), b"")
                to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
                if to_unicode:
                    fonts[name] = _unicode_map(_stream(objects[int(to_unicode.group(1))]))
    texts = []
    for body in objects.values():
        if b"/FlateDecode" not in body or b"/Length1" in body:  # skip embedded font files
            continue
        content = _stream(body)
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            font = re.search(rb"/(\w+)\s+[\d.]+\s+Tf", block)
            mapping = fonts.get(font.group(1), {}) if font else {}
            chars = []
            for hex_ in re.findall(rb"<([0-9A-Fa-f]+)>\s*Tj", block):
                codes = bytes.fromhex(hex_.decode())
                for i in range(0, len(codes) - 1, 2):
                    chars.append(mapping.get(int.from_bytes(codes[i:i + 2], "big"), "?"))
            texts.append("".join(chars))
    return texts


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

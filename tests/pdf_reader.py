"""Pages and text of a PDF written by Qt (``QPdfWriter``), read with the standard library
only: the objects cut at the offsets of the xref table, streams by their ``/Length``,
glyphs mapped back to text through each font's ToUnicode CMap."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")


def _stream(body: bytes, objects: dict[int, bytes]) -> bytes:
    """The (inflated) data of a stream object, ``/Length`` bytes (direct or a reference):
    compressed bytes may read ``endstream`` or end in a newline."""
    start = re.search(rb"stream\r?\n", body)
    length = re.search(rb"/Length (\d+)( 0 R)?", body)
    if not start or not length:
        return b""
    size = int(objects[int(length.group(1))].strip()) if length.group(2) \
        else int(length.group(1))
    raw = body[start.end():start.end() + size]
    return zlib.decompress(raw) if b"/FlateDecode" in body[: start.start()] else raw


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


def _pdf_objects(path: Path) -> dict[int, bytes]:
    """Object number -> its bytes, cut at the offsets of the classic xref table Qt writes."""
    data = path.read_bytes()
    xref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    header = re.match(rb"xref\s+(\d+)\s+(\d+)\s+", data[xref:])
    assert header, "no classic xref table"
    first = int(header.group(1))
    entries = _XREF_ENTRY.findall(data, xref + header.end())[: int(header.group(2))]
    offsets = sorted((int(off), first + i) for i, (off, _gen, kind) in enumerate(entries)
                     if kind == b"n")
    objects = {}
    for (offset, number), end in zip(offsets, [o for o, _n in offsets[1:]] + [xref]):
        body = data[offset:end]
        objects[number] = body[body.index(b"obj") + 3: body.rfind(b"endobj")]
    return objects


def _pdf_fonts(objects: dict[int, bytes]) -> dict[bytes, dict[int, str]]:
    """Font resource name -> its ToUnicode map (Qt names each font once per document)."""
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", block):
                font = objects.get(int(ref), b"")
                to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
                if to_unicode:
                    fonts[name] = _unicode_map(
                        _stream(objects[int(to_unicode.group(1))], objects))
    return fonts


def _content_texts(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[str]:
    texts = []
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


def pdf_texts(path: Path) -> list[str]:
    """The text of every ``BT ... ET`` block of a PDF written by Qt (Type0 fonts with
    ToUnicode maps, one glyph per ``<hex> Tj``)."""
    objects = _pdf_objects(path)
    fonts = _pdf_fonts(objects)
    texts = []
    for body in objects.values():
        if b"/FlateDecode" not in body or b"/Length1" in body:  # skip embedded font files
            continue
        texts.extend(_content_texts(_stream(body, objects), fonts))
    return texts


@dataclass(frozen=True)
class PdfPage:
    """One page of a PDF: its /MediaBox size in points and the texts drawn on it."""

    width: float
    height: float
    texts: tuple[str, ...]


def pdf_pages(path: Path) -> list[PdfPage]:
    """The pages of a PDF written by Qt, in order (the /Kids of its /Pages tree)."""
    objects = _pdf_objects(path)
    fonts = _pdf_fonts(objects)
    tree = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    kids = re.search(rb"/Kids\s*\[(.*?)\]", tree, re.S)
    assert kids, "no /Kids in the page tree"
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
        body = objects[int(ref)]
        box = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)",
                        body)
        assert box, f"page object {int(ref)} has no /MediaBox"
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        texts = _content_texts(_stream(objects[int(contents.group(1))], objects), fonts) \
            if contents else []
        pages.append(PdfPage(x1 - x0, y1 - y0, tuple(texts)))
    count = re.search(rb"/Count (\d+)", tree)
    assert count and int(count.group(1)) == len(pages)
    return pages

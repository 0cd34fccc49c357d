"""Shrink the SVG that ``QSvgGenerator`` writes, keeping the picture and the text.

QSvgGenerator is verbose: every painter state change opens a ``<g>`` repeating the whole
pen, brush and font (thousands are empty), numbers carry six digits, and each card's
icon glyph, a flattened boolean path of several kilobytes, is written again for every
card. At 10k nodes that made 112 MB against Graphviz's 14 MB (issue 12). This pass
rewrites the document losslessly for the eye:

- an identical path drawn more than once goes into ``<defs>`` once and is drawn with
  ``<use>`` (SVG Tiny 1.2, which QSvgRenderer and browsers read);
- empty groups go; a value equal to the one an element inherits goes (QSvgGenerator
  repeats the whole state in every group and again on each ``<text>``); font
  attributes stay only on groups holding text;
- coordinates are rounded to two decimals (1/100 of a scene unit, invisible at any
  export scale we offer); identity transforms go, translations read ``translate(x,y)``.

Labels stay ``<text>`` elements: SVG exports remain searchable and selectable.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG = f"{{{SVG_NS}}}"
_HREF = f"{{{XLINK_NS}}}href"

_FONT_ATTRS = ("font-family", "font-size", "font-weight", "font-style")
# Attributes holding numbers only (never text): safe to round.
_NUMERIC_ATTRS = ("d", "points", "x", "y", "width", "height", "cx", "cy", "r", "rx", "ry",
                  "x1", "y1", "x2", "y2", "stroke-width", "transform")
_NUMBER = re.compile(r"-?\d+\.\d{3,}(?:e-?\d+)?")
_IDENTITY = re.compile(r"^matrix\(1,0,0,1,0,0\)$")
_TRANSLATE = re.compile(r"^matrix\(1,0,0,1,([^,]+),([^,)]+)\)$")
# A path must be at least this long to be worth a <defs> entry and a <use>.
_MIN_SHARED_PATH = 120


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def round_numbers(value: str) -> str:
    """``value`` with every decimal number of 3+ places rounded to 2 places."""
    return _NUMBER.sub(_round, value)


# Each card repeats the same glyph and box paths (local coordinates): round each once.
_round_repeated = functools.lru_cache(maxsize=4096)(round_numbers)


def compact_svg(data: bytes) -> bytes:
    """The SVG document ``data`` (as QSvgGenerator writes it), smaller, same picture."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(data)
    _prune(root)
    _share_paths(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n").encode()


# Inherited presentation properties (SVG 1.1 / Tiny 1.2) and their initial values where
# QSvgGenerator relies on them: a child repeating its inherited value says nothing.
_INHERITED = frozenset(("fill", "fill-opacity", "fill-rule", "stroke", "stroke-opacity",
                        "stroke-width", "stroke-linecap", "stroke-linejoin",
                        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
                        *_FONT_ATTRS))
_INITIAL = {"fill-opacity": "1", "stroke-opacity": "1"}


def _has_text(element: ET.Element) -> bool:
    return any(child.tag == _SVG + "text" for child in element.iter())


# Qt writes the font it drew with ("Sans Serif", a fontconfig alias no browser knows):
# viewers elsewhere get that family first where it is real, then common sans fonts, then
# CSS's generic family, so the text never falls back to a serif face.
_QT_ALIASES = frozenset({"sans serif", "sans", "sansserif", "helvetica"})
_FALLBACK_FONTS = ("system-ui", "'Segoe UI'", "'DejaVu Sans'", "Helvetica", "Arial",
                   "sans-serif")
_GENERIC = frozenset({"sans-serif", "serif", "monospace", "system-ui", "cursive"})


def font_stack(family: str) -> str:
    """A CSS font-family list for ``family`` that ends in the generic ``sans-serif``."""
    names = [n.strip().strip("'\"").strip() for n in family.split(",")]
    if names and names[-1].lower() in _GENERIC and len(names) > 1:
        return family  # already a stack
    named = [f"'{n}'" if " " in n else n for n in names
             if n and n.lower() not in _QT_ALIASES and n.lower() not in _GENERIC]
    return ", ".join(dict.fromkeys([*named, *_FALLBACK_FONTS]))


def _prune(parent: ET.Element, inherited: dict[str, str] | None = None) -> None:
    """Drop empty groups, repeated inherited values, font attributes no text uses and
    identity transforms; round numbers."""
    inherited = _INITIAL if inherited is None else inherited
    kept = []
    for child in parent:
        if child.tag == _SVG + "g" and len(child) == 0 and not (child.text or "").strip():
            continue
        kept.append(child)
        attrs = child.attrib
        if "font-family" in attrs:
            attrs["font-family"] = font_stack(attrs["font-family"])
        for name in _NUMERIC_ATTRS:
            if name in attrs:
                attrs[name] = _round_repeated(attrs[name])
        transform = attrs.get("transform")
        if transform is not None:
            if _IDENTITY.match(transform):
                del attrs["transform"]
            elif (m := _TRANSLATE.match(transform)) is not None:
                attrs["transform"] = f"translate({m.group(1)},{m.group(2)})"
        if attrs.get("vector-effect") == "none":  # the default; not inherited
            del attrs["vector-effect"]
        if child.tag == _SVG + "g" and not _has_text(child):
            for name in _FONT_ATTRS:
                attrs.pop(name, None)
        for name in [n for n in attrs if n in _INHERITED and inherited.get(n) == attrs[n]]:
            del attrs[name]
        if len(child):
            own = {n: v for n, v in attrs.items() if n in _INHERITED}
            _prune(child, {**inherited, **own} if own else inherited)
    # One slice assignment: Element.remove() per empty group was quadratic (45k at 10k).
    parent[:] = kept


def _share_paths(root: ET.Element) -> None:
    """Write each repeated path once in ``<defs>`` and draw it with ``<use>``."""
    counts: dict[str, int] = {}
    for path in root.iter(_SVG + "path"):
        d = path.get("d", "")
        if len(d) >= _MIN_SHARED_PATH:
            counts[d] = counts.get(d, 0) + 1
    shared = {d for d, n in counts.items() if n > 1}
    if not shared:
        return
    defs = root.find(_SVG + "defs")
    if defs is None:
        defs = ET.Element(_SVG + "defs")
        root.insert(0, defs)
    ids: dict[str, str] = {}
    for parent in list(root.iter()):  # a list: children are replaced below
        if parent is defs:
            continue
        for i, path in enumerate(parent):
            d = path.get("d", "")
            if path.tag != _SVG + "path" or d not in shared:
                continue
            if d not in ids:
                ids[d] = f"p{len(ids)}"
                ET.SubElement(defs, _SVG + "path", {"id": ids[d], "d": d})
            # Presentation attributes (fill-rule...) stay on the <use>: they inherit.
            use = ET.Element(_SVG + "use", {k: v for k, v in path.attrib.items() if k != "d"})
            use.set(_HREF, "#" + ids[d])
            use.tail = path.tail
            parent[i] = use


__all__ = ["compact_svg", "round_numbers"]

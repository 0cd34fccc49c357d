"""A run's config or summary as sorted ``key -> value`` text rows, for previews.

Nested dicts become dotted keys (``opt.name``); floats keep about 6 significant digits;
control characters (terminal escape codes from a store) are shown as visible escapes.
Values are plain text: whoever shows them as rich text must escape them.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

SIGNIFICANT_DIGITS = 6
MAX_DEPTH = 20  # a deeper value is shown as JSON, not flattened further


def visible(text: str) -> str:
    """``text`` with control characters as escapes (``\\x1b``), so that none acts."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def format_value(value: Any) -> str:
    """A value's text: floats to ``SIGNIFICANT_DIGITS`` digits, lists as JSON."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if 1e6 <= abs(value) < 1e15:  # times (``_timestamp``), counts: no exponent
            return f"{value:.1f}"
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return visible(value)
    return visible(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False))


def flat_rows(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, value)`` text rows of ``values``, sorted by key, nested dicts flattened."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any, depth: int) -> None:
        if isinstance(value, Mapping) and value and depth < MAX_DEPTH:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner, depth + 1)
        else:
            rows.append((visible(prefix), format_value(value)))

    for key, value in values.items():
        walk(str(key), value, 0)
    return sorted(rows)

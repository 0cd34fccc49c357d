"""JSON values that strict JSON (RFC 8259) can hold, for every writer of JSON: the store's
cells, the CLI's ``--json`` and the data exports."""
from __future__ import annotations

import math
from typing import Any

_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def json_ready(value: Any) -> Any:
    """``value`` with NaN and infinities as the strings ``"NaN"``, ``"Infinity"`` and
    ``"-Infinity"`` (the JSON mapping of protocol buffers), which strict JSON can hold;
    a store written by another tool may hold them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else _NON_FINITE.get(value, "NaN")
    if isinstance(value, dict):
        return {json_ready(k) if isinstance(k, float) else k: json_ready(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value

"""Names from other tools made into valid artifact names, and stable run ids."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

MAX_NAME = 128
_BAD = re.compile(r"[^A-Za-z0-9_.-]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def safe_name(text: str, fallback: str = "artifact") -> str:
    """``text`` with every run of characters outside ``[A-Za-z0-9_.-]`` replaced by ``_``,
    at most 128 characters (a long name keeps its start and gets a hash of the whole)."""
    cleaned = _BAD.sub("_", _SCHEME.sub(r"\1_", text.strip())).strip("_") or fallback
    if len(cleaned) > MAX_NAME:
        cleaned = f"{cleaned[:MAX_NAME - 9]}-{short_hash(text)}"
    return cleaned


def with_suffix(name: str, original: str) -> str:
    """A distinct name for ``original`` when ``name`` is already taken by something else."""
    suffix = f"-{short_hash(original)}"
    return name[:MAX_NAME - len(suffix)] + suffix


def dataset_name(namespace: str, name: str) -> str:
    """Artifact name of an OpenLineage dataset (namespace and name joined)."""
    return safe_name(f"{namespace}/{name}" if namespace else name, fallback="dataset")


def stable_id(prefix: str, *parts: Any) -> str:
    """A run id derived from what identifies the run elsewhere, so re-imports find it."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"

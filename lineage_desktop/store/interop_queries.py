"""Deprecated: the interop queries are ``Store`` methods now (``store.interop``'s
``InteropMixin``), so that they pass the store's error translation. These names only
forward to them, for callers not yet moved (``q.all_usages(store)`` is
``store.all_usages()``); new code calls the methods.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "add_usage_if_new",
    "add_version_tags",
    "alias_holder",
    "alias_times",
    "all_outputs",
    "all_usages",
    "all_versions",
    "first_version",
    "forget_cached_ids",
    "latest_version_at",
    "newest_version",
    "set_alias_at",
    "version_by_digest",
    "versions_of_runs",
]


def _forward(name: str) -> Callable[..., Any]:
    def forward(store: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(store, name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = f"``store.{name}(...)``"
    return forward


add_usage_if_new = _forward("add_usage_if_new")
add_version_tags = _forward("add_version_tags")
alias_holder = _forward("alias_holder")
alias_times = _forward("alias_times")
all_outputs = _forward("all_outputs")
all_usages = _forward("all_usages")
all_versions = _forward("all_versions")
first_version = _forward("first_version")
forget_cached_ids = _forward("forget_cached_ids")
latest_version_at = _forward("latest_version_at")
newest_version = _forward("newest_version")
set_alias_at = _forward("set_alias_at")
version_by_digest = _forward("version_by_digest")
versions_of_runs = _forward("versions_of_runs")

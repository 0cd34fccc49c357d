"""Lazy package attributes (PEP 562): a package names what it exports in a table and
imports each module the first time one of its names is read (issue 12: a recording
script must not pay for the read API, the graph or the window).

    _EXPORTS = {"init": "lineage_desktop.sdk.run", "Api": "lineage_desktop.sdk.api"}
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
    if not TYPE_CHECKING:  # type checkers read the names imported under TYPE_CHECKING
        __all__ = sorted(_EXPORTS)

A value ``"module:attribute"`` exports a name under another name. A name is kept in the
package once read (later reads are plain attribute reads), except the names given as
``live``: those are looked up in their module at every read, for a value that module
rebinds (W&B's ``wandb.run`` is ``None`` until ``init``). Type checkers see the names
that the package imports under ``if TYPE_CHECKING:``; a name only in the table is ``Any``.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping
    from typing import Any


def lazy_exports(package: str, table: Mapping[str, str], live: Collection[str] = ()
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package`` for ``table``
    (exported name -> module, or ``module:attribute``)."""
    def get_attribute(name: str) -> Any:  # Any: a name no type checker was told of
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        __import__(module)  # not importlib.import_module: -X importtime reports this one
        value = getattr(sys.modules[module], attribute or name)
        if name not in live:
            setattr(sys.modules[package], name, value)
        return value

    def list_names() -> list[str]:
        return sorted({*vars(sys.modules[package]), *table})

    return get_attribute, list_names

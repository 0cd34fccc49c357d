"""Optional libraries: a clear message naming the extra to install when one is missing."""
from __future__ import annotations

import importlib
from types import ModuleType

from lineage_desktop.records import LineageError

_EXTRAS = {"openlineage": "interop", "yaml": "interop", "mlflow": "mlflow"}
_PACKAGES = {"openlineage": "openlineage-python", "yaml": "PyYAML", "mlflow": "mlflow-skinny"}


class MissingExtra(LineageError, ImportError):
    """An optional library that this feature needs is not installed."""


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` or raise ``MissingExtra`` saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise MissingExtra(
            f"{feature} needs {_PACKAGES.get(top, top)}: "
            f"pip install 'lineage-desktop[{_EXTRAS.get(top, 'interop')}]'") from None

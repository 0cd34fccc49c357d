"""``run.config`` and ``run.summary``: W&B's objects, item and attribute access alike.

Config follows W&B's ``wandb_config.Config``: keys are stripped of leading and trailing
``-``; changing a key's value raises ``ConfigError`` unless ``update(...,
allow_val_change=True)``; ``update`` takes a dict, an ``argparse.Namespace`` or any
object with attributes (absl flags). Each change is written to the store at once.

Summary follows ``wandb_summary.Summary``: the last logged value of each key unless set;
assignment, ``update`` and deletion write at once (assignment outside a step; a logged
step writes it with the step's row).
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lineage_desktop.records import LineageError
from lineage_desktop.sdk.validation import validate_json_object


class ConfigError(LineageError, ValueError):
    """A config key changed value without ``allow_val_change=True`` (W&B's rule)."""


def _as_mapping(value: object, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    argparse = sys.modules.get("argparse")  # a Namespace exists only if argparse is loaded
    if (argparse is not None and isinstance(value, argparse.Namespace)) or hasattr(
            value, "__dict__"):
        flags = getattr(value, "flag_values_dict", None)  # absl flags, as W&B reads them
        return flags() if callable(flags) else vars(value)
    return validate_json_object(value, what)  # refuses it, naming the value


class _Values(Mapping[str, Any]):
    """What config and summary share: a dict read by item or attribute, written through
    ``persist`` after every change."""

    _what = "values"

    def __init__(self, items: Mapping[str, Any],
                 persist: Callable[[dict[str, Any]], None] | None = None) -> None:
        object.__setattr__(self, "_items", dict(items))
        object.__setattr__(self, "_persist", persist)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(self._items)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._items[key]
        except KeyError:
            raise AttributeError(f"{self._what} has no key {key!r}") from None

    def __delitem__(self, key: str) -> None:
        del self._items[key]
        self._save()

    __delattr__ = __delitem__

    def as_dict(self) -> dict[str, Any]:
        return dict(self._items)

    def _save(self) -> None:
        if self._persist is not None:
            self._persist(dict(self._items))


class Config(_Values):
    """The run's hyperparameters; ``config.lr`` and ``config["lr"]`` alike."""

    _what = "config"

    def __setitem__(self, key: str, value: Any) -> None:
        self._apply({key: value}, allow_val_change=False)

    __setattr__ = __setitem__

    def update(self, d: object = None, allow_val_change: bool | None = None) -> None:
        self._apply(_as_mapping(d, "config"), allow_val_change=bool(allow_val_change))

    def setdefaults(self, d: object) -> None:
        """Add the keys of ``d`` that the config does not have yet."""
        fresh = {k: v for k, v in _as_mapping(d, "config").items()
                 if self._key(k) not in self._items}
        self._apply(fresh, allow_val_change=False)

    @staticmethod
    def _key(key: object) -> str:
        if not isinstance(key, str):
            validate_json_object({key: None}, "config")  # refuses it, naming the key
        return str(key).strip("-")

    def _apply(self, values: Mapping[str, Any], allow_val_change: bool) -> None:
        if not values:
            return
        changes = validate_json_object({self._key(k): v for k, v in values.items()},
                                       "config")
        if not allow_val_change:
            for key, value in changes.items():
                if key in self._items and self._items[key] != value:
                    raise ConfigError(
                        f"attempted to change config key {key!r} from {self._items[key]!r} "
                        f"to {value!r}; pass allow_val_change=True to config.update() to "
                        "change it")
        self._items.update(changes)
        self._save()


class Summary(_Values):
    """The run's summary: by default each logged key's last value; assign to override."""

    _what = "summary"

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    __setattr__ = __setitem__

    def update(self, d: Mapping[str, Any]) -> None:
        from lineage_desktop.sdk.history import history_values

        self._items.update(history_values(d, "summary"))
        self._save()

    def _merge_logged(self, values: Mapping[str, Any]) -> None:
        """A committed step's values become the summary's (written with the step)."""
        self._items.update(values)

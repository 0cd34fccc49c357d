"""``records.models`` writes the methods ``@dataclass`` would write (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``: compiling them was most of the module's import,
issue 12): each record behaves as the dataclass of the same fields made with every
method."""
from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from lineage_desktop.records import models

RECORDS = [models.Project, models.Run, models.ManifestEntry, models.ArtifactVersion,
           models.ArtifactCollection, models.Usage, models.FileCheck]


def reference(record: type) -> type:
    """The same fields, made by ``@dataclass(frozen=True, slots=True)`` with every method."""
    made = [(f.name, f.type, dataclasses.field(default=f.default,
                                               default_factory=f.default_factory))
            for f in dataclasses.fields(record)]
    return dataclasses.make_dataclass(record.__name__, made, frozen=True, slots=True)


def sample(record: type, seed: int) -> dict[str, Any]:
    """Values for the fields: every required one, and every other optional one."""
    values: dict[str, Any] = {}
    for i, f in enumerate(dataclasses.fields(record)):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required or (i + seed) % 2:
            values[f.name] = ({"k": [seed]} if f.type.startswith("dict") else
                              (str(seed),) if f.type.startswith("tuple") else
                              seed + i if f.type.startswith("int") else f"{f.name}'{seed}")
    return values


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
def test_a_record_is_made_as_its_dataclass(record):
    twin = reference(record)
    described = [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.compare)
                 for f in dataclasses.fields(record)]
    assert described == [(f.name, f.type, f.default, f.default_factory, f.init, f.repr,
                          f.compare) for f in dataclasses.fields(twin)]
    assert list(map(str, inspect.signature(record).parameters.values())) \
        == list(map(str, inspect.signature(twin).parameters.values()))  # names, defaults
    assert record.__match_args__ == twin.__match_args__
    assert record.__slots__ == twin.__slots__
    assert record.__dataclass_params__.frozen and dataclasses.is_dataclass(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_record_behaves_as_its_dataclass(record, seed):
    twin = reference(record)
    values = sample(record, seed)
    mine, theirs = record(**values), twin(**values)
    assert repr(mine) == repr(theirs).replace(f"types.{record.__name__}", record.__name__)
    assert mine == record(**values)
    assert (mine != record(**values)) is False
    assert mine != record(**sample(record, seed + 2))
    assert mine != theirs and mine.__eq__(theirs) is NotImplemented  # another class
    if not any(isinstance(value, dict) for value in dataclasses.astuple(mine)):
        assert hash(mine) == hash(theirs) == hash(record(**values))
    assert dataclasses.asdict(mine) == dataclasses.asdict(theirs)
    assert dataclasses.astuple(mine) == dataclasses.astuple(theirs)
    assert pickle.loads(pickle.dumps(mine)) == mine
    first = dataclasses.fields(record)[0].name
    changed = dataclasses.replace(mine, **{first: values[first] * 2})
    assert getattr(changed, first) == values[first] * 2 and changed != mine
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(mine, first, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(mine, first)
    with pytest.raises((AttributeError, TypeError)):
        mine.not_a_field = 1  # type: ignore[attr-defined]  # slots


def test_each_record_gets_a_dict_of_its_own_and_keeps_what_it_is_given():
    first, second = models.Run("i", "p", "e", "n"), models.Run("i", "p", "e", "n")
    assert first.config == {} and first.config is not second.config
    assert models.ArtifactVersion("n", 0, "t", "p", "e", "d").metadata == {}
    given = {"lr": 0.1}
    assert models.Run("i", "p", "e", "n", config=given).config is given
    with pytest.raises(TypeError):
        hash(first)  # a dict field makes it unhashable, as @dataclass's
    with pytest.raises(TypeError):
        models.Usage("r", 1)  # type: ignore[call-arg]


def test_a_record_holding_itself_repr_does_not_recurse():
    entry = models.Run("i", "p", "e", "n", config={})
    entry.config["self"] = entry
    assert "config={'self': ...}" in repr(entry)

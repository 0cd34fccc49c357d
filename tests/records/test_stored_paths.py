"""``validate_stored_path`` recognises a path in normal form in one search: it accepts
and refuses exactly what normalising the path (``validate_entry_path``) decides."""
from __future__ import annotations

import pytest

from lineage_desktop.records.errors import InvalidEntryPath
from lineage_desktop.records.validation import validate_entry_path, validate_stored_path

NAMES = [
    "", " ", "\t", "\n", "/a", "a//b", "a/", "./a", "a/.", "a/./b", "../a", "a/..", "a/../b",
    "..", ".", "a\\b", "a\x00b", "C:/x", "c:/x", "a:/b", "C:x", "a/ /b", " a", "a.", ".a",
    "..a", "a/..b", "a/b.", "x/...", "...", "dir/file.txt", "\u00e4/\u00fc", "a\nb", "a/.\n",
    "a/\n", "<b>x</b>", "\x1b[31mred", "a/b/c/d.parquet", 3, None, b"a",
]


def _normalised(name):
    try:
        normal = validate_entry_path(name)
    except InvalidEntryPath:
        return None
    return normal if normal == name else None


@pytest.mark.parametrize("name", NAMES)
def test_stored_paths_are_judged_as_normalising_them_would(name):
    expected = _normalised(name)
    if expected is None:
        with pytest.raises(InvalidEntryPath):
            validate_stored_path(name)
    else:
        assert validate_stored_path(name) == expected

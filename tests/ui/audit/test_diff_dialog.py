"""DiffDialog: exact files, metadata and lineage changes between two versions."""
from __future__ import annotations

from lineage_desktop.ui.audit import DiffDialog, api_factory


def _two_models(built):
    built.step("retrain", ["clean:latest"], [("model", "model")],
               metadata={"auc": 0.9, "params": {"depth": 6}, "html": "<b>bold</b>"},
               files={"f.txt": "model by train", "weights.bin": "w"})
    built.step("retrain2", ["raw:latest"], [("model", "model")],
               metadata={"auc": 0.93, "params": {"depth": 8}, "note": "x",
                         "html": "<b>bold</b>"},
               files={"f.txt": "changed", "extra.txt": "e"})


def _open(qtbot, built, a=None, b=None):
    dialog = DiffDialog(api_factory(str(built.path)), "model", a, b)
    qtbot.addWidget(dialog)
    return dialog


def test_lists_exact_changes(qtbot, built, artifacts_dir):
    _two_models(built)
    dialog = _open(qtbot, built)
    # Versions and the diff load in the background; the answer arrives through the loop.
    with qtbot.waitSignal(dialog.diff_ready, timeout=10_000) as ready:
        pass
    diff = ready.args[0]
    assert (diff.a, diff.b) == ("model:v1", "model:v2")  # default: the two newest
    assert [dialog.combo_a.itemText(i).split(" ")[0] for i in range(3)] == ["v2", "v1", "v0"]
    files = dialog.rows(dialog.files_table)
    assert [(r[0], r[1]) for r in files] == [("added", "extra.txt"), ("removed", "weights.bin"),
                                             ("changed", "f.txt")]
    changed = files[2]
    assert (changed[2], changed[3]) == ("14 B", "7 B")  # "model by train" -> "changed"
    assert changed[4] == diff.files_changed[0].old_digest and len(changed[5]) == 64
    assert dialog.rows(dialog.metadata_table) == [
        ("added", "note", "", '"x"'),
        ("changed", "auc", "0.9", "0.93"),
        ("changed", "params.depth", "6", "8"),
    ]
    inputs = dialog.rows(dialog.inputs_table)
    assert inputs[0] == ("only in A", "clean:v0", "clean:v0", "")
    assert inputs[-1][:2] == ("producer", "logged by run")
    assert [dialog.tabs.tabText(i) for i in range(3)] == ["Files (3)", "Metadata (3)",
                                                         "Lineage (2)"]
    assert dialog.summary.text() == ("model:v1 → model:v2: 3 files, 3 metadata keys and 1 "
                                     "upstream input differ.")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(artifacts_dir / "ui_audit_diff_dialog.png"))
    dialog.tabs.setCurrentIndex(2)
    dialog.grab().save(str(artifacts_dir / "ui_audit_diff_dialog_lineage.png"))
    with qtbot.waitSignal(dialog.diff_ready, timeout=10_000) as swapped:
        dialog.swap_button.click()
    assert (swapped.args[0].a, swapped.args[0].b) == ("model:v2", "model:v1")
    assert [(r[0], r[1]) for r in dialog.rows(dialog.files_table)] == [
        ("added", "weights.bin"), ("removed", "extra.txt"), ("changed", "f.txt")]
    dialog.reject()


def test_preselected_versions_and_identical(qtbot, built):
    _two_models(built)
    dialog = _open(qtbot, built, "model:v0", "v2")
    with qtbot.waitSignal(dialog.diff_ready, timeout=10_000) as ready:
        pass
    assert (ready.args[0].a, ready.args[0].b) == ("model:v0", "model:v2")
    assert dialog.combo_a.currentText().startswith("v0")
    with qtbot.waitSignal(dialog.diff_ready, timeout=10_000) as same:
        dialog.select("v1", "v1")
    assert same.args[0].identical
    assert dialog.summary.text() == ("model:v1 → model:v1: identical content, metadata and "
                                     "inputs.")
    assert dialog.rows(dialog.files_table) == []


def test_markup_in_values_is_shown_literally(qtbot, built):
    built.step("retrain", ["clean:latest"], [("model", "model")],
               metadata={"note": "<b>bold</b><img src=x>"})
    dialog = _open(qtbot, built)
    with qtbot.waitSignal(dialog.diff_ready, timeout=10_000):
        pass
    assert dialog.rows(dialog.metadata_table) == [
        ("added", "note", "", '"<b>bold</b><img src=x>"')]


def test_single_version_and_unreadable_store(qtbot, built, tmp_path):
    dialog = _open(qtbot, built)
    with qtbot.waitSignal(dialog.versions_loaded, timeout=10_000):
        pass
    assert dialog.summary.text() == "model has only 1 version: nothing to compare."
    assert not dialog.combo_a.isEnabled()
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"x" * 4096)
    broken = DiffDialog(api_factory(str(bogus)), "model")
    qtbot.addWidget(broken)
    with qtbot.waitSignal(broken.failed, timeout=10_000) as failed:
        pass
    assert broken.summary.text().startswith("Could not compare: ")
    assert "\n" not in failed.args[0]


def test_one_version_given_compares_it_with_the_one_before(qtbot, built):
    _two_models(built)
    for given, expected in (("model:v1", ("model:v0", "model:v1")),
                            ("v0", ("model:v0", "model:v1")),
                            ("v2", ("model:v1", "model:v2"))):
        dialog = _open(qtbot, built, given)
        with qtbot.waitSignal(dialog.diff_ready, timeout=10_000) as ready:
            pass
        assert (ready.args[0].a, ready.args[0].b) == expected, given
        dialog.reject()

"""The run preview shows the run's config and summary as plain key -> value rows."""
from __future__ import annotations

from PySide6.QtCore import Qt
from window_helpers import item_point

import lineage_desktop as ld
from lineage_desktop.ui.panels.key_values import KeyValueTable

HOSTILE = "<b>bold</b>\x1b[31m"


def _store(path):
    with ld.init(project="p", name="train-run", job_type="train", store=path,
                 config={"lr": 0.001, "opt": {"name": "adam"}, HOSTILE: HOSTILE}) as run:
        run.log({"loss": 0.25})
        run.summary["best"] = 0.9
        run.summary["nested"] = {HOSTILE: 1 / 3}
        data = ld.Artifact("data", "dataset")
        with data.new_file("d.txt") as handle:
            handle.write("x")
        run.log_artifact(data)
        train = run.id
    with ld.init(project="p", name="eval-run", job_type="eval", store=path,
                 config={"batch": 64}) as run:
        run.use_artifact("data:latest")
        run.summary["acc"] = 0.123456789
        run.summary["long"] = "y" * 500
        run.summary["diverged"] = float("nan")
        evaluate = run.id
    return {"train-run": f"run:{train}", "eval-run": f"run:{evaluate}"}


def _click(window, qtbot, key):
    scene, view = window.scene(), window.view
    item = scene.node_item(key)
    view.centerOn(item)
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))


def _table(window, name):
    return window.preview.details.findChild(KeyValueTable, f"preview_{name}")


def test_run_preview_shows_config_and_summary(window, tmp_path, qtbot):
    path = tmp_path / "runs.db"
    runs = _store(path)
    assert window.open_store(path)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("data:v0")

    _click(window, qtbot, runs["train-run"])
    config, summary = _table(window, "config"), _table(window, "summary")
    escaped = "<b>bold</b>\\x1b[31m"  # markup literal, the escape code made visible
    assert config.rows() == sorted([("lr", "0.001"), ("opt.name", "adam"), (escaped, escaped)])
    assert ("best", "0.9") in summary.rows() and ("loss", "0.25") in summary.rows()
    assert (f"nested.{escaped}", "0.333333") in summary.rows()
    assert config.isVisibleTo(window) and summary.isVisibleTo(window)
    # Table cells never interpret markup; the tooltip escapes it.
    row = [config.item(r, 0).text() for r in range(config.rowCount())].index(escaped)
    assert "&lt;b&gt;" in config.item(row, 1).toolTip()
    assert "\x1b" not in window.preview.field_text("summary")
    window.grab().save("/tmp/preview_check.png")

    _click(window, qtbot, runs["eval-run"])
    assert window.preview.field_text("name") == "eval-run"
    assert config.rows() == [("batch", "64")]
    assert ("acc", "0.123457") in summary.rows()
    assert ("diverged", "nan") in summary.rows()  # the stored marker read back as logged
    keys = [summary.item(r, 0).text() for r in range(summary.rowCount())]
    long_cell = summary.item(keys.index("long"), 1)
    assert len(long_cell.text()) < 100 and long_cell.text().endswith("…")
    assert "y" * 500 in long_cell.toolTip()
    assert "best" not in window.preview.field_text("summary")


def test_a_run_without_summary_hides_the_section(window, tmp_path, qtbot):
    path = tmp_path / "plain.db"
    with ld.init(project="p", name="bare", store=path) as run:
        data = ld.Artifact("data", "dataset")
        with data.new_file("d.txt") as handle:
            handle.write("x")
        run.log_artifact(data)
        key = f"run:{run.id}"
    assert window.open_store(path)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("data:v0")
    _click(window, qtbot, key)
    assert _table(window, "summary").rowCount() == 0
    assert not _table(window, "summary").isVisibleTo(window)
    assert not _table(window, "config").isVisibleTo(window)

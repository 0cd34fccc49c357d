"""``lineage-desktop report``: a self-contained HTML file with the graph as inline SVG,
every node's details (escaped), integrity results and raw data paths."""
from __future__ import annotations

import subprocess
import sys
import time

from lineage_desktop.cli.main import main
from lineage_desktop.store import utc_now


def _svg(html: str) -> str:
    return html[html.index("<svg"):html.index("</svg>") + 6]


def test_report_with_integrity_escaped_text_and_svg(built, tmp_path, capsys):
    built.step("notes", ["model:latest"], [("review", "report")],
               description="<img src=x onerror=alert(1)> & <b>")
    built.tamper("clean")
    target = tmp_path / "audit.html"
    assert main(["report", str(built.path), "model", "-o", str(target)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {target} (" in err and "1 of 6 versions compromised" in err
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    # Every node's details, escaped.
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;" in html
    assert "<img src=x" not in html and "<b>" not in html
    for key in ("artifact:raw:v0", "artifact:labels:v0", "artifact:clean:v0",
                "artifact:model:v0", "artifact:report:v0", "artifact:review:v0",
                built.runs["train"], built.runs["notes"]):
        assert f"<p class='muted'>{key}</p>" in html
    # Integrity results.
    assert "1 of 6 versions do not match their digests" in html
    assert "clean:v0</td><td>f.txt</td><td class='bad'>changed" in html
    assert "clean:v0 <span class='bad'>[compromised]" in html
    assert "model:v0 <span class='warn'>[tainted]" in html
    # Paths from the raw datasets.
    assert "raw:v0 → prep → clean:v0 → train → model:v0" in html
    assert "labels:v0 → train → model:v0" in html
    # The graph, drawn by the window's scene code, inline.
    svg = _svg(html)
    assert "model:v0" in svg and "clean:v0" in svg and "<path" in svg
    assert "http" not in html.replace("http://www.w3.org", "")  # no external resources


def test_no_verify_depths_and_as_of(built, tmp_path):
    target = tmp_path / "a.html"
    assert main(["report", str(built.path), "clean", "-o", str(target), "--no-verify",
                 "--upstream", "0", "--downstream", "2"]) == 0
    html = target.read_text(encoding="utf-8")
    assert "Integrity was not checked." in html and "[not checked]" in html
    assert "artifact:raw:v0</p>" not in html  # --upstream 0
    assert "artifact:model:v0</p>" in html and "artifact:report:v0</p>" not in html
    assert "No upstream raw data recorded." in html
    moment = utc_now()
    time.sleep(0.01)
    built.step("late", ["model:latest"], [("late-report", "report")])
    assert main(["report", str(built.path), "model", "-o", str(target),
                 "--as-of", moment]) == 0
    html = target.read_text(encoding="utf-8")
    assert f" as of {moment}" in html
    assert built.runs["late"] not in html and "late-report" not in html
    assert main(["report", str(built.path), "model", "-o", str(target)]) == 0
    assert built.runs["late"] in target.read_text(encoding="utf-8")


def test_report_of_a_run(built, tmp_path):
    target = tmp_path / "run.html"
    assert main(["report", str(built.path), built.runs["train"], "-o", str(target)]) == 0
    html = target.read_text(encoding="utf-8")
    assert "<title>Lineage audit: train</title>" in html
    assert "All 5 artifact versions match their recorded digests." in html


def test_errors_are_one_line_with_status_2(built, tmp_path):
    cases = [
        ["report", str(built.path), "nosuch", "-o", str(tmp_path / "x.html")],
        ["report", str(tmp_path / "missing.db"), "model", "-o", str(tmp_path / "x.html")],
        ["report", str(built.path), "model", "-o", str(tmp_path / "no" / "x.html")],
        ["report", str(built.path), "model", "-o", str(tmp_path / "x.html"), "--as-of", "soon"],
        ["report", str(built.path), "model", "-o", str(tmp_path / "x.html"), "--upstream", "-1"],
        ["report", str(built.path), "model"],
    ]
    for args in cases:
        done = subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "missing.db").exists()
    assert not (tmp_path / "x.html").exists()


def test_report_of_an_all_remote_lineage_does_not_say_all_match(tmp_path, capsys):
    """Nothing re-hashed (every file an s3:// reference): the report says so, and each
    version is ``[unchecked]``, never "All ... match"."""
    import lineage_desktop as ld
    from lineage_desktop.cli.main import main

    store = tmp_path / "s3.db"
    with ld.init(project="p", store=store) as run:
        data = ld.Artifact("data", "dataset")
        data.add_reference("s3://bucket/data.csv", checksum=False)
        run.log_artifact(data)
    target = tmp_path / "audit.html"
    assert main(["report", str(store), "data", "-o", str(target)]) == 0
    assert "no mismatch in 1 version, but only 0 of 1 file re-hashed" in \
        capsys.readouterr().err
    html = target.read_text(encoding="utf-8")
    assert "match their recorded digests" not in html
    assert ("Checked 0 files of 1 version (this lineage, 1 of 1 version); 1 not checked: "
            "remote reference (s3://) that cannot be fetched offline; 0 matching; "
            "0 mismatching.") in html
    assert "data:v0 <span class='muted'>[unchecked]" in html

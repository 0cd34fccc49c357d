"""impact and diff on the command line: output, JSON, CSV and exit statuses."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from lineage_desktop.cli.main import main


def test_impact_text_json_csv(built, capsys, tmp_path):
    assert main(["impact", str(built.path), "clean"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("6 nodes downstream of clean")
    assert "report" in out and "side" in out
    assert main(["impact", str(built.path), "clean:v0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 6
    assert {r["key"] for r in data["rows"]} >= {"artifact:model:v0", built.runs["eval"]}
    target = tmp_path / "impact.csv"
    assert main(["impact", str(built.path), built.runs["prep"], "--csv", "-o", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert {r["key"] for r in rows} >= {"artifact:clean:v0", "artifact:report:v0"}


def test_diff_text_and_json(built, capsys):
    built.step("again", ["raw:latest"], [("clean", "dataset")], metadata={"rows": 5},
               files={"f.txt": "other"})
    assert main(["diff", str(built.path), "clean:v0", "clean:v1"]) == 0
    out = capsys.readouterr().out
    assert "clean:v0 -> clean:v1: differ" in out
    assert "~ f.txt" in out and "+ rows = 5" in out
    assert main(["diff", str(built.path), "clean:v0", "clean:v0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["identical"] is True


def test_errors_are_one_line_with_status_2(built, tmp_path):
    for args in (["impact", str(built.path), "nosuch"],
                 ["diff", str(built.path), "clean:v0", "clean:v9"],
                 ["impact", str(tmp_path / "absent.db"), "clean"]):
        result = subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", *args],
                                capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_mistyped_command_and_broken_pipe():
    result = subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", "exprot", "x"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lineage-desktop: error: unknown command 'exprot'; did you mean 'export'? "
        "(see lineage-desktop --help)"]


def test_output_cut_short_by_reader_is_not_an_error(built):
    proc = subprocess.Popen(
        f"{sys.executable} -m lineage_desktop.cli.main impact {built.path} raw --json | head -c 10",
        shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_verify_reports_what_is_downstream_of_tampered_content(built, capsys):
    built.tamper("clean")
    assert main(["verify", str(built.path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["compromised"] == ["artifact:clean:v0"]
    assert set(data["tainted"]) == {built.runs["train"], built.runs["fan"], built.runs["eval"],
                                    "artifact:model:v0", "artifact:side:v0",
                                    "artifact:report:v0"}
    assert main(["verify", str(built.path)]) == 1
    out = capsys.readouterr().out
    assert "downstream of compromised content (6)" in out and "artifact:report:v0" in out


"""An exported SVG parses as XML whatever text the store holds (run names are free text)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import lineage_desktop as ld
from lineage_desktop.cli.main import main


def test_svg_of_a_run_named_with_noncharacters_parses(tmp_path):
    store = tmp_path / "s.db"
    odd = "train \ufffe\uffff <b>&amp;\x1b[31m"
    with ld.init(project="p", store=store, name=odd, job_type="train") as run:
        artifact = ld.Artifact("data", "dataset", description="<script>\ufffe</script>")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(artifact)
    from lineage_desktop.sdk import stores

    stores._close_all()
    target = tmp_path / "g.svg"
    assert main(["export", str(store), "data:v0", "-o", str(target)]) == 0
    root = ET.parse(target).getroot()
    text = "".join(root.itertext())
    assert "train" in text and "\ufffe" not in text

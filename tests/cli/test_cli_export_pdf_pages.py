"""``export --format pdf``: A4 or Letter pages (landscape or portrait), several pages for a
graph too large to read on one, ``--page-size fit`` for one page the graph's size. The
pages are read back from the written file (/MediaBox and the text of each page)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cli_readers import pdf_pages

from lineage_desktop.graph.pages import MARGIN_PT, OVERLAP_PT, PAPER_SIZES

A4 = PAPER_SIZES["a4"]
LETTER = PAPER_SIZES["letter"]


def _pages(cli, store: Path, ref: str, out: Path, *extra: object):
    status, _stdout, stderr = cli("export", store, ref, "-o", out, *extra)
    assert status == 0, stderr
    return pdf_pages(out), stderr


def _words(text: str) -> str:
    return " ".join(text.split())


def _labels(page) -> list[str]:
    return [_words(t) for t in page.texts if _words(t).startswith("page ")]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    from lineage_desktop.cli.main import main

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", str(path), "--runs", "400"]) == 0
    return path


def test_a_small_lineage_is_one_a4_page_by_default(cli, lineage, tmp_path):
    pages, stderr = _pages(cli, lineage.store, "model:v0", tmp_path / "l.pdf",
                           "--upstream", "1", "--downstream", "1")
    assert len(pages) == 1
    assert (pages[0].width, pages[0].height) == (A4[1], A4[0])  # landscape: wider graph
    assert "train" in {_words(t) for t in pages[0].texts}
    assert _labels(pages[0]) == []  # no page label on a single page
    assert "1 page of A4 landscape" in stderr


def test_portrait_and_letter_are_honoured(cli, lineage, tmp_path):
    pages, stderr = _pages(cli, lineage.store, "model:v0", tmp_path / "p.pdf",
                           "--upstream", "1", "--downstream", "1",
                           "--page-size", "LETTER", "--portrait")
    assert [(p.width, p.height) for p in pages] == [LETTER]
    assert "of Letter portrait" in stderr
    pages, _ = _pages(cli, lineage.store, "model:v0", tmp_path / "l.pdf",
                      "--upstream", "1", "--downstream", "1",
                      "--page-size", "letter", "--landscape")
    assert [(p.width, p.height) for p in pages] == [(LETTER[1], LETTER[0])]


def test_a_wide_demo_lineage_tiles_into_labelled_pages(cli, demo_store, tmp_path):
    pages, stderr = _pages(cli, demo_store, "holiday-calendar:v0", tmp_path / "wide.pdf",
                           "--no-clusters", "--format", "pdf")
    assert len(pages) >= 4
    assert {(p.width, p.height) for p in pages} == {(A4[1], A4[0])}
    count = len(pages)
    labels = [_labels(p) for p in pages]
    assert labels[0] == [f"page 1 of {count}, row 1 col 1"]
    assert labels[1] == [f"page 2 of {count}, row 1 col 2"]
    assert all(len(found) == 1 and found[0].startswith(f"page {n} of {count}, row ")
               for n, found in enumerate(labels, start=1))
    assert f"{count} pages (" in stderr
    # Each page carries only the labels it shows, and together they show every node.
    names = [{_words(t) for t in p.texts} for p in pages]
    assert all(len(n) < len(set().union(*names)) for n in names)
    assert "holiday-calendar:v0" in set().union(*names)


def test_landscape_or_portrait_swaps_the_tiled_pages(cli, demo_store, tmp_path):
    tall, _ = _pages(cli, demo_store, "holiday-calendar:v0", tmp_path / "tall.pdf",
                     "--no-clusters", "--portrait")
    wide, _ = _pages(cli, demo_store, "holiday-calendar:v0", tmp_path / "wide.pdf",
                     "--no-clusters", "--landscape")
    assert {(p.width, p.height) for p in tall} == {A4}
    assert {(p.width, p.height) for p in wide} == {(A4[1], A4[0])}


def test_fit_is_one_page_of_the_graphs_size(cli, demo_store, tmp_path):
    pages, stderr = _pages(cli, demo_store, "holiday-calendar:v0", tmp_path / "fit.pdf",
                           "--no-clusters", "--page-size", "fit")
    assert len(pages) == 1
    assert pages[0].width > 2 * A4[1] and pages[0].height > 2 * A4[1]
    assert "points" in stderr


def test_page_options_need_pdf_and_known_names(cli, lineage, tmp_path):
    status, _, stderr = cli("export", lineage.store, "model:v0", "-o", tmp_path / "x.png",
                            "--landscape")
    assert status == 2 and "for PDF output" in stderr
    status, _, stderr = cli("export", lineage.store, "model:v0", "-o", tmp_path / "x.pdf",
                            "--page-size", "a3")
    assert status == 2 and "a3" in stderr and "letter" in stderr
    status, _, stderr = cli("export", lineage.store, "model:v0", "-o", tmp_path / "x.pdf",
                            "--landscape", "--portrait")
    assert status == 2 and "not allowed with" in stderr
    assert not list(tmp_path.glob("x.*"))


def test_help_documents_pages(cli):
    status, stdout, _ = cli("export", "--help")
    assert status == 0
    text = " ".join(stdout.split())
    assert "--page-size a4|letter|fit" in text and "--landscape" in text
    assert "page 2 of 6, row 1 col 2" in text and "fewer pages" in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) missing; "
                    "scripts/ensure-system-deps.sh installs it")
def test_neighbouring_pages_repeat_the_strip_at_their_cut(cli, demo_store, tmp_path):
    """Rendered by poppler at 72 dpi (1 pixel = 1 point): the last quarter inch of page 1's
    printable area is the first quarter inch of page 2, and the margins stay empty."""
    from PySide6.QtGui import QImage

    out = tmp_path / "cut.pdf"
    pages, _ = _pages(cli, demo_store, "holiday-calendar:v0", out, "--no-clusters",
                      "--landscape", "--dark")
    assert len(pages) >= 2
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "2", "-png", str(out),
                    str(tmp_path / "p")], check=True)
    first, second = (QImage(str(p)) for p in sorted(tmp_path.glob("p-*.png")))
    width, height = first.width(), first.height()
    margin, overlap = round(MARGIN_PT), round(OVERLAP_PT)
    right = width - margin  # where page 1's printable area ends
    rows = range(margin + 2, height - margin - 2)

    def column(image, x):
        return [image.pixelColor(x, y).lightness() for y in rows]

    background = first.pixelColor(2, 2).lightness()
    drawn = mismatched = 0
    for offset in range(1, overlap - 1):
        a, b = column(first, right - overlap + offset), column(second, margin + offset)
        for p, q in zip(a, b):
            if abs(p - background) > 40 or abs(q - background) > 40:
                drawn += 1
                mismatched += abs(p - q) > 40
    assert drawn > 40  # edges or cards cross the cut: the strip is not empty
    assert mismatched <= drawn // 20  # and both pages show the same there
    for x in range(right + 3, width):  # page 1's right margin: nothing of the graph
        assert {abs(first.pixelColor(x, y).lightness() - background) < 8 for y in rows} \
            == {True}

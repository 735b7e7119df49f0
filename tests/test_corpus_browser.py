"""The corpus run's index.html in a real headless Chromium, like the comparison report.

The page of the shared corpus run (conftest: `corpus_run`) must show one row per match with
working links to the pair reports, and the browser must log nothing; a copy whose title holds a
`<script>` must show it as text without running it; a screenshot must show a real page.
Skips when Chromium is missing, except under CI (CI=1), where that is a failure.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from test_report_browser import (
    PAYLOAD,
    chromium,  # noqa: F401 - the fixture
    console_messages,
    dom_title,
    png_rows,
    run_chromium,
)

from xlcompare.corpus.index_html import render_page

pytestmark = pytest.mark.browser


def test_index_lists_stories_with_working_links(chromium, corpus_run, tmp_path):  # noqa: F811
    result, outdir = corpus_run
    index = outdir / "index.html"
    run = run_chromium(chromium, tmp_path / "profile", index.as_uri(), "--dump-dom")
    dom = run.stdout
    assert dom_title(dom).startswith("xlcompare corpus:")
    rows = re.findall(r'<tr class="story(?:-start)?" id="match-(\d+)"', dom)
    assert [int(r) for r in rows] == list(range(len(result.matches))) and rows
    links = re.findall(r'<a href="([^"]+)">comparison</a>', dom)
    assert len(links) == len(result.matches)
    for link in links:
        target = Path(unquote(urlparse(index.as_uri() + "/../" + link).path)).resolve()
        assert target.is_file() and target.suffix == ".html"
    for article in result.unmatched("left") + result.unmatched("right"):
        assert article.id in dom
    assert "empty.txt" in dom and 'dir="rtl"' in dom
    assert console_messages(run.stderr) == []


def test_index_shows_a_planted_script_as_text(chromium, corpus_run, tmp_path):  # noqa: F811
    result, _ = corpus_run
    planted = copy.deepcopy(result)
    planted.matches[0].left.title = f"बाढ़ {PAYLOAD}"
    page = tmp_path / "index.html"
    page.write_text(render_page(planted), encoding="utf-8")
    run = run_chromium(chromium, tmp_path / "profile", page.as_uri(), "--dump-dom")
    assert dom_title(run.stdout) != "PWNED"
    assert "<script" not in run.stdout.lower()
    assert "&lt;script&gt;document.title=" in run.stdout
    assert console_messages(run.stderr) == []


def test_index_screenshot_shows_a_page(chromium, corpus_run, tmp_path):  # noqa: F811
    _, outdir = corpus_run
    shot = tmp_path / "index.png"
    run_chromium(chromium, tmp_path / "profile", (outdir / "index.html").as_uri(),
                 f"--screenshot={shot}", "--window-size=1280,1200")
    width, height, rows = png_rows(shot.read_bytes())
    assert (width, height) == (1280, 1200)
    assert len(set(rows)) > 150

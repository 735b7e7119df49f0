"""The HTML comparison report in a real headless Chromium (Debian package `chromium`).

The report of the two seeds, with a `<script>` planted in the Hindi article, is loaded from
disk: the rendered DOM must hold its rows, the planted script must not run, the browser must
log nothing (no script error, no blocked load), and a screenshot must show a real page.
Skips when Chromium is missing, except under CI (CI=1), where that is a failure.
Set XLCOMPARE_KEEP_SCREENSHOT=/some/file.png to keep the screenshot.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
PAYLOAD = '<script>document.title="PWNED"</script>'
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        message = "headless Chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it")
        pytest.skip(message)
    return path


def run_chromium(chromium: str, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *args, url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def console_messages(stderr: str) -> list[str]:
    # With --enable-logging, every console message (script errors, blocked loads) is logged.
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def dom_title(dom: str) -> str:
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert match, "no <title> in the rendered DOM"
    return html.unescape(match.group(1))


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory, embedder):
    """The seeds' comparison (untranslated) with PAYLOAD planted in the Hindi article."""
    from xlcompare.article import load_article
    from xlcompare.comparison import compare_articles
    from xlcompare.report import comparison_renderer
    from xlcompare.segments import segment_article
    from xlcompare.translation.model import TranslatedArticle

    hindi = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
    persian = SEEDS / "fa_tajikistan_denies_chinese_base.txt"
    if not hindi.exists() or not persian.exists():
        pytest.skip(f"seed articles missing from {SEEDS}")
    folder = tmp_path_factory.mktemp("browser")
    lines = hindi.read_text(encoding="utf-8").split("\n")
    lines.insert(2, f"मंत्री ने कहा {PAYLOAD} और बैठक समाप्त हुई।")
    planted = folder / hindi.name
    planted.write_text("\n".join(lines), encoding="utf-8")

    sides = []
    for path, language in ((planted, "hi"), (persian, "fa")):
        article = load_article(path, language=language)
        sides.append(TranslatedArticle(article, segment_article(article), {}))
    assert any(PAYLOAD in s.text and not s.boilerplate for s in sides[0].segments), "payload must be article text"
    comparison = compare_articles(sides[0], sides[1], embedder=embedder)
    report = folder / "seeds.html"
    report.write_text(comparison_renderer("html")(comparison), encoding="utf-8")
    return comparison, report


def test_control_chromium_runs_an_unescaped_script(chromium, tmp_path):
    # Without this, "the planted script did not run" could mean "scripts never run here".
    page = tmp_path / "raw.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>before</title></head><body>{PAYLOAD}</body></html>")
    result = run_chromium(chromium, tmp_path / "profile", page.as_uri(), "--dump-dom")
    assert dom_title(result.stdout) == "PWNED"


def test_report_renders_rows_and_runs_nothing(chromium, seed_report, tmp_path):
    comparison, report = seed_report
    written_title = html.unescape(re.search(r"<title>(.*?)</title>", report.read_text(encoding="utf-8"), re.S).group(1))
    result = run_chromium(chromium, tmp_path / "profile", report.as_uri(), "--dump-dom")
    dom = result.stdout
    assert dom_title(dom) == written_title != "PWNED"
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;document.title=" in dom  # the payload is shown as text
    rows = re.findall(r'<tr class="row (match|related|unique-left|unique-right)"', dom)
    assert len(rows) == len(comparison.rows()) > 0
    content = [sum(not s.boilerplate for s in side.segments) for side in (comparison.left, comparison.right)]
    assert len(rows) >= max(content)
    assert 'dir="rtl"' in dom and 'id="themes"' in dom and 'id="signature"' in dom
    assert console_messages(result.stderr) == []


def png_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the (still filtered) scanlines of a PNG, with the stdlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, width, height, bytes_per_pixel = 8, b"", 0, 0, 4
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            bytes_per_pixel = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour, 4) * max(1, depth // 8)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * bytes_per_pixel
    return width, height, [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]


def test_report_screenshot_shows_a_page(chromium, seed_report, tmp_path):
    _, report = seed_report
    shot = tmp_path / "report.png"
    run_chromium(chromium, tmp_path / "profile", report.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.exists()
    data = shot.read_bytes()
    keep = os.environ.get("XLCOMPARE_KEEP_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)
    width, height, rows = png_rows(data)
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000
    # A blank or uniform page has a handful of distinct scanlines; text has hundreds.
    assert len(set(rows)) > 200

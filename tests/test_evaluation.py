"""BLEU/chrF scoring: the published FLORES-101 table must reproduce exactly, and the edge cases."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from xlcompare.errors import EncodingError, InputError
from xlcompare.evaluation import flores
from xlcompare.evaluation.scores import (
    EvaluationResult,
    corpus_scores,
    evaluate_files,
    read_lines,
    sentence_chrf,
)

pytest.importorskip("sacrebleu", reason="sacrebleu is the optional [eval] extra")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FLORES = SHARED_DATA / "flores101-dev"
needs_flores = pytest.mark.skipif(
    not (FLORES / "dev.en").is_file(),
    reason=f"external benchmark data absent: {FLORES} (see ../shared/README.md)",
)

# The published table of ../shared/data/README.md: (source language, system label, BLEU, chrF).
PUBLISHED = [
    ("hi", "google", 45.8, 70.3),
    ("hi", "microsoft", 43.9, 67.9),
    ("hi", "nllb-200-distilled-600M", 38.5, 64.1),
    ("hi", "bergamot-tiny", 36.2, 63.2),
    ("hi", "argos", 28.7, 57.7),
    ("hi", "opus-mt-hi-en", 20.1, 46.7),
    ("fa", "google", 42.0, 67.1),
    ("fa", "microsoft", 36.5, 62.7),
    ("fa", "bergamot-tiny", 32.8, 60.6),
]


def _system(source_lang: str, label: str) -> flores.FloresSystem:
    matches = [s for s in flores.list_systems(FLORES, source_lang) if s.label == label]
    assert len(matches) == 1, f"no single output file for {label} ({source_lang}-en)"
    return matches[0]


@needs_flores
@pytest.mark.parametrize(("source_lang", "label", "bleu", "chrf"), PUBLISHED)
def test_published_flores_scores_reproduce(source_lang, label, bleu, chrf):
    result = evaluate_files(_system(source_lang, label).path, FLORES / "dev.en", per_sentence=False)
    assert result.n_segments == 997
    assert round(result.bleu, 1) == bleu
    assert round(result.chrf, 1) == chrf
    assert "tok:13a" in result.bleu_signature and "case:mixed" in result.bleu_signature
    assert "nc:6" in result.chrf_signature and "nw:0" in result.chrf_signature


@needs_flores
def test_published_table_matches_the_data_readme():
    """The table above is copied from the README; fail if either changes without the other."""
    rows = re.findall(
        r"^\| (hi|fa)→en \| (\S+) \| ([\d.]+) \| ([\d.]+) \|$",
        (SHARED_DATA / "README.md").read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert [(lang, label, float(b), float(c)) for lang, label, b, c in rows] == PUBLISHED


@needs_flores
def test_every_flores_output_is_in_the_published_table():
    on_disk = {(s.source_lang, s.label) for s in flores.list_systems(FLORES)}
    assert on_disk == {(lang, label) for lang, label, _, _ in PUBLISHED}


@needs_flores
def test_worst_sentences_are_sorted_and_traceable():
    system = _system("fa", "bergamot-tiny")
    result = evaluate_files(system.path, FLORES / "dev.en")
    worst = result.worst(5)
    assert len(worst) == 5
    assert [w.chrf for w in worst] == sorted(w.chrf for w in worst)
    assert worst[0].chrf == min(result.sentence_chrf)
    hyps, refs = read_lines(system.path), read_lines(FLORES / "dev.en")
    for w in worst:
        assert (w.hypothesis, w.reference) == (hyps[w.index], refs[w.index])


def test_identical_hypothesis_and_reference_score_100():
    lines = ["The minister met the envoy in Dushanbe.", "Both sides agreed to cooperate."]
    result = corpus_scores(lines, lines, per_sentence=True)
    assert result.bleu == pytest.approx(100.0)
    assert result.chrf == pytest.approx(100.0)
    assert result.sentence_chrf == pytest.approx([100.0, 100.0])
    assert result.n_segments == 2


def test_unrelated_hypothesis_scores_far_below_identical():
    refs = ["The minister met the envoy in Dushanbe."]
    result = corpus_scores(["Rain is expected tomorrow across the north."], refs)
    assert result.bleu < 10 and result.chrf < 30


def test_casing_matters_for_bleu_as_in_sacrebleu_defaults():
    refs = ["The minister met the envoy in Dushanbe today."]
    assert corpus_scores([refs[0].upper()], refs).bleu < 100.0


def test_sentence_chrf_orders_better_hypotheses_higher():
    ref = "China's special representative met Tajikistan's deputy foreign minister."
    scores = sentence_chrf(
        [ref, "China's representative met Tajikistan's minister.", "Weather report."], [ref] * 3
    )
    assert scores[0] > scores[1] > scores[2]


@pytest.mark.parametrize(
    ("hyps", "refs"),
    [(["a", "b"], ["a"]), (["a"], ["a", "b"]), ([], ["a"])],
)
def test_mismatched_lengths_raise_input_error(hyps, refs):
    with pytest.raises(InputError, match="lines"):
        corpus_scores(hyps, refs)
    with pytest.raises(InputError):
        sentence_chrf(hyps, refs)


def test_empty_input_raises_input_error():
    with pytest.raises(InputError, match="empty"):
        corpus_scores([], [])


def test_file_line_mismatch_names_both_files_and_counts(tmp_path):
    hyp, ref = tmp_path / "sys.en", tmp_path / "ref.en"
    hyp.write_text("one\ntwo\nthree\n", encoding="utf-8")
    ref.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        evaluate_files(hyp, ref)
    message = str(info.value)
    assert str(hyp) in message and str(ref) in message
    assert "3" in message and "2" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a\nb\n", ["a", "b"]),
        (b"a\nb", ["a", "b"]),
        (b"a\r\nb\r\n", ["a", "b"]),
        (b"\xef\xbb\xbfa\n", ["a"]),  # BOM
        (b"a\n\nb\n", ["a", "", "b"]),  # an empty segment keeps its line
        ("x\u2028y\n".encode(), ["x\u2028y"]),  # LINE SEPARATOR inside a segment
        ("म\u200cن\n".encode(), ["म\u200cن"]),  # ZWNJ survives
        (b"", []),
    ],
)
def test_read_lines_splits_on_lf_only(tmp_path, content, expected):
    path = tmp_path / "lines.txt"
    path.write_bytes(content)
    assert read_lines(path) == expected


def test_read_lines_rejects_non_utf8_naming_the_file(tmp_path):
    path = tmp_path / "cp1256.fa"
    path.write_bytes("سلام\n".encode("cp1256"))
    with pytest.raises(EncodingError, match="cp1256.fa"):
        read_lines(path)


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        evaluate_files(tmp_path / "absent.en", tmp_path / "ref.en")


def test_result_to_dict_is_json_ready(tmp_path):
    import json

    result = corpus_scores(["a cat sat"], ["a cat sat down"], per_sentence=True)
    d = json.loads(json.dumps(result.to_dict()))
    assert set(d) >= {"bleu", "chrf", "bleu_signature", "chrf_signature", "n_segments", "sentences"}
    assert d["sentences"][0]["index"] == 0
    assert "sentences" not in result.to_dict(include_sentences=False)


def test_worst_needs_per_sentence_scores():
    result = corpus_scores(["a cat sat"], ["a cat sat down"])
    assert isinstance(result, EvaluationResult)
    with pytest.raises(ValueError, match="per_sentence"):
        result.worst(1)


def test_missing_sacrebleu_raises_missing_dependency(monkeypatch):
    import sys

    from xlcompare.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "sacrebleu", None)
    monkeypatch.setitem(sys.modules, "sacrebleu.metrics", None)
    with pytest.raises(MissingDependencyError, match=r"\[eval\] extra"):
        corpus_scores(["a"], ["a"])


def test_find_flores_dir_honours_explicit_folder(tmp_path):
    assert flores.find_flores_dir(tmp_path) is None
    with pytest.raises(InputError, match="XLCOMPARE_SHARED_DATA"):
        flores.flores_dir(tmp_path)
    (tmp_path / "flores101-dev").mkdir()
    (tmp_path / "flores101-dev" / "dev.en").write_text("x\n", encoding="utf-8")
    assert flores.find_flores_dir(tmp_path) == tmp_path / "flores101-dev"


class _EchoEngine:
    """Returns its input: the plumbing test below needs output that traces back to its line."""

    name = "echo"
    max_input_tokens = 512

    def count_tokens(self, text, source_lang):
        return len(text.split())

    def translate_batch(self, texts, source_lang, target_lang="en"):
        from xlcompare.translation.engine import EngineOutput

        return [EngineOutput(text=t, output_tokens=len(t.split())) for t in texts]

    def signature(self):
        return {"engine": "echo"}


def test_evaluate_model_translates_each_line_in_order(tmp_path):
    pytest.importorskip("xlcompare.translation.pipeline", reason="translation pipeline not built")
    from xlcompare.evaluation.scores import evaluate_model

    lines = ["First line of the file.", "Second line, different words.", "Third one here."]
    src = tmp_path / "src.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate_model(src, src, _EchoEngine(), "hi")
    # Echoed lines score 100 only if every translation lands on its own line.
    assert result.chrf == pytest.approx(100.0)
    assert [s.index for s in result.sentences] == [0, 1, 2]
    assert result.provenance["engine"] == {"engine": "echo"}
    assert result.provenance["source_lang"] == "hi"

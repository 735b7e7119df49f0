"""`xlcompare corpus`: inputs, the stage store, matching, outputs, resuming, backends.

The end-to-end tests share one untranslated run over the tiny corpus of corpus_fixtures.py
(conftest: `corpus_run`); tests that change something copy its OUTDIR (with its stage store,
so only what the test changes is recomputed).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from corpus_fixtures import (
    BAD_LEFT,
    BAD_RIGHT_LINES,
    FAR_APART_PAIRS,
    GOOD_LEFT,
    GOOD_RIGHT,
    STORY_A,
    TRUE_PAIRS,
    output_files,
    write_left,
)

from xlcompare.corpus import MatchSettings, SideVectors, compare_corpus, match_articles
from xlcompare.corpus.matching import NO_DATE, candidate_pairs, document_vectors
from xlcompare.corpus.sources import list_sources
from xlcompare.corpus.stages import CorpusSettings, read_article, read_key
from xlcompare.corpus.store import StageStore
from xlcompare.errors import InputError

# Runs in this process load the session's embedder instead of their own (conftest.py).
pytestmark = pytest.mark.usefixtures("shared_embedder")

REPO = Path(__file__).resolve().parents[1]


# --- sources --------------------------------------------------------------------------------


def test_folder_lists_articles_recursively_in_order(tmp_path):
    folder = write_left(tmp_path / "left")
    sources = list_sources(folder, "left")
    assert [s.id for s in sources] == sorted(GOOD_LEFT + list(BAD_LEFT))
    assert {s.source_format for s in sources} == {"text", "markdown", "html"}
    assert all(len(s.digest) == 64 and s.path and s.record is None for s in sources)


@pytest.mark.parametrize(
    "line, problem",
    [
        ('{"id": "x", "text": "ok"}', None),
        ('{"id": 7, "html": "<p>ok</p>"}', None),
        ('{"text": "no id"}', "no `id`"),
        ('{"id": "x"}', "no `text`"),
        ('{"id": "x", "text": 5}', "no `text`"),
        ('{"id": "x", "text": "ok", "date": 20240701}', "`date` must be a string"),
        ('[1, 2]', "not a JSON object"),
        ('{"id": "x", "text": "ok"', "not a JSON object"),
    ],
)
def test_jsonl_records_are_checked(tmp_path, line, problem):
    path = tmp_path / "side.jsonl"
    path.write_text(line + "\n\n", encoding="utf-8")
    (source,) = list_sources(path, "right")
    assert source.location == f"{path}:1"
    if problem is None:
        assert source.problem is None and source.id in ("x", "7")
    else:
        assert problem in source.problem and str(path) in source.problem


def test_jsonl_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "side.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', encoding="utf-8")
    first, second = list_sources(path, "left")
    assert first.problem is None
    assert "already used on line 1" in second.problem


def test_an_input_must_be_a_folder_or_jsonl(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="folder of articles"):
        list_sources(tmp_path / "a.txt", "left")
    with pytest.raises(InputError, match="no such folder"):
        list_sources(tmp_path / "missing", "left")


def test_split_lines_reads_one_segment_per_line(tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    (folder / "a.txt").write_text("\n".join(STORY_A["hi"][:2]) + "\nदो वाक्य। एक पंक्ति में।\n", encoding="utf-8")
    (source,) = list_sources(folder, "left")
    lines = read_article(source, CorpusSettings(split="lines"))
    sentences = read_article(source, CorpusSettings(split="sentences"))
    assert len(lines["segments"]) == 3 and len(sentences["segments"]) == 4
    assert read_key(source, CorpusSettings(split="lines")) != read_key(source, CorpusSettings())


def test_encoding_reads_legacy_files(tmp_path):
    folder = write_left(tmp_path / "left")
    legacy = next(s for s in list_sources(folder, "left") if s.id == "legacy.txt")
    assert "Windows-1256" in read_article(legacy, CorpusSettings())["error"]
    record = read_article(legacy, CorpusSettings(encoding="cp1256"))
    assert "error" not in record and record["article"]["language"] == "fa"
    assert read_key(legacy, CorpusSettings(encoding="cp1256")) != read_key(legacy, CorpusSettings())


# --- the stage store ------------------------------------------------------------------------


def test_store_round_trips_and_survives_damage(tmp_path):
    store = StageStore(tmp_path / "store")
    assert store.get_json("read", "ab" * 32) is None and not (tmp_path / "store").exists()
    store.put_json("read", "ab" * 32, {"x": "ताजिकिस्तान"})
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    store.put_arrays("embed", "cd" * 32, {"source": vectors})
    assert store.get_json("read", "ab" * 32) == {"x": "ताजिकिस्तान"}
    assert np.array_equal(store.get_arrays("embed", "cd" * 32)["source"], vectors)
    assert not [p for p in (tmp_path / "store").rglob("*.tmp")]
    store.path("embed", "cd" * 32, "npz").write_bytes(b"truncated")
    store.path("read", "ab" * 32, "json").write_text("{", encoding="utf-8")
    assert store.get_arrays("embed", "cd" * 32) is None
    assert store.get_json("read", "ab" * 32) is None


# --- matching (synthetic vectors) ----------------------------------------------------------


def _planted(n_pairs=6, n_alone=4, size=12, dim=64, shared=8, seed=0, noise=0.35):
    """Random unit sentence vectors; left i and right i (i < n_pairs) share `shared` sentences
    (noisy copies), the rest are unrelated."""
    rng = np.random.default_rng(seed)

    def unit(x):
        return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)

    left = [unit(rng.normal(size=(size, dim))) for _ in range(n_pairs + n_alone)]
    right = [unit(rng.normal(size=(size, dim))) for _ in range(n_pairs + n_alone)]
    for i in range(n_pairs):
        right[i][:shared] = unit(left[i][:shared] + noise * unit(rng.normal(size=(shared, dim))))
    return left, right


def _sides(left, right, left_dates=None, right_dates=None):
    return (SideVectors.from_articles(left, left_dates or [None] * len(left)),
            SideVectors.from_articles(right, right_dates or [None] * len(right)))


def test_planted_pairs_are_found_and_nothing_else():
    left, right = _sides(*_planted())
    found = match_articles(left, right)
    assert {(m.left, m.right) for m in found} == {(i, i) for i in range(6)}
    assert all(m.shared_left >= 6 and 0 < m.score <= 1 for m in found)


def test_a_story_split_in_two_matches_both_halves():
    left, right = _planted(n_pairs=0, n_alone=4)
    # Right 0 and right 1 each carry one half of left 0, with noise (n:m).
    noisy, _ = _planted(n_pairs=0, n_alone=2, seed=5)
    right[0][:6] = left[0][:6] + 0.35 * noisy[0][:6]
    right[1][:6] = left[0][6:12] + 0.35 * noisy[1][:6]
    for vectors in right[:2]:
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = match_articles(*_sides(left, right))
    assert {(m.left, m.right) for m in found} == {(0, 0), (0, 1)}


@pytest.mark.parametrize(
    "max_days, left_date, right_date, matched",
    [
        (14, "2024-07-01", "2024-07-15", True),
        (14, "2024-07-01", "2024-07-16", False),
        (14, None, "2030-01-01", True),  # an unknown date limits nothing
        (0, "2024-07-01", "2030-01-01", True),
    ],
)
def test_dates_limit_candidates(max_days, left_date, right_date, matched):
    left, right = _planted(n_pairs=1, n_alone=2)
    sides = _sides(left, right, [left_date, None, None], [right_date, None, None])
    found = match_articles(*sides, MatchSettings(max_days=max_days))
    assert ((0, 0) in {(m.left, m.right) for m in found}) is matched


@pytest.mark.parametrize("block_size", [1, 3, 1024])
def test_blockwise_candidates_equal_the_full_matrix(block_size):
    left, right = _sides(*_planted(n_pairs=5, n_alone=9, seed=3))
    dates = np.array([NO_DATE] * len(left))
    settings = MatchSettings(candidates=3, block_size=block_size, max_days=0)
    docs_l, docs_r = document_vectors(left), document_vectors(right)
    pairs = {tuple(p) for p in candidate_pairs(docs_l, docs_r, dates, dates, settings).tolist()}
    sims = docs_l @ docs_r.T
    expected = {(a, int(b)) for a in range(len(left)) for b in np.argsort(-sims[a], kind="stable")[:3]}
    expected |= {(int(a), b) for b in range(len(right)) for a in np.argsort(-sims[:, b], kind="stable")[:3]}
    assert pairs == expected


def test_matching_empty_sides_and_empty_articles():
    left, right = _planted(n_pairs=2, n_alone=0)
    left.append(np.zeros((0, 64), np.float32))
    assert match_articles(*_sides([], right)) == []
    found = match_articles(*_sides(left, right))
    assert {(m.left, m.right) for m in found} == {(0, 0), (1, 1)}


# --- a whole run ---------------------------------------------------------------------------


def test_run_matches_the_stories_both_sides_report(corpus_run):
    result, outdir = corpus_run
    assert {(m.left.id, m.right.id) for m in result.matches} == TRUE_PAIRS
    assert [a.id for a in result.unmatched("left")] == ["d.md", "sports/c.txt"]
    assert [a.id for a in result.unmatched("right")] == ["fa-c", "fa-e"]
    for m in result.matches:
        assert m.shared_left == m.shared_right >= 3 and m.score >= 0.75
        assert (outdir / m.report).is_file() and (outdir / m.report_json).is_file()
    assert len(result.stories) == 2 and [s.id for s in result.stories] == [0, 1]


def test_outputs_follow_the_schema(corpus_run, corpus_inputs):
    result, outdir = corpus_run
    corpus = json.loads((outdir / "corpus.json").read_text(encoding="utf-8"))
    assert corpus["schema"] == "xlcompare.corpus/1"
    assert corpus["left"]["input"] == str(corpus_inputs[0])
    assert [a["id"] for a in corpus["left"]["articles"]] == sorted(GOOD_LEFT + list(BAD_LEFT))
    assert [a["id"] for a in corpus["right"]["articles"]][:3] == GOOD_RIGHT[:3]
    lines = (outdir / "matches.jsonl").read_text(encoding="utf-8").splitlines()
    matches = [json.loads(line) for line in lines]
    assert matches == corpus["matches"] and len(matches) == len(TRUE_PAIRS)
    expected_keys = {"left", "right", "score", "shared_left", "shared_right", "left_sentences",
                     "right_sentences", "mean_margin", "left_title", "right_title",
                     "left_title_en", "right_title_en", "left_date", "right_date", "story",
                     "report", "report_json"}
    assert all(set(m) == expected_keys for m in matches)
    floods = next(m for m in matches if m["left"] == "floods.html")
    assert floods["left_title"] == "उत्तरी प्रांत में बाढ़" and floods["right_date"] == "2024-07-11"
    assert floods["left_date"] == "2024-07-11" and floods["right_title"] == "سیل در استان شمالی"
    report = json.loads((outdir / floods["report_json"]).read_text(encoding="utf-8"))
    assert report["schema"] == "xlcompare.comparison/1" and report["alignments"]
    assert corpus["unmatched"] == {"left": ["d.md", "sports/c.txt"], "right": ["fa-c", "fa-e"]}
    assert corpus["settings"]["max_days"] == 14 and corpus["signature"]["matching"]["threshold"]
    assert {p.name for p in outdir.iterdir()} == {"cache", "corpus.json", "index.html", "matches.jsonl", "pairs"}
    assert not [p for p in outdir.rglob("*.tmp")]


def test_bad_articles_are_reported_with_their_paths(corpus_run, corpus_inputs):
    result, outdir = corpus_run
    errors = json.loads((outdir / "corpus.json").read_text(encoding="utf-8"))["errors"]
    left, right = corpus_inputs
    by_path = {e["path"]: e["error"] for e in errors}
    for name, part in BAD_LEFT.items():
        assert part in by_path[str(left / name)] and str(left / name) in by_path[str(left / name)]
    for line, part in BAD_RIGHT_LINES.items():
        assert part in by_path[f"{right}:{line}"]
    assert len(errors) == len(BAD_LEFT) + len(BAD_RIGHT_LINES)


def test_pair_reports_are_what_compare_writes(tmp_path):
    """A folder-vs-folder run: each pair's reports equal `xlcompare compare`'s for the files."""
    from xlcompare import api
    from xlcompare.report import comparison_renderer

    left, right = tmp_path / "hi", tmp_path / "fa"
    left.mkdir(), right.mkdir()
    (left / "a.txt").write_text("सुरक्षा वार्ता\n\n" + " ".join(STORY_A["hi"]) + "\n", encoding="utf-8")
    (right / "a.txt").write_text("گفتگوی امنیتی\n\n" + " ".join(STORY_A["fa"]) + "\n", encoding="utf-8")
    result = compare_corpus(left, right, tmp_path / "out", translate=False, workers=1)
    (match,) = result.matches
    comparison = api.compare(api.load_article(left / "a.txt"), api.load_article(right / "a.txt"))
    for fmt, relative in (("html", match.report), ("json", match.report_json)):
        assert (tmp_path / "out" / relative).read_text(encoding="utf-8") == comparison_renderer(fmt)(comparison)


def test_max_days_zero_lets_far_apart_reports_match(corpus_run, corpus_inputs, tmp_path):
    _, outdir = corpus_run
    shutil.copytree(outdir, tmp_path / "out")
    result = compare_corpus(*corpus_inputs, tmp_path / "out", translate=False, workers=1, max_days=0)
    assert {(m.left.id, m.right.id) for m in result.matches} == TRUE_PAIRS | FAR_APART_PAIRS
    assert result.stats["prepared"] == 0 and result.stats["computed"].get("embed", 0) == 0
    assert len(list((tmp_path / "out" / "pairs").iterdir())) == 2 * len(result.matches)
    # Back to the default: the far-apart pair's reports go, nothing else is left behind.
    compare_corpus(*corpus_inputs, tmp_path / "out", translate=False, workers=1)
    assert output_files(tmp_path / "out") == output_files(outdir)


def test_outputs_are_all_or_nothing(corpus_run, tmp_path):
    """A failure while writing (here: a pair's report gone from the store) leaves the previous
    outputs as they were and no temporary file."""
    from xlcompare.corpus.outputs import write_outputs

    result, outdir = corpus_run
    shutil.copytree(outdir, tmp_path / "out")
    before = output_files(tmp_path / "out")
    store = StageStore(tmp_path / "out" / "cache")
    keys = sorted(p.stem for p in store.root.glob("pair/*/*.json"))
    assert len(keys) == len(result.matches)

    class LosesOneReport(StageStore):
        def get_text(self, stage, key, ext):
            return None if key == keys[-1] else super().get_text(stage, key, ext)

    with pytest.raises(RuntimeError, match="missing"):
        write_outputs(result, tmp_path / "out", LosesOneReport(store.root), keys)
    assert output_files(tmp_path / "out") == before
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


def test_library_result_for_notebooks(corpus_run):
    result, _ = corpus_run
    matches = result.to_dataframe()
    assert list(matches.left) == [m.left.id for m in result.matches]
    articles = result.to_dataframe("articles")
    assert len(articles) == len(result.left) + len(result.right)
    assert articles.matched.sum() == 2 * len(TRUE_PAIRS)
    view = result._repr_html_()
    assert 'class="xlc"' in view and "उत्तरी प्रांत में बाढ़" in view and "<script" not in view
    comparison = result.comparison(0)
    assert comparison.alignments and comparison.left.article.path == result.matches[0].left.path


def test_cli_reports_each_bad_article_on_one_line(corpus_run, corpus_inputs, tmp_path):
    from typer.testing import CliRunner

    from xlcompare.cli import app

    _, outdir = corpus_run
    shutil.copytree(outdir, tmp_path / "out")
    left, right = corpus_inputs
    run = CliRunner().invoke(app, ["corpus", str(left), str(right), "-o", str(tmp_path / "out"),
                                   "--no-translate", "--workers", "1"], env={"COLUMNS": "80"})
    assert run.exit_code == 0, run.output
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == len(BAD_LEFT) + len(BAD_RIGHT_LINES)
    for name in BAD_LEFT:
        assert sum(str(left / name) in w for w in warnings) == 1
    assert "2 matched pairs in 2 stories" in run.stderr
    assert run.stdout == ""
    assert output_files(tmp_path / "out") == output_files(outdir)


def test_cli_says_when_outdir_cannot_be_written(corpus_inputs, tmp_path):
    from typer.testing import CliRunner

    from xlcompare.cli import app

    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    run = CliRunner().invoke(app, ["corpus", *map(str, corpus_inputs), "-o", str(tmp_path / "taken"),
                                   "--no-translate", "--workers", "1"])
    assert run.exit_code == 2 and "is a file, not a folder; give a folder for --out" in run.stderr
    assert "Traceback" not in run.output


def test_cli_refuses_ray_address_without_ray(corpus_inputs, tmp_path):
    from typer.testing import CliRunner

    from xlcompare.cli import app

    run = CliRunner().invoke(app, ["corpus", *map(str, corpus_inputs), "-o", str(tmp_path / "o"),
                                   "--ray-address", "auto"])
    assert run.exit_code == 2 and "--backend ray" in run.stderr


def test_adding_an_article_redoes_only_that_article(corpus_run, corpus_inputs, tmp_path):
    _, outdir = corpus_run
    shutil.copytree(outdir, tmp_path / "out")
    left = shutil.copytree(corpus_inputs[0], tmp_path / "hindi")
    (left / "new.md").write_text("---\ntitle: नई खबर\n---\n\n" + " ".join(STORY_A["hi"][1:]) + "\n", encoding="utf-8")
    result = compare_corpus(left, corpus_inputs[1], tmp_path / "out", translate=False, workers=1)
    assert result.stats["prepared"] == 1
    assert result.stats["computed"]["embed"] == 1
    assert any(m.left.id == "new.md" and m.right.id == "fa-a" for m in result.matches)


def _embed_records(outdir: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (outdir / "cache").glob("embed/*/*.npz")}


@pytest.mark.slow
def test_killed_run_resumes_and_ends_as_an_uninterrupted_run(corpus_run, corpus_inputs, tmp_path):
    _, reference = corpus_run
    outdir = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-c", "from xlcompare.cli import main; main()", "corpus",
               *map(str, corpus_inputs), "-o", str(outdir), "--no-translate", "--workers", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _embed_records(outdir) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()[-2000:]
    finished = _embed_records(outdir)
    good = len(GOOD_LEFT) + len(GOOD_RIGHT)
    assert 0 < len(finished) < good, "the run was not killed part-way"
    assert not (outdir / "corpus.json").exists()

    result = compare_corpus(*corpus_inputs, outdir, translate=False, workers=1)
    assert result.stats["computed"]["embed"] == good - len(finished)
    after = _embed_records(outdir)
    assert all(after[name] == stamp for name, stamp in finished.items())  # not rewritten
    assert output_files(outdir) == output_files(reference)


@pytest.mark.slow
def test_process_pool_gives_the_same_outputs(corpus_run, corpus_inputs, tmp_path):
    _, reference = corpus_run
    result = compare_corpus(*corpus_inputs, tmp_path / "out", translate=False, workers=2)
    assert result.stats["computed"]["embed"] == len(GOOD_LEFT) + len(GOOD_RIGHT)
    assert output_files(tmp_path / "out") == output_files(reference)


@pytest.mark.slow
def test_ray_backend_gives_the_same_outputs(corpus_run, corpus_inputs, tiny_marian_dir, tmp_path):
    ray = pytest.importorskip("ray", reason="the [ray] extra (ray[data]) is not installed")
    pytest.importorskip("ray.data")
    _, reference = corpus_run
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        result = compare_corpus(*corpus_inputs, tmp_path / "out", translate=False, backend="ray", workers=2)
        # The translate actors too (tiny random MarianMT: structure only). Batches may group
        # articles differently from the local backend, so only the local run is compared
        # byte for byte.
        left, right = _two_small_sides(tmp_path)
        translated = compare_corpus(left, right, tmp_path / "translated", model=str(tiny_marian_dir),
                                    engine="transformers", beams=1, backend="ray", workers=2,
                                    reports=False)
    finally:
        ray.shutdown()
    assert result.stats["computed"]["embed"] == len(GOOD_LEFT) + len(GOOD_RIGHT)
    assert output_files(tmp_path / "out") == output_files(reference)
    assert translated.stats["computed"]["translate"] == 4
    assert all(a.title_en for a in translated.left + translated.right)
    assert translated.signature["translation"]["model"] == str(tiny_marian_dir)


def _two_small_sides(root: Path) -> tuple[Path, Path]:
    left, right = root / "hi", root / "fa"
    for folder, lang, title in ((left, "hi", "शीर्षक"), (right, "fa", "عنوان")):
        folder.mkdir()
        for i in range(2):
            (folder / f"{i}.txt").write_text(f"{title} {i}\n\n" + " ".join(STORY_A[lang][i:]) + "\n", encoding="utf-8")
    return left, right


# --- translation -----------------------------------------------------------------------------


@pytest.mark.slow
def test_translation_is_batched_across_articles(tiny_marian_dir, tmp_path, monkeypatch):
    """With a tiny random MarianMT (junk English; structure only): one engine per language
    serves every article, in one pipeline call per chunk of articles."""
    from xlcompare.translation import pipeline

    calls, loads = [], []
    real_translate, real_load = pipeline.translate_segments, pipeline.load_engine

    def spy_translate(engine, segments, language, **kw):
        calls.append((language, len(segments)))
        return real_translate(engine, segments, language, **kw)

    def spy_load(*args, **kw):
        loads.append(kw.get("source_lang"))
        return real_load(*args, **kw)

    monkeypatch.setattr(pipeline, "translate_segments", spy_translate)
    monkeypatch.setattr(pipeline, "load_engine", spy_load)
    left, right = tmp_path / "hi", tmp_path / "fa"
    for folder, lang, story in ((left, "hi", STORY_A), (right, "fa", STORY_A)):
        folder.mkdir()
        for i in range(3):
            (folder / f"{i}.txt").write_text(f"शीर्षक {i}\n\n" if lang == "hi" else f"عنوان {i}\n\n", encoding="utf-8")
            with (folder / f"{i}.txt").open("a", encoding="utf-8") as handle:
                handle.write(" ".join(story[lang][i:]) + "\n")
    # One beam: the random model writes junk up to its length limit, four beams take 4x longer.
    result = compare_corpus(left, right, tmp_path / "out", model=str(tiny_marian_dir),
                            engine="transformers", beams=1, workers=1, reports=False)
    assert sorted(loads) == ["fa", "hi"]
    assert sorted(language for language, _ in calls) == ["fa", "hi"]
    # One call per language holds all three articles: their titles and every sentence.
    for (language, n), side in zip(sorted(calls), ("right", "left")):
        assert n >= 3 + sum(a.sentences for a in getattr(result, side))
    assert all(a.title_en for a in result.left + result.right)
    assert result.signature["translation"]["model"] == str(tiny_marian_dir)
    store = StageStore(tmp_path / "out" / "cache")
    assert store.root.joinpath("translate").is_dir()
    # Junk English hides the shared story from matching, so compare a pair by hand: both
    # sides come with their English and its confidence, as `api.translate` gives them.
    from xlcompare.corpus.model import PairMatch

    comparison = result._comparer(PairMatch(result.left[0], result.right[0], 0.0, 0, 0, 0.0))
    assert comparison.translated
    for side in (comparison.left, comparison.right):
        content = [s for s in side.segments if not s.boilerplate]
        assert all(side.translations[s.id].confidence is not None for s in content)
        assert side.signature["model"] == str(tiny_marian_dir) and "confidence" in side.signature
    # A rerun translates nothing.
    calls.clear()
    again = compare_corpus(left, right, tmp_path / "out", model=str(tiny_marian_dir),
                           engine="transformers", beams=1, workers=1, reports=False)
    assert calls == [] and again.stats["prepared"] == 0
    assert [m.to_dict() for m in again.matches] == [m.to_dict() for m in result.matches]


def test_a_side_date_dates_only_the_articles_without_one(tmp_path):
    folder = tmp_path / "left"
    folder.mkdir()
    (folder / "undated.txt").write_text(" ".join(STORY_A["hi"]) + "\n", encoding="utf-8")
    (folder / "dated.txt").write_text("12.07.2024\n\n" + " ".join(STORY_A["hi"]) + "\n", encoding="utf-8")
    undated, dated = sorted(list_sources(folder, "left"), key=lambda s: s.id, reverse=True)
    given = CorpusSettings(left_date="2024-07-20")
    assert read_article(undated, given)["article"]["date"] == "2024-07-20"
    assert read_article(dated, given)["article"]["date"] == "2024-07-12"
    assert read_article(undated, CorpusSettings())["article"]["date"] is None
    # The date changes what the read stage computes, so it is part of the stage's key.
    assert read_key(undated, given) != read_key(undated, CorpusSettings())

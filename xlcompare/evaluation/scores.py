"""Reference-based translation quality: corpus BLEU and chrF, and chrF per sentence.

The scores are sacrebleu's with its defaults (BLEU: 13a tokenisation, mixed case, exponential
smoothing; chrF2: character 6-grams, beta 2, no word n-grams), so a number printed by xlcompare is
the number anyone gets from `sacrebleu REF -i HYP -m bleu chrf`. Each result carries sacrebleu's
signature string for that reason.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from xlcompare.errors import EncodingError, InputError, MissingDependencyError, install_hint

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class SentenceScore:
    """chrF of one hypothesis line against its reference line."""

    index: int  # 0-based line number
    chrf: float
    hypothesis: str
    reference: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "chrf": self.chrf,
            "hypothesis": self.hypothesis,
            "reference": self.reference,
        }


@dataclass
class EvaluationResult:
    """Corpus scores of one system output against one set of references."""

    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    n_segments: int
    # BLEU's parts, so a surprising score can be explained without rerunning.
    bleu_precisions: tuple[float, ...] = ()
    brevity_penalty: float = 1.0
    hyp_length: int = 0
    ref_length: int = 0
    sentences: list[SentenceScore] = field(default_factory=list)
    # Where the numbers come from: files, engine signature, source language, xlcompare version.
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def sentence_chrf(self) -> list[float]:
        return [s.chrf for s in self.sentences]

    def worst(self, n: int = 10) -> list[SentenceScore]:
        """The `n` sentences with the lowest chrF, lowest first (ties: earlier line first)."""
        if not self.sentences and self.n_segments:
            raise ValueError(
                "This result has no per-sentence scores; score it with per_sentence=True "
                "(evaluate_files does by default)."
            )
        return sorted(self.sentences, key=lambda s: (s.chrf, s.index))[: max(n, 0)]

    def to_dict(self, *, include_sentences: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": "xlcompare.evaluation/1",
            "bleu": self.bleu,
            "chrf": self.chrf,
            "bleu_signature": self.bleu_signature,
            "chrf_signature": self.chrf_signature,
            "n_segments": self.n_segments,
            "bleu_precisions": list(self.bleu_precisions),
            "brevity_penalty": self.brevity_penalty,
            "hyp_length": self.hyp_length,
            "ref_length": self.ref_length,
            "provenance": dict(self.provenance),
        }
        if include_sentences:
            d["sentences"] = [s.to_dict() for s in self.sentences]
        return d


def _metrics() -> tuple[Any, Any]:
    try:
        from sacrebleu.metrics import BLEU, CHRF
    except ImportError as exc:
        raise MissingDependencyError(
            f"Scoring translations needs sacrebleu, which is not installed. Run: {install_hint('eval')}"
        ) from exc
    return BLEU(), CHRF()


def _check_lengths(
    hypotheses: list[str], references: list[str], hyp_name: str = "hypotheses",
    ref_name: str = "references",
) -> None:
    if len(hypotheses) != len(references):
        raise InputError(
            f"{hyp_name} has {len(hypotheses)} lines but {ref_name} has {len(references)}; "
            "a system output and its references must be line-aligned (one segment per line)."
        )
    if not hypotheses:
        raise InputError(f"Nothing to score: {hyp_name} and {ref_name} are empty.")


def sentence_chrf(hypotheses: list[str], references: list[str]) -> list[float]:
    """chrF2 of each hypothesis against the reference on the same line."""
    _check_lengths(hypotheses, references)
    _, chrf = _metrics()
    return [chrf.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)]


def corpus_scores(
    hypotheses: list[str],
    references: list[str],
    *,
    per_sentence: bool = False,
    hyp_name: str = "hypotheses",
    ref_name: str = "references",
) -> EvaluationResult:
    """Corpus BLEU and chrF (sacrebleu defaults, one reference per segment).

    `hyp_name`/`ref_name` only label error messages (evaluate_files passes the paths).
    """
    _check_lengths(hypotheses, references, hyp_name, ref_name)
    bleu_metric, chrf_metric = _metrics()
    refs = [list(references)]
    bleu = bleu_metric.corpus_score(list(hypotheses), refs)
    chrf = chrf_metric.corpus_score(list(hypotheses), refs)
    sentences: list[SentenceScore] = []
    if per_sentence:
        sentences = [
            SentenceScore(i, chrf_metric.sentence_score(h, [r]).score, h, r)
            for i, (h, r) in enumerate(zip(hypotheses, references))
        ]
    return EvaluationResult(
        bleu=bleu.score,
        chrf=chrf.score,
        bleu_signature=str(bleu_metric.get_signature()),
        chrf_signature=str(chrf_metric.get_signature()),
        n_segments=len(hypotheses),
        bleu_precisions=tuple(bleu.precisions),
        brevity_penalty=bleu.bp,
        hyp_length=bleu.sys_len,
        ref_length=bleu.ref_len,
        sentences=sentences,
        provenance=_base_provenance(),
    )


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file, one segment per line.

    Splits on LF only (a trailing CR is dropped): `str.splitlines` would also split on U+2028,
    U+0085 and form feeds, which can occur inside a segment and would silently misalign the file.
    """
    from xlcompare.article.files import read_input_bytes

    p = Path(path)
    data = read_input_bytes(p, what="text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{p}: not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first, "
            f"e.g. `iconv -f <encoding> -t utf-8 {p}`."
        ) from None
    text = text.removeprefix("\ufeff")
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def evaluate_files(
    hyp_path: str | Path, ref_path: str | Path, *, per_sentence: bool = True
) -> EvaluationResult:
    """Score a system output file against a reference file (line-aligned, UTF-8)."""
    hypotheses = read_lines(hyp_path)
    references = read_lines(ref_path)
    result = corpus_scores(
        hypotheses,
        references,
        per_sentence=per_sentence,
        hyp_name=f"Hypothesis file {hyp_path}",
        ref_name=f"reference file {ref_path}",
    )
    result.provenance.update({"hyp": str(hyp_path), "ref": str(ref_path)})
    return result


def evaluate_model(
    src_path: str | Path,
    ref_path: str | Path,
    engine: Any,
    source_lang: str,
    *,
    target_lang: str = "en",
    per_sentence: bool = True,
    progress: Callable[..., Any] | None = None,
) -> EvaluationResult:
    """Translate each line of `src_path` with an xlcompare engine and score it against `ref_path`.

    Each line is one segment (id = line index), so the pipeline's splitting of over-long inputs
    and its flags apply exactly as they do to articles. With `per_sentence` (the default) the
    result's `sentences` hold the model's translations next to their references.
    """
    from xlcompare.segments.model import Segment
    from xlcompare.translation.pipeline import translate_segments

    sources = read_lines(src_path)
    references = read_lines(ref_path)
    _check_lengths(
        sources, references, f"Source file {src_path}", f"reference file {ref_path}"
    )
    segments = []
    offset = 0
    for i, line in enumerate(sources):
        # Offsets index the decoded file with LF line ends, as Segment's contract asks.
        segments.append(Segment(id=i, start=offset, end=offset + len(line), text=line))
        offset += len(line) + 1
    translations = translate_segments(
        engine, segments, source_lang, target_lang=target_lang, progress=progress
    )
    missing = [s.id for s in segments if s.id not in translations]
    if missing:
        log.warning(
            "%d of %d lines of %s got no translation (first: line %d); scored as empty.",
            len(missing), len(segments), src_path, missing[0] + 1,
        )
    hypotheses = [translations[s.id].text if s.id in translations else "" for s in segments]
    result = corpus_scores(
        hypotheses,
        references,
        per_sentence=per_sentence,
        hyp_name=f"Translations of {src_path}",
        ref_name=f"reference file {ref_path}",
    )
    signature = engine.signature() if hasattr(engine, "signature") else {}
    result.provenance.update(
        {
            "src": str(src_path),
            "ref": str(ref_path),
            "source_lang": source_lang,
            "target_lang": target_lang,
            "engine": signature,
            "untranslated_lines": len(missing),
        }
    )
    return result


def _base_provenance() -> dict[str, Any]:
    from xlcompare.version import __version__

    return {"xlcompare": __version__}

"""How good are the translations: BLEU/chrF against references (`scores`), a reference-free
confidence per segment (`confidence`), and the FLORES-101 dev benchmark beside the checkout
(`flores`). sacrebleu and the embedder are imported only when a score is computed."""
from xlcompare.evaluation.scores import (
    EvaluationResult,
    SentenceScore,
    corpus_scores,
    evaluate_files,
    evaluate_model,
    sentence_chrf,
)

__all__ = [
    "EvaluationResult",
    "SentenceScore",
    "corpus_scores",
    "evaluate_files",
    "evaluate_model",
    "sentence_chrf",
]

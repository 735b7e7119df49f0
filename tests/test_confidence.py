"""Reference-free translation confidence, with the real default embedder (e5-ct2) on a few
sentences."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from xlcompare.errors import InputError
from xlcompare.evaluation.confidence import (
    DEFAULT_THRESHOLD,
    attach_confidence,
    flag_low_confidence,
    translation_confidence,
)
from xlcompare.segments.model import Segment
from xlcompare.translation.model import (
    FLAG_LOW_CONFIDENCE,
    FLAG_REPETITION,
    FLAG_SPLIT,
    Translation,
)

# FLORES-101 dev lines 1 and 3 (CC-BY-SA-4.0) in Hindi and Persian, and their English reference.
SOURCES_HI = [
    "सोमवार को, स्टैनफ़ोर्ड यूनिवर्सिटी स्कूल ऑफ़ मेडिसिन के वैज्ञानिकों ने एक नए "
    "डायग्नोस्टिक उपकरण के आविष्कार की घोषणा की जो कोशिकाओं को उनके प्रकार के आधार पर "
    "छाँट सकता है: एक छोटी प्रिंट करने योग्य चिप जिसे स्टैण्डर्ड इंकजेट प्रिंटर का "
    "उपयोग करके लगभग एक अमेरिकी सेंट के लिए निर्मित किया जा सकता है.",
    "स्थानीय समय (0230 UTC) के मुताबिक करीब 9:30 बजे JAS 39C Gripen रनवे पर धमाके के "
    "साथ दुर्घटनाग्रस्त हो गया, जिसकी वजह से वाणिज्यिक उड़ानों के लिए हवाई अड्डे को "
    "बंद कर दिया गया.",
]
SOURCES_FA = [
    "روز دوشنبه، دانشمندان دانشکده پزشکی دانشگاه استنفورد از اختراع دستگاه تشخیصی "
    "جدیدی سخن گفتند که می\u200cتواند سلول\u200cها را براساس نوعشان مرتب\u200cسازی کند: نوعی تراشه "
    "قابل چاپ که بااستفاده از چاپگرهای استاندارد جوهرافشان قابل تولید است و هزینه "
    "هرکدام از آنها احتمالاً حدود یک سنت آمریکا در می\u200cآید.",
    "هواپیمای جت JAS 39C Gripen حدود ساعت 9:30 صبح به وقت محلی (0230 ساعت هماهنگ "
    "جهانی) پس از سقوط روی باند فرودگاه منفجر شد و سبب بسته شدن فرودگاه برای پروازهای "
    "تجاری گردید.",
]
ENGLISH = [
    "On Monday, scientists from the Stanford University School of Medicine announced the "
    "invention of a new diagnostic tool that can sort cells by type: a tiny printable chip that "
    "can be manufactured using standard inkjet printers for possibly about one U.S. cent each.",
    "The JAS 39C Gripen crashed onto a runway at around 9:30 am local time (0230 UTC) and "
    "exploded, closing the airport to commercial flights.",
]


@pytest.mark.parametrize("sources", [SOURCES_HI, SOURCES_FA], ids=["hi", "fa"])
def test_correct_translation_beats_a_shuffled_one(embedder, sources):
    correct = translation_confidence(sources, ENGLISH, embedder)
    swapped = translation_confidence(sources, ENGLISH[::-1], embedder)
    assert correct.shape == (2,) and correct.dtype == np.float32
    assert np.all(correct > swapped)
    assert np.all((correct >= -1) & (correct <= 1))


@pytest.mark.parametrize("sources", [SOURCES_HI, SOURCES_FA], ids=["hi", "fa"])
def test_default_threshold_separates_correct_from_shuffled(embedder, sources):
    correct = translation_confidence(sources, ENGLISH, embedder)
    swapped = translation_confidence(sources, ENGLISH[::-1], embedder)
    assert flag_low_confidence(correct) == [False, False]
    assert flag_low_confidence(swapped) == [True, True]


@pytest.mark.parametrize(
    ("scores", "threshold", "expected"),
    [
        ([0.95, 0.5, 0.86], 0.86, [False, True, False]),  # at the threshold is not below it
        ([0.1], 0.0, [False]),
        ([-0.2], 0.0, [True]),
        ([float("nan")], 0.86, [False]),  # an unknown score is not evidence of a problem
        ([], 0.86, []),
    ],
)
def test_flag_low_confidence_table(scores, threshold, expected):
    assert flag_low_confidence(np.array(scores, dtype=np.float32), threshold) == expected


def test_default_threshold_is_a_cosine():
    assert 0.0 < DEFAULT_THRESHOLD < 1.0


class _CountingEmbedder:
    """Records what reaches the embedder; for the cases that must not embed at all."""

    name = "counting"

    def __init__(self, inner):
        self.inner = inner
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += texts
        return self.inner.embed(texts)

    def signature(self):
        return self.inner.signature()


def test_blank_translations_score_without_embedding(embedder):
    counting = _CountingEmbedder(embedder)
    scores = translation_confidence(
        ["नमस्ते दुनिया", "", SOURCES_HI[1]], ["", " ", ENGLISH[1]], counting
    )
    assert scores[0] == 0.0 and scores[1] == 1.0 and scores[2] > DEFAULT_THRESHOLD
    assert counting.seen == [SOURCES_HI[1], ENGLISH[1]]


def test_mismatched_lengths_raise_input_error(embedder):
    with pytest.raises(InputError, match="2 sources but 1 translations"):
        translation_confidence(SOURCES_HI, ENGLISH[:1], embedder)


def _segments(texts):
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(Segment(id=i, start=start, end=start + len(text), text=text))
        start += len(text) + 1
    return out


def test_attach_confidence_sets_scores_and_flags_and_keeps_other_fields(embedder):
    translations = {
        0: Translation(0, ENGLISH[0], flags=(FLAG_SPLIT,), pieces=2, cached=True),
        # A stale flag from an earlier, stricter run must go when the score is fine now.
        1: Translation(1, ENGLISH[1], flags=(FLAG_LOW_CONFIDENCE,)),
    }
    # Segment 2 has no translation (e.g. boilerplate): it is skipped, not an error.
    segments = _segments(SOURCES_FA + ["خبرهای مرتبط"])
    scored = attach_confidence(translations, segments, embedder)
    assert set(scored) == {0, 1}
    for segment_id, before in translations.items():
        after = scored[segment_id]
        assert after.confidence is not None and after.confidence > DEFAULT_THRESHOLD
        assert dataclasses.replace(after, confidence=None, flags=before.flags) == before
    assert scored[0].flags == (FLAG_SPLIT,)
    assert scored[1].flags == ()
    assert translations[0].confidence is None  # the input is not modified


def test_attach_confidence_flags_a_mismatched_translation_once(embedder):
    translations = {
        0: Translation(0, ENGLISH[1], flags=(FLAG_REPETITION,)),
        1: Translation(1, ENGLISH[0], flags=(FLAG_LOW_CONFIDENCE,)),
    }
    scored = attach_confidence(translations, _segments(SOURCES_HI), embedder)
    assert scored[0].flags == (FLAG_REPETITION, FLAG_LOW_CONFIDENCE)
    assert scored[1].flags == (FLAG_LOW_CONFIDENCE,)
    assert all(t.confidence < DEFAULT_THRESHOLD for t in scored.values())
    assert scored[0].to_dict()["confidence"] == pytest.approx(scored[0].confidence)


def test_attach_confidence_rejects_translations_without_a_source(embedder):
    with pytest.raises(InputError, match="segment id: 5"):
        attach_confidence({5: Translation(5, "text")}, _segments(SOURCES_HI), embedder)

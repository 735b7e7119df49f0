"""Quality flags on crafted outputs."""
from __future__ import annotations

import pytest

from xlcompare.translation.model import FLAG_EMPTY, FLAG_LENGTH_RATIO, FLAG_REPETITION, FLAG_TRUNCATED
from xlcompare.translation.quality import (
    has_repetition,
    is_empty,
    length_band,
    length_ratio_plausible,
    quality_flags,
)

HINDI = "ताजिकिस्तान के उप विदेश मंत्री ने दुशांबे में चीन के विशेष प्रतिनिधि से मुलाकात की।"
PERSIAN = "وزارت امور خارجه تاجیکستان گزارش برخی رسانه ها را بی پایه خواند."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister met the special representative in Dushanbe.", False),
        ("the the the the", False),  # four in a row is still allowed
        ("the the the the the", True),  # five in a row is a loop
        ("of the Ministry of the Ministry of the Ministry", True),  # a 3-gram three times
        ("of the Ministry and of the Ministry", False),  # twice is normal prose
        ("China, China, China, China", True),
        ("Terrorism , extremism , separatism , and crime", False),
        ("", False),
    ],
)
def test_repetition(text, expected):
    assert has_repetition(text) is expected


@pytest.mark.parametrize(
    ("source", "translation", "lang", "plausible"),
    [
        (HINDI, "The deputy foreign minister of Tajikistan met China's special representative in Dushanbe.", "hi", True),
        (HINDI, "Tajikistan.", "hi", False),  # far too short
        (HINDI, "Tajikistan " * 40, "hi", False),  # far too long
        (PERSIAN, "The foreign ministry of Tajikistan called some media reports baseless.", "fa", True),
        (PERSIAN, "Ministry.", "fa", False),
        ("बल", "Emphasis on cooperation against terrorism", "hi", True),  # short sources are not judged
    ],
)
def test_length_ratio(source, translation, lang, plausible):
    assert length_ratio_plausible(source, translation, source_lang=lang) is plausible


def test_length_band_depends_on_the_language_pair():
    hindi, persian, chinese = length_band("hi"), length_band("fa"), length_band("zh")
    assert hindi.low < persian.low and hindi.high < persian.high  # English outgrows Persian more
    assert chinese.high > persian.high
    assert length_band("hin_Deva") == hindi
    assert length_band("xx").contains(1.0)


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [("वह आया।", "", True), ("वह आया।", "  ", True), ("।", "", False), ("वह आया।", "He came.", False)],
)
def test_empty(source, translation, expected):
    assert is_empty(source, translation) is expected


@pytest.mark.parametrize(
    ("translation", "hit", "flags"),
    [
        ("The deputy foreign minister of Tajikistan met China's special representative.", False, ()),
        ("The deputy foreign minister of Tajikistan met China's special representative.", True, (FLAG_TRUNCATED,)),
        ("", True, (FLAG_TRUNCATED, FLAG_EMPTY)),
        ("the talks the talks the talks the talks the talks the talks", False, (FLAG_REPETITION,)),
        ("Tajik the the the the the", True, (FLAG_TRUNCATED, FLAG_REPETITION, FLAG_LENGTH_RATIO)),
    ],
)
def test_quality_flags_combine_in_a_stable_order(translation, hit, flags):
    assert quality_flags(HINDI, translation, source_lang="hi", hit_max_length=hit) == flags

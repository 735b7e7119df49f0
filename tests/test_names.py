"""Names compared across scripts without translation: transliteration keys, CLDR names,
people after titles, the Dushanbe/Monday ambiguity, and the two seeds."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import xlcompare
from xlcompare.comparison.mentions import compare_mentions
from xlcompare.comparison.names import NameGroups, NameMention, find_names, match_names
from xlcompare.lang import gazetteer
from xlcompare.lang.transliterate import fine_key, latin_key, romanize

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Farhad Salim", "फरहाद सलीम", "فرهاد سلیم"], "prhd slm"),
        (["Taliban", "तालिबान", "طالبان"], "tlbn"),
        (["Dushanbe", "दुशांबे", "دوشنبه"], "dsnb"),  # anusvara, silent final heh
        (["Moscow", "मास्को", "मॉस्को", "مسکو"], "msk"),  # w after a vowel, final vav
        (["Afghanistan", "अफगानिस्तान", "अफ़गानिस्तान", "افغانستان"], "pgnstn"),  # f, gh, nukta
        (["Chen Gaiping", "चेन गैपिन"], "cn gpn"),  # final ng
        (["Rahmon", "रहमोन", "رحمون"], "rhmn"),
        (["Washington", "वाशिंगटन", "واشنگتن"], "vsngtn"),  # w before a vowel, vav after alef
        (["Mumbai", "मुंबई"], "mnb"),  # m before b
        (["Qatar", "क़तर", "قطر"], "ktr"),
        (["Peking", "پکن"], "pkn"),
    ],
)
def test_one_latin_key_for_every_script(spellings: list[str], key: str) -> None:
    assert {latin_key(s) for s in spellings} == {key}


@pytest.mark.parametrize(
    ("text", "romanized"),
    [("फरहाद सलीम", "Farhad Salim"), ("रहमोन", "Rahmon"), ("ताजिकिस्तान", "Tajikistan"),
     ("चेन गैपिन", "Chen Gaipin"), ("मास्को", "Masko"), ("فرهاد سلیم", "Frhad Slim"),
     ("Tajikistan", "Tajikistan")],
)
def test_romanize(text: str, romanized: str) -> None:
    assert romanize(text) == romanized


@pytest.mark.parametrize(
    ("a", "b"),
    [("मास्को", "मॉस्को"), ("अफगानिस्तान", "अफ़गानिस्तान"), ("दिसम्बर", "दिसंबर"),
     ("تاجيكستان", "تاجیکستان"), ("هنگ‌کنگ", "هنگ کنگ"), ("اتحادیهٔ اروپا", "اتحادیه اروپا"),
     ("Central Asia", "central asia")],
)
def test_fine_key_folds_spelling_variants(a: str, b: str) -> None:
    assert fine_key(a) == fine_key(b)


def test_cldr_names_in_three_languages() -> None:
    for language, name, english in [("hi", "ताजिकिस्तान", "Tajikistan"), ("fa", "تاجیکستان", "Tajikistan"),
                                    ("hi", "मध्य एशिया", "Central Asia"), ("fa", "آسیای مرکزی", "Central Asia"),
                                    ("hi", "दुशांबे", "Dushanbe"), ("fa", "دوشنبه", "Dushanbe"),
                                    ("en", "Dushanbe", "Dushanbe")]:
        assert gazetteer.name_index(language)[fine_key(name)].english == english
    # the one CLDR city that is also a weekday in these languages
    assert gazetteer.calendar_words("fa") == {"دوشنبه": ("weekday", 0)}
    assert gazetteer.calendar_words("hi") == {}


NAME_CASES = [
    # Hindi: CLDR names, spelling variants, adjectives, people after titles
    ("ताजिकिस्तान के उप विदेश मंत्री फरहाद सलीम ने दुशांबे में चीन के विशेष प्रतिनिधि चेन गैपिन से मुलाकात की।", "hi",
     [("place", "tajikistan"), ("person", "prhd slm"), ("place", "dushanbe"), ("place", "china"),
      ("person", "cn gpn")]),
    ("मास्को दक्षिण से घुसपैठ की स्थिति में", "hi", [("place", "moscow")]),
    ("चीनी विदेश मंत्रालय और एक ताजिक समूह", "hi", [("place", "china"), ("place", "tajikistan")]),
    ("तालिबान ने उत्तरी अफगानिस्तान में", "hi", [("organisation", "taliban"), ("place", "afghanistan")]),
    ("नई दिल्ली में मध्य एशिया पर बैठक", "hi", [("place", "new delhi"), ("place", "central asia")]),
    # a title that is an adjective here, and descriptors with no name after them
    ("चीन ताजिकिस्तान में एक प्रमुख निवेशक है", "hi", [("place", "china"), ("place", "tajikistan")]),
    ("विशेष प्रतिनिधि राष्ट्रीय सुरक्षा सलाहकार क्षेत्रीय सुरक्षा वार्ता के चौथे दौर में", "hi", []),
    # Persian
    ("وزیر امور خارجه تاجیکستان سراج الدین مهرالدین با همتای خود دیدار کرد", "fa",
     [("place", "tajikistan"), ("person", "srj ldn mhrldn")]),
    ("معاون رئیس حزب خلقی دموکراتیک تاجیکستان", "fa", [("place", "tajikistan")]),  # a party, no person
    ("نیروهای روسی و چینی‌ها در كابل", "fa", [("place", "russia"), ("place", "china"), ("place", "kabul")]),
    ("اسلام آباد و پکن", "fa", [("place", "islamabad"), ("place", "beijing")]),
    # دوشنبه: Dushanbe or Monday, decided by context
    ("دوشنبه، 12.07.2024 /”خاور”/.", "fa", [("place", "dushanbe")]),  # 12 July 2024 was a Friday
    ("دوشنبه، 15.07.2024 /”خاور”/.", "fa", []),  # 15 July 2024 was a Monday
    ("دوشنبه، ۲۲ تیر ۱۴۰۳", "fa", [("place", "dushanbe")]),  # the same Friday, Solar Hijri
    ("دوشنبه و پکن همکاری میکنند", "fa", [("place", "dushanbe"), ("place", "beijing")]),
    ("در دوشنبه جلسه برگزار شد", "fa", [("place", "dushanbe")]),
    ("روز دوشنبه جلسه برگزار شد", "fa", []),
    ("دوشنبه گذشته وزیر گفت", "fa", []),
    ("شنبه و دوشنبه تعطیل است", "fa", []),
    ("دوشنبه جلسه برگزار شد", "fa", []),  # nothing says which: the day, the commoner reading
]


@pytest.mark.parametrize(("text", "language", "expected"), NAME_CASES)
def test_find_names(text: str, language: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.kind, m.value) for m in find_names(text, language)] == expected


class TableEmbedder:
    """Vectors chosen by the test, so that the tie-breaker's decision is known."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


def _person(text: str, side: int) -> NameMention:
    return NameMention("person", latin_key(text), romanize(text), text, side, None, latin_key(text, compact=True))


@pytest.mark.parametrize(
    ("cosine", "matched"), [(0.95, True), (0.85, False)],
)
def test_the_embedder_breaks_ties_between_near_keys(cosine: float, matched: bool) -> None:
    # मेहरुद्दीन (mhrdn) and مهرالدین (mhrldn) are one consonant apart
    left = NameGroups.of([_person("मेहरुद्दीन", 0)])
    right = NameGroups.of([_person("مهرالدین", 0)])
    other = np.sqrt(1 - cosine**2)
    embedder = TableEmbedder({"मेहरुद्दीन": [1.0, 0.0], "مهرالدین": [cosine, other]})
    assert bool(match_names(left, right, embedder)) is matched
    assert match_names(left, right) == []  # without an embedder only equal keys match


def test_the_embedder_picks_the_clearer_of_two_candidates() -> None:
    left = NameGroups.of([_person("मेहरुद्दीन", 0)])
    # mhrldn and mhrbdn are both one consonant from mhrdn
    right = NameGroups.of([_person("مهربدین", 0), _person("مهرالدین", 1)])
    embedder = TableEmbedder({"मेहरुद्दीन": [1.0, 0.0], "مهرالدین": [0.99, 0.141], "مهربدین": [0.92, 0.39]})
    assert match_names(left, right, embedder) == [("key:mhrdn", "key:mhrldn")]


def test_seeds_compared_without_translation_name_what_both_and_each_mention() -> None:
    hindi, persian = (xlcompare.untranslated(xlcompare.load_article(SEEDS / name)) for name in
                      ("hi_tajikistan_china_counterterrorism.txt", "fa_tajikistan_denies_chinese_base.txt"))
    mentions = compare_mentions(hindi, persian)
    assert mentions.names_from == "source"
    names = ("person", "place", "organisation", "name")
    shared = {a.display for a, _ in mentions.shared if a.kind in names}
    left_only = {g.display for g in mentions.left_only if g.kind in names}
    right_only = {g.display for g in mentions.right_only if g.kind in names}
    assert shared == {"China", "Tajikistan", "Dushanbe"}
    assert left_only == {"Farhad Salim", "Chen Gaipin", "Central Asia", "Afghanistan", "Russia",
                         "Moscow", "Taliban"}
    assert right_only == {"Beijing"}
    dushanbe = next(b for a, b in mentions.shared if a.display == "Dushanbe")
    assert dushanbe.segment_ids == (4, 7)  # the dateline and "دوشنبه و پکن"

"""The Comparison: uniques, mentions (numbers, dates, names), themes, warnings, JSON shape.

Articles are built in the test from sentences with exact offsets. Where a side needs English,
the English is hand-written input to the name heuristic (what a translation would carry),
not a stand-in for a model's quality.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from xlcompare.alignment.model import Alignment
from xlcompare.article.model import Article
from xlcompare.comparison import SCHEMA, build_comparison, compare_articles
from xlcompare.comparison.compare import date_gap_warnings
from xlcompare.comparison.mentions import (
    NAME_KINDS,
    compare_mentions,
    extract_entities,
    extract_numbers_and_dates,
)
from xlcompare.comparison.themes import group_themes
from xlcompare.segments.model import Segment
from xlcompare.translation.model import FLAG_LOW_CONFIDENCE, TranslatedArticle, Translation


def make_side(
    sentences: list[str | tuple[str, bool]],
    language: str = "en",
    *,
    english: dict[int, str] | None = None,
    date: str | None = None,
    title: str | None = None,
) -> TranslatedArticle:
    """An article of one sentence per line; (text, True) marks a boilerplate line."""
    text, segments, position = "", [], 0
    for number, item in enumerate(sentences):
        sentence, boilerplate = (item, False) if isinstance(item, str) else item
        segments.append(Segment(number, position, position + len(sentence), sentence, boilerplate))
        text += sentence + "\n"
        position = len(text)
    article = Article(text=text, language=language, path=f"{language}.txt", title=title, date=date)
    translations = {i: Translation(i, en) for i, en in (english or {}).items()}
    return TranslatedArticle(article, segments, translations)


# Distinct topics, so that the identical sentences stand out clearly from their neighbours
# (margin scores need contrast); the furniture lines repeat content sentences word for word.
MINISTERS = "The foreign ministers met in the capital on Monday to discuss border security."
SNOW = "Heavy snow is expected in the mountains this weekend."
LEFT_SENTENCES = [
    ("Home | News | Sport | Weather", True),
    MINISTERS,
    "Add two cups of flour and bake the bread for forty minutes.",
    "The home team won the football final with a late goal.",
    SNOW,
    (MINISTERS, True),
]
RIGHT_SENTENCES = [
    MINISTERS,
    ("Related news: " + SNOW, True),
    "Share prices fell sharply on the stock exchange after the announcement.",
    SNOW,
    "The orchestra played a new symphony to a full concert hall.",
    (SNOW, True),
]


@pytest.fixture(scope="module")
def comparison(embedder):
    return compare_articles(make_side(LEFT_SENTENCES), make_side(RIGHT_SENTENCES), embedder=embedder)


# --- uniques and alignments -----------------------------------------------------------------


def test_uniques_are_content_segments_in_no_alignment(comparison):
    assert comparison.alignments, "identical sentences must be aligned"
    for name, uniques in (("left", comparison.unique_left), ("right", comparison.unique_right)):
        side = comparison.side(name)
        aligned = {i for a in comparison.alignments for i in getattr(a, name)}
        content = {s.id for s in side.segments if not s.boilerplate}
        assert set(uniques) == content - aligned
        assert uniques == sorted(uniques)


def test_boilerplate_is_never_aligned(comparison):
    # The furniture lines repeat content sentences word for word: only the flag keeps them out.
    for name in ("left", "right"):
        furniture = {s.id for s in comparison.side(name).segments if s.boilerplate}
        aligned = {i for a in comparison.alignments for i in getattr(a, name)}
        assert not furniture & aligned
        assert not furniture & set(getattr(comparison, f"unique_{name}"))


def test_build_comparison_drops_boilerplate_from_given_alignments():
    left, right = make_side(LEFT_SENTENCES), make_side(RIGHT_SENTENCES)
    given = [Alignment((0, 1), (0,), 1.2, 0.9), Alignment((5,), (5,), 1.3, 0.95), Alignment((2,), (2, 3), 1.1, 0.8)]
    result = build_comparison(left, right, given)
    for a in result.alignments:
        assert not {0, 5} & set(a.left) and not {1, 5} & set(a.right)
    assert [(a.left, a.right) for a in result.alignments] == [((1,), (0,)), ((2,), (2, 3))]


def test_rows_show_every_content_segment_once_in_order(comparison):
    rows = comparison.rows()
    for name in ("left", "right"):
        ids = [i for row in rows for i in getattr(row, f"{name}_ids")]
        content = [s.id for s in comparison.side(name).segments if not s.boilerplate]
        assert sorted(ids) == content
    left_firsts = [min(r.left_ids) for r in rows if r.left_ids]
    assert left_firsts == sorted(left_firsts)


@pytest.mark.parametrize(
    "alignments, expected_right_order",
    [
        # right-only 1 follows the row of right 0; right-only 3 follows the row of right 2
        ([Alignment((0,), (0,), 1.2), Alignment((2,), (2,), 1.2)], [0, 1, 2, 3]),
        # right 0 is right-only with nothing before it: it goes before the row of right 1
        ([Alignment((1,), (1,), 1.2)], [0, 1, 2, 3]),
        # nothing aligned: right-only rows interleave by relative position
        ([], [0, 1, 2, 3]),
    ],
)
def test_right_only_rows_sit_next_to_their_neighbours(alignments, expected_right_order):
    left = make_side(["a one", "b two", "c three", "d four"])
    right = make_side(["w one", "x two", "y three", "z four"])
    rows = build_comparison(left, right, alignments).rows()
    assert [i for row in rows for i in row.right_ids] == expected_right_order
    if not alignments:
        kinds = [row.kind for row in rows]
        assert kinds.count("unique-left") == 4 and kinds.count("unique-right") == 4
        assert kinds != ["unique-right"] * 4 + ["unique-left"] * 4


# --- numbers and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("१२ जुलाई २०२४ को", [("date", "2024-07-12")]),
        ("in 2020 and ۱۳۹۹", [("year", "2020"), ("number", "1399")]),
        ("۴۵٪ and 12.5 percent and ۳۰ درصد and 7 प्रतिशत", [("percent", "45"), ("percent", "12.5"), ("percent", "30"), ("percent", "7")]),
        ("۱۲٬۰۰۰ نفر", [("number", "12000")]),
        ("1,00,000 लोग", [("number", "100000")]),
        ("۲٫۵ میلیون", [("number", "2500000")]),
        ("2.5 million", [("number", "2500000")]),
        ("५वें दौर", [("number", "5")]),
        ("752 بازدید ها", [("number", "752")]),
        ("19:00", []),
        ("photo_2025-10-30_09-04-03", []),
        ("COVID-19", [("number", "19")]),
        ("5 may be", [("number", "5")]),
    ],
)
def test_numbers_and_dates_are_script_independent(text, expected):
    # Dates alone are tested once for every entry point: tests/test_lang_dates.py.
    assert [(m.kind, m.value) for m in extract_numbers_and_dates(text)] == expected


@pytest.mark.parametrize(
    "left_text, right_text, left_only, right_only",
    [
        ("They met on 12.07.2024.", "آنها در ۱۲ ژوئیه ۲۰۲۴ دیدار کردند.", [], []),
        ("७५२ लोग आए।", "۷۵۲ نفر آمدند.", [], []),
        ("१२ जुलाई २०२४ को बैठक हुई।", "نشست در ۲۲ تیر ۱۴۰۳ برگزار شد.", [], []),
        ("2020 में बैठक हुई।", "نشست در سال ۲۰۲۴ برگزار شد.", ["year:2020"], ["year:2024"]),
        ("۴۵٪ رای دادند.", "45 percent voted.", [], []),
        ("45 percent voted.", "45 voted.", ["percent:45"], ["number:45"]),
        ("५ दिसंबर को", "December 4", ["date:--12-05"], ["date:--12-04"]),
        # a full date covers its year, not the other way round
        ("दुशांबे, 12.07.2024", "در سال ۲۰۲۴", ["date:2024-07-12"], []),
        ("۲٫۵ میلیون نفر", "2.5 million people and 3 cars", [], ["number:3"]),
    ],
)
def test_mentions_one_side_only(left_text, right_text, left_only, right_only):
    diff = compare_mentions(make_side([left_text], "hi"), make_side([right_text], "fa"))
    numbers = lambda groups: [f"{g.kind}:{g.value}" for g in groups if g.kind not in NAME_KINDS]  # noqa: E731
    assert numbers(diff.left_only) == left_only
    assert numbers(diff.right_only) == right_only
    assert diff.names_from == "source"  # not translated: names are read from the sources


def test_mentions_ignore_boilerplate():
    left = make_side(["Talks were held.", ("12.07.2024 19:00, 752 views", True)])
    right = make_side(["Talks were held.", ("4 December navy day; 9 days of protest", True)])
    diff = compare_mentions(left, right)
    assert diff.left_only == [] and diff.right_only == []


def test_mention_groups_point_at_their_segments():
    left = make_side(["Nothing here.", "In 2024 they met.", "Again in 2024."])
    diff = compare_mentions(left, make_side(["Nothing."]))
    (group,) = diff.left_only
    assert group.segment_ids == (1, 2)
    assert all(text in left.segments[i].text for i in group.segment_ids for text in group.texts)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "english, expected",
    [
        ("Tajikistan's Deputy Foreign Minister Farhad Salim met Chen Gaiping in Dushanbe.",
         {"tajikistan", "farhad salim", "chen gaiping", "dushanbe"}),
        ("The Taliban allied with a Tajik group in northern Afghanistan.", {"taliban", "tajikistan", "afghanistan"}),
        ("China is a major investor.", {"china"}),  # sentence-initial, but in the gazetteer
        ("Yesterday it rained.", set()),  # sentence-initial and unknown: not a name
        ("They met the Foreign Ministry.", set()),  # generic words only
        ("Let us talk to the US.", {"united state"}),
    ],
)
def test_entity_heuristic(english, expected):
    assert {m.value for m in extract_entities(english)} == expected


@pytest.mark.parametrize(
    "left_english, right_english, left_only, right_only",
    [
        ("Chinese officials visited.", "Officials from China visited.", [], []),
        ("The Tajik border was closed.", "Tajikistan closed the border.", [], []),
        ("Farhad Salim met the envoy in Moscow.", "Salim met the envoy.", ["farhad salim", "moscow"], []),
        ("Russia held drills.", "RUSSIA held drills with Kazakhstan.", [], ["kazakhstan"]),
    ],
)
def test_names_one_side_only(left_english, right_english, left_only, right_only):
    left = make_side(["source L"], "hi", english={0: left_english})
    right = make_side(["source R"], "fa", english={0: right_english})
    diff = compare_mentions(left, right)
    assert diff.entities_compared
    names = lambda groups: sorted(g.value for g in groups if g.kind in ("person", "place", "organisation", "name"))  # noqa: E731
    assert names(diff.left_only) == sorted(left_only)
    assert names(diff.right_only) == sorted(right_only)


def test_with_one_side_translated_names_come_from_both_sources():
    left = make_side(["मास्को और बीजिंग में बैठक हुई।"], "hi", english={0: "Meetings in Moscow and Beijing."})
    right = make_side(["نشست در پکن برگزار شد."], "fa")
    result = build_comparison(left, right, [])
    mentions = result.mentions
    assert mentions.entities_compared and mentions.names_from == "source"
    assert [g.display for g in mentions.left_only if g.kind in NAME_KINDS] == ["Moscow"]
    assert [(a.display, b.texts) for a, b in mentions.shared] == [("Beijing", ("پکن",))]
    assert any("Only the left article is translated" in w and "source texts" in w for w in result.warnings)


def test_names_are_not_compared_in_a_script_xlcompare_cannot_read():
    left = make_side(["Встреча в Москве."], "ru")
    right = make_side(["نشست در مسکو برگزار شد."], "fa")
    mentions = compare_mentions(left, right)
    assert not mentions.entities_compared and mentions.names_from is None
    assert not [g for g in mentions.left_only + mentions.right_only if g.kind in NAME_KINDS]


# --- warnings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "left_date, right_date, warns",
    [
        ("2020-12-05", "2024-07-12", True),
        ("2024-07-12", "2024-07-01", False),
        ("2024-07-12", "2024-08-12", True),  # 31 days
        ("2024-07-12", "2024-08-11", False),  # 30 days
    ],
)
def test_date_gap_warning(left_date, right_date, warns):
    warnings = date_gap_warnings(left_date, right_date)
    assert bool(warnings) == warns
    if warns:
        days = abs((dt.date.fromisoformat(right_date) - dt.date.fromisoformat(left_date)).days)
        assert f"published {days} days apart ({left_date} vs {right_date})" in warnings[0]


@pytest.mark.parametrize(
    "left_date, right_date, says",
    [
        (None, "2024-07-12", ["The left article's publication date is unknown", "--left-date"]),
        ("2024-07-12", None, ["The right article's publication date is unknown", "--right-date"]),
        ("2024", "2024-07-12", ["not known to the day (2024)", "--left-date"]),  # no claim from a year
        (None, None, ["Neither article's publication date is known", "--left-date and --right-date"]),
    ],
)
def test_an_unknown_date_says_the_time_gap_cannot_be_checked(left_date, right_date, says):
    (warning,) = date_gap_warnings(left_date, right_date)
    assert "cannot be checked" in warning
    assert all(part in warning for part in says)
    assert "days apart" not in warning


def test_comparison_carries_date_gap_warning():
    left = make_side(["One."], date="2020-12-05")
    right = make_side(["Two."], date="2024-07-12")
    assert any("days apart" in w for w in build_comparison(left, right, []).warnings)


# --- themes ---------------------------------------------------------------------------------


def test_themes_cover_each_content_segment_once(comparison):
    for name in ("left", "right"):
        ids = [i for t in comparison.themes for i in getattr(t, f"{name}_ids")]
        content = sorted(s.id for s in comparison.side(name).segments if not s.boilerplate)
        assert sorted(ids) == content
    for theme in comparison.themes:
        size = len(theme.left_ids) + len(theme.right_ids)
        assert theme.other or size >= 2
        assert theme.label
    others = [t for t in comparison.themes if t.other]
    assert len(others) <= 1 and (not others or comparison.themes[-1].other)


def test_aligned_segments_share_a_theme(comparison):
    theme_of = {}
    for number, theme in enumerate(comparison.themes):
        theme_of.update({("left", i): number for i in theme.left_ids})
        theme_of.update({("right", i): number for i in theme.right_ids})
    for a in comparison.alignments:
        assert len({theme_of[("left", i)] for i in a.left} | {theme_of[("right", i)] for i in a.right}) == 1


def test_themes_are_deterministic_and_labelled_by_english_when_translated(embedder):
    english = {i: f"English {i}: the ministers discussed security and trade." for i in range(3)}
    left = make_side(["one", "two", "three"], "hi", english=english)
    right = make_side(["uno", "dos", "tres"], "fa", english=english)
    first, _ = group_themes(left, right, [], embedder, threshold=-1.0)
    second, _ = group_themes(left, right, [], embedder, threshold=-1.0)
    assert first == second
    (theme,) = first
    assert theme.label_source == "translation"
    assert theme.label in english.values()


@pytest.mark.parametrize(
    ("language", "words"),
    [("fa", ["بیشتر", "برخی", "این", "که"]), ("hi", ["और", "के", "करने", "लिए"]), ("en", ["the", "some", "more"])],
)
def test_stop_word_lists_are_real_lists(language, words):
    from xlcompare.comparison.themes import stop_words

    listed = stop_words(language)
    assert len(listed) > 100 and set(words) <= listed
    assert stop_words("xx") == frozenset()


@pytest.fixture(scope="module")
def seed_themes(seeds_comparison):
    return seeds_comparison.themes


def test_keyword_labels_of_the_seeds_hold_no_stop_words(seed_themes):
    from xlcompare.comparison.themes import stop_words

    labelled = [t for t in seed_themes if t.label_source == "keywords"]
    assert labelled
    words = [w for t in labelled for part in t.label.split(" · ") for w in part.split(", ")]
    assert words and not set(words) & (stop_words("hi") | stop_words("fa"))
    # Reported on the untranslated seeds before stop-word lists and contrastive ranking.
    assert not {"بیشتر", "برخی", "निबटने"} & set(words)


def test_a_translated_side_gets_english_keywords(embedder):
    english = {0: "Tajikistan and China will fight terrorism together.",
               1: "The two countries agreed to fight terrorism and extremism.",
               2: "A new bridge opened over the river in the capital."}
    left = make_side(["एक", "दो", "तीन"], "hi", english=english)
    right = make_side(["تاجیکستان و چین با تروریسم مبارزه می کنند.", "دو کشور بر مبارزه با تروریسم توافق کردند.",
                       "پل جدیدی بر روی رودخانه در پایتخت افتتاح شد."], "fa")
    themes, _ = group_themes(left, right, [], embedder, threshold=-1.0)
    (theme,) = themes
    left_part = theme.label.split(" · ")[0].split(", ")
    assert theme.label_source == "keywords" and len(left_part) == 3
    words = {w.lower() for text in english.values() for w in text.replace(".", "").split()}
    assert set(left_part) <= words  # the English of the translated side, not its source
    assert not set(left_part) & {"the", "and", "will", "over", "two"}


def test_themes_skipped_above_the_limit(embedder):
    left = make_side(["a", "b", "c"])
    themes, warnings = group_themes(left, left, [], embedder, max_segments=5)
    assert themes == [] and "skipped" in warnings[0]


# --- JSON shape -----------------------------------------------------------------------------


def test_to_dict_schema(comparison):
    d = json.loads(json.dumps(comparison.to_dict(), ensure_ascii=False))
    assert d["schema"] == SCHEMA == "xlcompare.comparison/1"
    assert {"schema", "left", "right", "alignments", "signature", "unique", "mentions", "themes", "warnings"} <= set(d)
    for name in ("left", "right"):
        side = d[name]
        assert {"path", "language", "title", "date", "segments"} <= set(side)
        text = comparison.side(name).article.text
        for seg in side["segments"]:
            assert {"id", "start", "end", "text", "boilerplate", "translation"} <= set(seg)
            assert isinstance(seg["id"], int) and isinstance(seg["boilerplate"], bool)
            assert isinstance(seg["start"], int) and isinstance(seg["end"], int)
            assert text[seg["start"] : seg["end"]] == seg["text"]
            assert seg["translation"] is None or isinstance(seg["translation"], str)
    for a in d["alignments"]:
        assert set(a) >= {"left", "right", "score"}
        assert all(isinstance(i, int) for i in a["left"] + a["right"])
        assert isinstance(a["score"], float)
    assert set(d["unique"]) == {"left", "right"}
    assert set(d["mentions"]) >= {"left_only", "right_only", "shared", "entities_compared"}
    for theme in d["themes"]:
        assert set(theme) >= {"label", "left", "right"}
    assert all(isinstance(w, str) for w in d["warnings"])


def test_signature_names_what_produced_the_result(comparison, embedder):
    sig = comparison.signature
    from xlcompare.version import __version__

    assert sig["xlcompare"] == __version__
    assert sig["embedder"]["embedder"] == embedder.name
    assert sig["alignment"]["method"]
    assert sig["themes"]["threshold"] is not None
    assert sig["string"].endswith(f"version:{__version__}") and f"emb:{embedder.name}" in sig["string"]


def test_translation_flags_survive_in_to_dict():
    left = make_side(["source"], "hi")
    left.translations[0] = Translation(0, "english", flags=(FLAG_LOW_CONFIDENCE,), confidence=0.4)
    d = build_comparison(left, make_side(["x"]), []).to_dict()
    seg = d["left"]["segments"][0]
    assert seg["translation"] == "english" and seg["flags"] == [FLAG_LOW_CONFIDENCE] and seg["confidence"] == 0.4


def test_repr_html_is_the_escaped_side_by_side_view():
    left = make_side(["<script>alert(1)</script> said the minister"], title="<b>bold</b>")
    html_view = build_comparison(left, make_side(["something else"], "fa"), [])._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_view
    assert "<script" not in html_view and "<b>bold" not in html_view
    assert 'class="row unique-left"' in html_view and 'dir="rtl"' in html_view

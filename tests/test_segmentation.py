"""Sentence segmentation: edge-case tables per language, the lossless invariant, the seeds."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcompare.article import load_article
from xlcompare.article.model import Article, Block
from xlcompare.segments import segment_article, segment_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HINDI_SEED = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
PERSIAN_SEED = SEEDS / "fa_tajikistan_denies_chinese_base.txt"

ZWNJ = "\u200c"


def sentences(text: str, language: str) -> list[str]:
    return [text[s:e] for s, e in segment_sentences(text, language)]


HINDI_CASES = [
    ("वह आया। वह गया।", ["वह आया।", "वह गया।"]),
    ("राम ने कहा॥ सीता चुप रही।", ["राम ने कहा॥", "सीता चुप रही।"]),
    ("क्या वह आया? हाँ! वह आया।", ["क्या वह आया?", "हाँ!", "वह आया।"]),
    # '.' is a full stop in Hindi news text ...
    ("बैठक की. पीएम मोदी ने कहा", ["बैठक की.", "पीएम मोदी ने कहा"]),
    # ... but not after an abbreviation or an initial.
    ("डॉ. शर्मा आए। ए. के. सिंह भी।", ["डॉ. शर्मा आए।", "ए. के. सिंह भी।"]),
    ("यह 1.5 प्रतिशत है। दर २.५ है।", ["यह 1.5 प्रतिशत है।", "दर २.५ है।"]),
    ("उसने कहा, “मैं आऊँगा।” फिर वह गया।", ["उसने कहा, “मैं आऊँगा।”", "फिर वह गया।"]),
    ("दंड के बिना।अगला वाक्य।", ["दंड के बिना।", "अगला वाक्य।"]),
    ("सूची: एक; दो; तीन", ["सूची: एक; दो; तीन"]),
    ("पहली पंक्ति\nदूसरी पंक्ति", ["पहली पंक्ति", "दूसरी पंक्ति"]),
    ("1. पहला बिंदु है", ["1. पहला बिंदु है"]),
    ("वे आए... और चले गए।", ["वे आए... और चले गए।"]),
    ("क्या?!अरे", ["क्या?!", "अरे"]),
    ("पद संभल लिया | फ़र्नांडो आए।", ["पद संभल लिया |", "फ़र्नांडो आए।"]),  # '|' typed for '।'
    ("Site | पेज", ["Site | पेज"]),
]

PERSIAN_CASES = [
    ("او آمد. او رفت.", ["او آمد.", "او رفت."]),
    ("آیا او آمد؟ بله!", ["آیا او آمد؟", "بله!"]),
    # ؛ is a semicolon, not a full stop.
    ("او آمد؛ سپس رفت.", ["او آمد؛ سپس رفت."]),
    ("نرخ ۲٫۱ درصد است. رشد 1.5 بود.", ["نرخ ۲٫۱ درصد است.", "رشد 1.5 بود."]),
    ("دوشنبه، 12.07.2024 /”خاور”/. وزارت خارجه گفت.", ["دوشنبه، 12.07.2024 /”خاور”/.",
                                                       "وزارت خارجه گفت."]),
    ("او گفت: «ما می\u200cآییم.» سپس رفت.", ["او گفت: «ما می\u200cآییم.»", "سپس رفت."]),
    ("م. احمدی آمد. او رفت.", ["م. احمدی آمد.", "او رفت."]),
    ("در سال ۵۰۰ ق.م. شهری بود.", ["در سال ۵۰۰ ق.م. شهری بود."]),
    ("این است.آن نیست.", ["این است.", "آن نیست."]),
    (f"کتاب{ZWNJ}ها اینجاست؟آنجا", [f"کتاب{ZWNJ}ها اینجاست؟", "آنجا"]),
    ("همکاری ها و ... ادامه دارد.", ["همکاری ها و ... ادامه دارد."]),
    ("سطر اول\r\nسطر دوم.", ["سطر اول", "سطر دوم."]),
]

ENGLISH_CASES = [
    ("He came. She left.", ["He came.", "She left."]),
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("Growth was 1.5 percent. Prices rose.", ["Growth was 1.5 percent.", "Prices rose."]),
    ("The U.S. President spoke. Nobody replied.", ["The U.S. President spoke.", "Nobody replied."]),
    ("It grew in the U.S. The economy slowed.", ["It grew in the U.S.", "The economy slowed."]),
    ("Fruits, e.g. apples, are sweet. Yes.", ["Fruits, e.g. apples, are sweet.", "Yes."]),
    ("J. K. Rowling wrote it. Really?", ["J. K. Rowling wrote it.", "Really?"]),
    ("He said \"stop.\" Then he left.", ["He said \"stop.\"", "Then he left."]),
    ("(It ended.) Next one.", ["(It ended.)", "Next one."]),
    ("Wait... what? Go.", ["Wait... what?", "Go."]),
    ("It was late... The end.", ["It was late...", "The end."]),
    ("See No. 5 here. Done.", ["See No. 5 here.", "Done."]),
    ("The answer was no. He left.", ["The answer was no.", "He left."]),
    ("1. First item", ["1. First item"]),
    ("Visit example.com today. Ok.", ["Visit example.com today.", "Ok."]),
    ("  padded sentence.  ", ["padded sentence."]),
    ("Apple Inc. The company grew.", ["Apple Inc.", "The company grew."]),
    ("Kick-off at 3 p.m. on Monday. Tickets sold out.",
     ["Kick-off at 3 p.m. on Monday.", "Tickets sold out."]),
    ("We paint, draw, etc. Interactive design follows.",
     ["We paint, draw, etc.", "Interactive design follows."]),
    ("News | World | Asia", ["News | World | Asia"]),
    ("", []),
    (" \n\r\n\t ", []),
]


# Languages without rules of their own get the generic ones.
GENERIC_CASES = [
    ("de", "Die Sitzung fand am 3. Oktober 2024 statt. Danach sprach Mme. Curie.",
     ["Die Sitzung fand am 3. Oktober 2024 statt.", "Danach sprach Mme. Curie."]),
    ("de", "Er sagte: „Ja.“ Dann ging er. Das kostet ca. 5 Euro bzw. mehr.",
     ["Er sagte: „Ja.“", "Dann ging er.", "Das kostet ca. 5 Euro bzw. mehr."]),
    ("fr", "M. Dupont est arrivé. Il a dit « bonjour ». Puis il est parti !",
     ["M. Dupont est arrivé.", "Il a dit « bonjour ».", "Puis il est parti !"]),
    ("es", "¿Qué pasa? ¡Nada! La Sra. García llegó.", ["¿Qué pasa?", "¡Nada!", "La Sra. García llegó."]),
    ("zh", "中国外交部表示，报道没有根据。双方将加强合作！你好吗？我很好。",
     ["中国外交部表示，报道没有根据。", "双方将加强合作！", "你好吗？", "我很好。"]),
    ("zh", "他说了.我们走吧?好的", ["他说了.", "我们走吧?", "好的"]),
    ("zh", "增长了3.5%。", ["增长了3.5%。"]),
    ("ja", "東京で会議が開かれた。参加者は百人だった。", ["東京で会議が開かれた。", "参加者は百人だった。"]),
    ("ru", "Министерство заявило об этом. Т. е. всё в порядке. Д. Медведев приехал.",
     ["Министерство заявило об этом.", "Т. е. всё в порядке.", "Д. Медведев приехал."]),
    ("tg", "Вазорати корҳои хориҷӣ хабар дод. Ин гузориш беасос аст.",
     ["Вазорати корҳои хориҷӣ хабар дод.", "Ин гузориш беасос аст."]),
    ("ur", "وزارت خارجہ نے کہا۔ یہ خبر بے بنیاد ہے؟ جی ہاں۔",
     ["وزارت خارجہ نے کہا۔", "یہ خبر بے بنیاد ہے؟", "جی ہاں۔"]),
    ("hy", "Նա եկավ։ Նա գնաց։", ["Նա եկավ։", "Նա գնաց։"]),
    ("am", "እሱ መጣ። እሷ ሄደች።", ["እሱ መጣ።", "እሷ ሄደች።"]),
    ("bn", "সে এল। সে গেল।", ["সে এল।", "সে গেল।"]),
    ("und", "One thing. Another thing... And 1.5 more.", ["One thing.", "Another thing...",
                                                         "And 1.5 more."]),
]


@pytest.mark.parametrize(("language", "text", "expected"), GENERIC_CASES)
def test_other_languages(language: str, text: str, expected: list[str]) -> None:
    assert sentences(text, language) == expected


@pytest.mark.parametrize(("text", "expected"), HINDI_CASES)
def test_hindi(text: str, expected: list[str]) -> None:
    assert sentences(text, "hi") == expected


@pytest.mark.parametrize(("text", "expected"), PERSIAN_CASES)
def test_persian(text: str, expected: list[str]) -> None:
    assert sentences(text, "fa") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH_CASES)
def test_english(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected


def check_lossless(text: str, spans: list[tuple[int, int]]) -> None:
    position = 0
    rebuilt = []
    for start, end in spans:
        assert position <= start < end <= len(text), (start, end)
        gap = text[position:start]
        assert gap.strip() == "", f"non-whitespace lost in gap {gap!r}"
        piece = text[start:end]
        assert piece == piece.strip(), f"segment with surrounding whitespace {piece!r}"
        rebuilt.append(gap)
        rebuilt.append(piece)
        position = end
    assert text[position:].strip() == ""
    rebuilt.append(text[position:])
    assert "".join(rebuilt) == text


ALPHABET = st.sampled_from(
    list("कखगमनरसहािीुेोंँ्") + list("ابپتچژکگیيكهوند") + list("abcXYZ") + list("0123۰۲٫٤٥२५")
    + list("।॥؟؛.!?٫“”«»\"')(:,") + [ZWNJ, " ", " ", "\t", "\n", "\r\n", "\r", "\u00a0", "...", "…"]
)
TEXTS = st.lists(ALPHABET, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, language=st.sampled_from(["hi", "fa", "en", "ar", "de", "zh", "xx"]))
def test_segments_and_gaps_reproduce_the_input(text: str, language: str) -> None:
    spans = segment_sentences(text, language)
    check_lossless(text, spans)
    # Sentences never cross a line break.
    for start, end in spans:
        assert not any(ch in text[start:end] for ch in "\n\r")


@settings(max_examples=100, deadline=None)
@given(text=TEXTS, cut=st.integers(min_value=0, max_value=80))
def test_segment_article_respects_blocks(text: str, cut: int) -> None:
    cut = min(cut, len(text))
    blocks = [Block(0, cut, "paragraph"), Block(cut, len(text), "list", True, "test")]
    article = Article(text=text, language="fa", blocks=blocks)
    segments = segment_article(article)
    check_lossless(text, [(s.start, s.end) for s in segments])
    assert [s.id for s in segments] == list(range(len(segments)))
    for segment in segments:
        assert segment.text == text[segment.start:segment.end]
        assert segment.end <= cut or segment.start >= cut
        assert segment.boilerplate == (segment.start >= cut)


@pytest.fixture(scope="module")
def hindi() -> Article:
    return load_article(HINDI_SEED)


@pytest.fixture(scope="module")
def persian() -> Article:
    return load_article(PERSIAN_SEED)


def test_seeds_reconstruct(hindi: Article, persian: Article) -> None:
    for article in (hindi, persian):
        segments = segment_article(article)
        check_lossless(article.text, [(s.start, s.end) for s in segments])
        assert article.text == (SEEDS / Path(article.path).name).read_text(encoding="utf-8")


def test_hindi_seed_segments(hindi: Article) -> None:
    segments = segment_article(hindi)
    text = hindi.text
    popular = text.index("popular post")
    body = [s for s in segments if s.start < popular]
    furniture = [s for s in segments if s.start >= popular]
    assert body and furniture
    assert not any(s.boilerplate for s in body)
    assert all(s.boilerplate for s in furniture)
    # Every body line yields at least as many sentences as it has dandas.
    for block in hindi.blocks:
        if block.end <= popular:
            inside = [s for s in body if block.start <= s.start and s.end <= block.end]
            assert len(inside) >= max(1, text[block.start:block.end].count("।"))
    # One segment per line of the headline list (or more, where a teaser has a full stop).
    list_lines = [line for line in text[popular:].splitlines() if line.strip()]
    assert len(furniture) >= len(list_lines)


def test_persian_seed_segments(persian: Article) -> None:
    segments = segment_article(persian)
    text = persian.text
    boilerplate = [s.text for s in segments if s.boilerplate]
    content = [s for s in segments if not s.boilerplate]
    assert boilerplate.count("جولای 12, 2024 19:00, 752 بازدید ها") == 2
    assert "اخبار مرتبط" in boilerplate
    assert "دیگر خبرهای این بخش" in boilerplate
    assert "VKH-MID-Tadzhikistana-Tochikiston" in boilerplate
    related = text.index("دیگر خبرهای این بخش")
    assert all(s.boilerplate for s in segments if s.start >= related)
    body_sentences = sum(1 for s in content if s.text.endswith("."))
    assert body_sentences >= 7
    # The dateline's '.' inside 12.07.2024 splits nothing; the one after /”خاور”/ does.
    assert any(s.text == "دوشنبه، 12.07.2024 /”خاور”/." for s in content)


def test_crlf_text_is_segmented_by_lines() -> None:
    text = "Title\r\nFirst sentence. Second one.\r\n\r\nThird."
    assert sentences(text, "en") == ["Title", "First sentence.", "Second one.", "Third."]


# -- pre-split input: --split lines -------------------------------------------------------------

LINE_TEXTS = st.lists(
    st.one_of(ALPHABET, st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028", "\x0c", "  \n"])),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=LINE_TEXTS)
def test_split_lines_keeps_every_line_and_exact_offsets(text: str) -> None:
    article = Article(text=text, language="fa", blocks=[])
    segments = segment_article(article, split="lines")
    check_lossless(text, [(s.start, s.end) for s in segments])
    assert [s.id for s in segments] == list(range(len(segments)))
    # One segment per non-blank line, as universal newlines (and `wc -l`) count lines.
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    assert [s.text for s in segments] == [line for line in lines if line]
    for segment in segments:
        assert segment.text == text[segment.start:segment.end]
        assert not any(ch in segment.text for ch in "\r\n")


def test_split_lines_does_not_resplit_sentences_and_marks_furniture(persian: Article) -> None:
    text = "First sentence. Second sentence on the same line.\n\n  Third line!  \r\nFourth"
    segments = segment_article(Article(text=text, language="en"), split="lines")
    assert [s.text for s in segments] == [
        "First sentence. Second sentence on the same line.", "Third line!", "Fourth"]
    by_line = segment_article(persian, split="lines")
    assert len(by_line) == len([line for line in persian.text.splitlines() if line.strip()])
    assert "اخبار مرتبط" in [s.text for s in by_line if s.boilerplate]
    assert not any(s.boilerplate for s in by_line if "پایگاه نظامی" in s.text and "بی پایه" in s.text
                   and s.text.startswith("دوشنبه"))


def test_unknown_split_mode_is_a_clear_error(persian: Article) -> None:
    from xlcompare.errors import SegmentationError
    from xlcompare.segments import splitter_id

    with pytest.raises(SegmentationError, match="unknown split mode 'words'.*sentences, lines"):
        segment_article(persian, split="words")
    assert splitter_id("lines") != splitter_id("sentences")

"""Offline language detection and the --from override."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from xlcompare.article import detect_language, load_article
from xlcompare.article.language import canonical_language, guess_language
from xlcompare.errors import LanguageError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
HINDI_SEED = SEEDS / "hi_tajikistan_china_counterterrorism.txt"
PERSIAN_SEED = SEEDS / "fa_tajikistan_denies_chinese_base.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ताजिकिस्तान के उप विदेश मंत्री ने दुशांबे में मुलाकात की।", "hi"),
        ("وزارت امور خارجه تاجیکستان گزارش برخی رسانه ها را بی پایه خواند.", "fa"),
        # Persian typed with Arabic yeh/kaf is still Persian (پ چ ژ گ give it away).
        ("وزارت امور خارجه تاجيكستان گزارش پايگاه نظامي چين را بي پايه خواند.", "fa"),
        ("أعلنت وزارة الخارجية في طاجيكستان أن التقارير عن قاعدة عسكرية صينية غير صحيحة.",
         "ar"),
        ("تاجکستان کی وزارت خارجہ نے چینی فوجی اڈے کی خبروں کو بے بنیاد قرار دیا ہے۔", "ur"),
        ("Tajikistan's foreign ministry called the reports baseless.", "en"),
        ("Вазорати корҳои хориҷии Тоҷикистон хабарҳоро беасос хонд.", "tg"),
        # A Persian article with Latin slug lines is still Persian.
        ("VKH-MID-Tadzhikistana\nوزارت امور خارجه جمهوری تاجیکستان گزارش را بی پایه خواند", "fa"),
        ("Die Regierung erklärte am Montag, dass die Berichte über eine Militärbasis nicht "
         "stimmen.", "de"),
        ("Le gouvernement a déclaré lundi que les informations sur la base militaire sont "
         "fausses.", "fr"),
        ("中国外交部表示，关于在塔吉克斯坦建立军事基地的报道没有根据。", "zh"),
        ("東京で会議が開かれた。参加者は百人だった。会議は三時間続いた。", "ja"),
        ("서울에서 회의가 열렸다. 참가자는 백 명이었다.", "ko"),
        ("Министерство иностранных дел заявило, что сообщения о базе не соответствуют "
         "действительности.", "ru"),
        ("Міністерство закордонних справ заявило, що повідомлення є неправдивими.", "uk"),
        ("Η κυβέρνηση δήλωσε ότι οι αναφορές για στρατιωτική βάση είναι ψευδείς.", "el"),
        ("Habari za kambi ya kijeshi ni uongo kabisa, wizara ilisema jana.", "pl"),  # a guess
        ("Xyzzy plugh quux frobnicate wibble wobble.", "und"),  # letters, no language
        ("", None),
        ("123 456 ...", None),
        ("کوتاه", "fa"),  # five letters: a guess, not a refusal
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "certain"),
    [
        ("Die Regierung erklärte am Montag, dass die Berichte über eine Militärbasis nicht "
         "stimmen.", True),
        ("Habari za kambi ya kijeshi ni uongo kabisa, wizara ilisema jana.", False),
        ("Xyzzy plugh quux frobnicate wibble wobble.", False),
        ("کوتاه", False),
        ("وزارت امور خارجه تاجیکستان گزارش برخی رسانه ها را بی پایه خواند.", True),
    ],
)
def test_a_guess_says_it_is_one(text: str, certain: bool) -> None:
    assert guess_language(text).certain is certain


@pytest.mark.parametrize(
    ("text", "language"),
    [("Xyzzy plugh quux frobnicate wibble wobble.", "und"), ("Hallo Welt", "und"),
     ("کوتاه است", "fa")],
)
def test_undecidable_text_is_read_with_a_warning_not_refused(
    tmp_path: Path, text: str, language: str
) -> None:
    path = tmp_path / "short.txt"
    path.write_text(text, encoding="utf-8")
    article = load_article(path)
    assert article.language == language
    assert len(article.warnings) == 1 and "--left-lang" in article.warnings[0]
    # An explicit language silences it.
    assert load_article(path, language="de").warnings == []


def test_detect_seeds() -> None:
    assert detect_language(HINDI_SEED.read_text(encoding="utf-8")) == "hi"
    assert detect_language(PERSIAN_SEED.read_text(encoding="utf-8")) == "fa"
    guess = guess_language(PERSIAN_SEED.read_text(encoding="utf-8"))
    assert guess.script == "arabic" and guess.script_share > 0.8


@pytest.mark.parametrize(
    ("code", "expected"),
    [("hi", "hi"), ("HI", "hi"), ("hin_Deva", "hi"), ("pes_Arab", "fa"), ("farsi", "fa"),
     ("per", "fa"), ("eng", "en"), ("de", "de"), ("ZH", "zh"), ("und", "und")],
)
def test_canonical_language(code: str, expected: str) -> None:
    assert canonical_language(code) == expected


def test_explicit_language_wins_and_a_mismatch_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="xlcompare"):
        article = load_article(HINDI_SEED, language="fa")
    assert article.language == "fa"
    assert article.detected_language == "hi"
    assert len(article.warnings) == 1
    assert "Hindi (hi)" in article.warnings[0] and "Persian (fa)" in article.warnings[0]
    assert any("looks like" in record.message for record in caplog.records)


@pytest.mark.parametrize("language", [None, "auto", "hi", "hin"])
def test_matching_or_auto_language_does_not_warn(language: str | None) -> None:
    article = load_article(HINDI_SEED, language=language)
    assert article.language == "hi"
    assert article.warnings == []


def test_bad_language_code_and_undetectable_text(tmp_path: Path) -> None:
    with pytest.raises(LanguageError, match="not a language code"):
        load_article(HINDI_SEED, language="hindi language")
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("12 34", encoding="utf-8")
    with pytest.raises(LanguageError, match=r"tiny\.txt: too little text.*--from"):
        load_article(tiny)
    assert load_article(tiny, language="fa").language == "fa"

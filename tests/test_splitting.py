"""Splitting segments that are longer than the model's input limit: nothing may be lost."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcompare.translation.splitting import join_translations, split_text


def count_words(text: str) -> int:
    return len(text.split())


def count_chars(text: str) -> int:
    return len(text)


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        # Fits: returned whole.
        ("one two three", 3, ["one two three"]),
        # Clause punctuation before commas, commas before bare whitespace.
        ("one two; three four, five six seven", 3, ["one two; ", "three four, ", "five six seven"]),
        # Sentence punctuation the segmenter left inside is the strongest boundary.
        ("a b c. d e, f g h", 3, ["a b c. ", "d e, ", "f g h"]),
        # Hindi danda and Persian question mark and semicolon.
        ("क ख ग। घ ङ च", 3, ["क ख ग। ", "घ ङ च"]),
        ("الف ب پ؟ ت ث ج", 3, ["الف ب پ؟ ", "ت ث ج"]),
        ("الف ب؛ پ ت ث", 3, ["الف ب؛ ", "پ ت ث"]),
        # Persian comma ، and a colon before a space.
        ("الف ب، پ ت ث", 3, ["الف ب، ", "پ ت ث"]),
        ("said: one two three", 3, ["said: ", "one two three"]),
        # A thousands separator is not a clause boundary; whitespace windows are the fallback.
        ("paid 12,000 rupees to the man", 3, ["paid 12,000 rupees ", "to the man"]),
        # Greedy packing: as many units per piece as fit.
        ("a, b, c, d, e", 3, ["a, b, c, ", "d, e"]),
    ],
)
def test_split_at_the_most_natural_boundary(text, limit, pieces):
    assert split_text(text, count_words, limit) == pieces


def test_a_word_longer_than_the_limit_is_cut_by_characters_keeping_marks():
    word = "किसानों" * 5
    pieces = split_text(word, count_chars, 8)
    assert "".join(pieces) == word
    assert len(pieces) > 1 and all(len(p) <= 8 for p in pieces)
    # No piece starts with a combining mark (a matra or anusvara torn from its letter).
    import unicodedata

    assert all(unicodedata.category(p[0])[0] != "M" for p in pieces)


def test_blank_pieces_are_glued_to_a_neighbour():
    text = "   " + "x" * 20
    pieces = split_text(text, count_chars, 8)
    assert "".join(pieces) == text
    assert all(p.strip() for p in pieces)


def test_join_translations_keeps_order_and_drops_blanks():
    assert join_translations(["First part,", " ", "second part. "]) == "First part, second part."


def test_invalid_limit():
    with pytest.raises(ValueError):
        split_text("abc", count_chars, 0)


ALPHABET = st.sampled_from(list("abc कखग ाि ंالفبپ،؛,;:.।؟!?—  \n0123456789") + ["\u200c"])


@settings(max_examples=300, deadline=None)
@given(text=st.text(ALPHABET, max_size=200), limit=st.integers(min_value=1, max_value=30))
def test_pieces_reproduce_the_text_and_fit(text, limit):
    for count in (count_chars, count_words):
        pieces = split_text(text, count, limit)
        assert "".join(pieces) == text
        assert all(count(p.strip()) <= limit for p in pieces)
        if len(pieces) > 1:
            assert all(p.strip() for p in pieces)


def test_split_with_a_real_tokenizer(tiny_nllb_dir, seed_texts):
    from xlcompare.translation.transformers_engine import TransformersEngine

    engine = TransformersEngine(str(tiny_nllb_dir), source_lang="hi", beams=1, max_new_tokens=2)
    paragraph = " ".join(seed_texts["hi"].split("\n")[1:4])
    count = lambda t: engine.count_tokens(t, "hi")  # noqa: E731
    assert count(paragraph) > 60
    pieces = split_text(paragraph, count, 60)
    assert "".join(pieces) == paragraph
    assert len(pieces) > 1
    assert all(count(p.strip()) <= 60 for p in pieces)

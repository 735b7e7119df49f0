"""Decoding: accepted encodings round-trip exactly; everything else is refused clearly."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from xlcompare.article import load_article
from xlcompare.article.decode import decode_bytes, decode_with, guess_legacy_codec
from xlcompare.errors import EncodingError, InputError

PERSIAN = "وزارت امور خارجه جمهوری تاجیکستان گزارش را بی پایه خواند.\nدوشنبه، 12.07.2024"
HINDI = "ताजिकिस्तान और चीन ने सहयोग पर बल दिया।\r\nदूसरी पंक्ति"
ENGLISH = "Plain English text.\n"


@pytest.mark.parametrize(
    ("data", "expected_text", "expected_encoding"),
    [
        (PERSIAN.encode("utf-8"), PERSIAN, "utf-8"),
        (codecs.BOM_UTF8 + PERSIAN.encode("utf-8"), PERSIAN, "utf-8-sig"),
        (codecs.BOM_UTF16_LE + HINDI.encode("utf-16-le"), HINDI, "utf-16-le"),
        (codecs.BOM_UTF16_BE + HINDI.encode("utf-16-be"), HINDI, "utf-16-be"),
        (codecs.BOM_UTF32_LE + PERSIAN.encode("utf-32-le"), PERSIAN, "utf-32-le"),
        # No BOM, but spaces and newlines put NULs on one parity only.
        (HINDI.encode("utf-16-le"), HINDI, "utf-16-le"),
        (PERSIAN.encode("utf-16-be"), PERSIAN, "utf-16-be"),
        (ENGLISH.encode("utf-16-le"), ENGLISH, "utf-16-le"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16le-nobom",
         "utf16be-nobom", "utf16le-ascii"],
)
def test_accepted_encodings_round_trip(data: bytes, expected_text: str,
                                       expected_encoding: str) -> None:
    text, encoding = decode_bytes(data, "a.txt")
    assert text == expected_text  # BOM gone, \r\n kept
    assert encoding == expected_encoding


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (PERSIAN.replace("ی", "ي").replace("ک", "ك").encode("cp1256"), "cp1256"),
        ("Le ministère a déclaré que la coopération continue.".encode("cp1252"), "cp1252"),
        ("Министерство иностранных дел Таджикистана заявило".encode("cp1251"), "cp1251"),
    ],
)
def test_legacy_codecs_are_named_not_guessed(data: bytes, codec: str) -> None:
    with pytest.raises(EncodingError) as info:
        decode_bytes(data, "seeds/x.txt")
    message = str(info.value)
    assert message.startswith("seeds/x.txt: ")
    assert f"--encoding {codec}" in message
    assert "\n" not in message
    assert guess_legacy_codec(data) == codec


def test_iscii_is_recognised_and_refused() -> None:
    # "क्षमा किया" in ISCII-Devanagari (virama 0xE8); Python has no ISCII codec.
    data = b"\xb3\xe8\xd6\xcc\xda \xb3\xdb\xcd\xda " * 5
    assert guess_legacy_codec(data) == "iscii"
    with pytest.raises(EncodingError, match="ISCII.*convert it to UTF-8"):
        decode_bytes(data, "hi.txt")


def test_corrupt_utf8_is_reported_with_its_position() -> None:
    data = PERSIAN.encode("utf-8")
    data = data[:20] + b"\xff" + data[20:]
    with pytest.raises(EncodingError, match=r"a\.txt: UTF-8 with invalid bytes at byte 20"):
        decode_bytes(data, "a.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t ",
        codecs.BOM_UTF8,
        b"\x00\x01\x02\x03\xff\xfe\x00\x10" * 32,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"text\x01\x02\x03\x04\x05\x06\x07\x08 more",
    ],
    ids=["empty", "whitespace", "bom-only", "random-binary", "pdf", "png", "zip", "controls"],
)
def test_empty_and_binary_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "in.txt")
    assert not isinstance(info.value, EncodingError)
    assert str(info.value).startswith("in.txt: ")


def test_forced_encoding() -> None:
    data = "وزارت امور خارجه".replace("ی", "ي").encode("cp1256")
    text, encoding = decode_with(data, "a.txt", "windows-1256")
    assert text == "وزارت امور خارجه".replace("ی", "ي")
    assert encoding == "cp1256"
    with pytest.raises(InputError, match="unknown encoding"):
        decode_with(data, "a.txt", "no-such-codec")
    with pytest.raises(EncodingError):
        decode_with(b"\xff\xfe\xfa", "a.txt", "utf-8")
    text, _ = decode_with(codecs.BOM_UTF8 + b"hi there", "a.txt", "utf-8")
    assert text == "hi there"


def test_load_article_reports_cp1256_and_accepts_it_when_told(tmp_path: Path) -> None:
    path = tmp_path / "persian.txt"
    path.write_bytes(PERSIAN.replace("ی", "ي").replace("ک", "ك").encode("cp1256"))
    with pytest.raises(EncodingError, match=r"persian\.txt: looks like Windows-1256 \(Persian"):
        load_article(path)
    article = load_article(path, encoding="cp1256")
    assert article.language == "fa"
    assert article.encoding == "cp1256"


def test_bom_is_not_part_of_the_offsets(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + HINDI.encode("utf-8"))
    article = load_article(path)
    assert article.text == HINDI
    assert article.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("article.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("article", b"text", "unsupported file type"),
        ("empty.txt", b"", "empty"),
        ("binary.html", b"\x00\x01\x02\x03" * 50, "binary"),
    ],
)
def test_load_article_refuses_bad_files(tmp_path: Path, name: str, content: bytes,
                                        match: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=match) as info:
        load_article(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_article(tmp_path / "missing.txt")

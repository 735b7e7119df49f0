"""Bytes to text, refusing to guess.

UTF-8 (with or without BOM) and UTF-16/32 (with BOM, or UTF-16 without BOM when the NUL
pattern makes it evident) are decoded. Valid UTF-8 with a few stray control bytes (a NUL
pasted in from a database dump) stays UTF-8: reading it as UTF-16 because it holds a NUL turns
Hindi into fluent-looking CJK mojibake. The control characters are kept, and
`control_characters_note` describes them for a warning. Anything else is refused with a message that names the
likely legacy codec, because a silently mis-decoded Persian page (Windows-1256 read as
Latin-1) still "works" and produces fluent nonsense downstream.

The BOM is not part of the returned text: every offset in the pipeline indexes the decoded text
without it. Newlines are left exactly as they are (``\\r\\n`` stays ``\\r\\n``).
"""
from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections import Counter

from xlcompare.errors import EncodingError, InputError

log = logging.getLogger(__name__)

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of formats people mistake for text articles, with the fix for each.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document; copy its text into a .txt file"),
    (b"PK\x03\x04", "a ZIP archive (.docx/.odt?); save the article as .txt or .html"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document (.doc); save the article as .txt or .html"),
    (b"{\\rtf", "an RTF document; save the article as .txt or .html"),
    (b"\x89PNG", "a PNG image; xlcompare reads text, not images"),
    (b"\xff\xd8\xff", "a JPEG image; xlcompare reads text, not images"),
    (b"GIF8", "a GIF image; xlcompare reads text, not images"),
    (b"\x1f\x8b", "a gzip archive; decompress it first"),
)

# What each legacy codec usually means for this project's languages; used in messages.
_CODEC_DESCRIPTIONS = {
    "cp1256": "Windows-1256 (Persian/Arabic)",
    "cp1251": "Windows-1251 (Cyrillic, e.g. Tajik or Russian)",
    "cp1252": "Windows-1252 (Western European)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "iscii": "ISCII (Indian legacy script encoding)",
}

# Control characters allowed in text; anything else in quantity means binary.
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Every other control character (category Cc), as one class: counting with a regex keeps a
# multi-megabyte file fast.
_OTHER_CONTROLS = re.compile(
    "[" + "".join(
        re.escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in _TEXT_CONTROLS
    ) + "]"
)
# Categories that never occur in real text decoded with the right codec: unassigned, private
# use, lone surrogates. Mis-paired UTF-8 bytes read as UTF-16 produce them.
_IMPOSSIBLE_CATEGORIES = frozenset({"Cn", "Co", "Cs"})


def _location(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"byte {offset} (line {line})"


def _looks_binary(text: str) -> bool:
    """Too many control characters for a text file: more than 2, and more than 1 in 100."""
    if not text:
        return False
    return len(_OTHER_CONTROLS.findall(text)) > max(2, len(text) // 100)


def control_characters_note(text: str) -> str | None:
    """A description of the control characters (other than tab, newlines, form feeds) that
    `text` keeps, for a warning; None when there are none."""
    first = _OTHER_CONTROLS.search(text)
    if first is None:
        return None
    count = len(_OTHER_CONTROLS.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    return (
        f"{count} control character(s) kept in the text (first: U+{ord(first.group()):04X} "
        f"on line {line}); check the file if that is not intended"
    )


def _coherent(text: str) -> bool:
    """True when the letters of `text` come mostly from one 256-code-point block (plus ASCII),
    as real text in one language does; mojibake scatters them over many blocks."""
    blocks = Counter(ord(ch) >> 8 for ch in text if ch.isalpha())
    if not blocks:
        return False
    total = sum(blocks.values())
    latin = blocks.pop(0, 0)
    top = max(blocks.values(), default=0)
    return (latin + top) / total >= 0.9


def _utf16_without_bom(data: bytes) -> str | None:
    """Name the UTF-16 byte order when the NUL pattern says UTF-16, else None.

    Text in UTF-16 always has NULs in the high byte of ASCII characters (spaces, newlines,
    digits), so NULs all on odd (LE) or all on even (BE) positions suggest UTF-16. That alone
    is not enough (one stray NUL in a UTF-8 file sits on one parity), so the decoded text must
    also be clean: no control characters, no unassigned, private-use or surrogate code points,
    and letters from one script.
    """
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if odd and not even:
        codec = "utf-16-le"
    elif even and not odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _OTHER_CONTROLS.search(text):
        return None
    if any(unicodedata.category(ch) in _IMPOSSIBLE_CATEGORIES for ch in text):
        return None
    return codec if _coherent(text) else None


def _high_byte_runs(data: bytes) -> float:
    """Mean length of runs of consecutive bytes >= 0x80.

    Western text in a single-byte codec has isolated accented letters ("café": run of 1);
    Persian or Hindi in a single-byte codec is made entirely of high bytes (long runs).
    """
    runs: list[int] = []
    current = 0
    for byte in data:
        if byte >= 0x80:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return sum(runs) / len(runs) if runs else 0.0


def _share_in(text: str, lo: int, hi: int) -> float:
    high = [ch for ch in text if ord(ch) >= 0x80]
    if not high:
        return 0.0
    return sum(1 for ch in high if lo <= ord(ch) <= hi) / len(high)


def _iscii_like(data: bytes) -> bool:
    """ISCII Devanagari: high bytes in 0xA1-0xFA with the virama (0xE8) among the commonest."""
    high = [b for b in data if b >= 0x80]
    if len(high) < 8:
        return False
    in_range = all(0xA1 <= b <= 0xFA for b in high)
    virama = high.count(0xE8) / len(high)
    return in_range and virama > 0.03


def guess_legacy_codec(data: bytes) -> str | None:
    """The most plausible single-byte codec for bytes that are not UTF-8, or None.

    Only used to write a helpful error message: the text is never decoded with the guess.
    """
    if _high_byte_runs(data) >= 2.0:
        cp1256 = data.decode("cp1256", errors="replace")
        cp1251 = data.decode("cp1251", errors="replace")
        arabic = _share_in(cp1256, 0x0600, 0x06FF)
        cyrillic = _share_in(cp1251, 0x0400, 0x04FF)
        if arabic >= 0.85 and arabic >= cyrillic:
            return "cp1256"
        # ISCII bytes also decode to Cyrillic letters in cp1251, so it is checked first;
        # Russian/Tajik text always has bytes above 0xFA (ы ь я), ISCII never does.
        if _iscii_like(data):
            return "iscii"
        if cyrillic >= 0.85:
            return "cp1251"
    else:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1252"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency, but only a hint here
        return None
    best = from_bytes(data).best()
    return best.encoding if best is not None else None


def _mostly_utf8(data: bytes) -> bool:
    """True when the file is UTF-8 with a few corrupt bytes rather than a legacy codec."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) >= 0x80 and ch != "\ufffd")
    return multibyte >= 4 * bad


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode an article file's bytes; returns (text, encoding name).

    Raises InputError for empty or binary input and EncodingError for bytes that are not
    UTF-8/UTF-16/UTF-32; the message names the file, the likely codec and the fix.
    """
    if not data:
        raise InputError(f"{path}: the file is empty; give the article's text")
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"{path}: this is {what}")

    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"{path}: starts with a {codec.upper()} byte-order mark but "
                    f"{_location(data, exc.start + len(bom))} is not valid {codec.upper()}; "
                    "re-save the file as UTF-8"
                ) from None
            if not text.strip():
                raise InputError(f"{path}: the file has no text; give the article's text")
            log.debug("%s: decoded as %s (BOM stripped)", path, codec)
            return text, f"{codec}-sig" if codec == "utf-8" else codec

    codec = _utf16_without_bom(data) if b"\x00" in data else None
    if codec is not None:
        log.info("%s: no byte-order mark, decoded as %s from its NUL pattern", path, codec)
        text = data.decode(codec)
        if not text.strip():
            raise InputError(f"{path}: the file has no text; give the article's text")
        return text, codec

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in data:
            raise InputError(
                f"{path}: looks like a binary file (it contains NUL bytes and is neither UTF-8 "
                "nor UTF-16), not a text article; give a .txt, .md or .html file"
            ) from None
        if _mostly_utf8(data):
            raise EncodingError(
                f"{path}: UTF-8 with invalid bytes at {_location(data, exc.start)}; "
                "repair or re-save the file as UTF-8"
            ) from None
        codec = guess_legacy_codec(data)
        if codec is None:
            raise EncodingError(
                f"{path}: not UTF-8 and the encoding could not be recognised; "
                "re-save it as UTF-8 or pass --encoding NAME"
            ) from None
        description = _CODEC_DESCRIPTIONS.get(codec, codec)
        if codec == "iscii":
            fix = "convert it to UTF-8 (Python has no ISCII codec)"
        else:
            fix = f"re-save it as UTF-8 or pass --encoding {codec}"
        raise EncodingError(f"{path}: looks like {description}, not UTF-8; {fix}") from None
    if _looks_binary(text):
        raise InputError(
            f"{path}: looks like a binary file (many control characters), not a text article; "
            "give a .txt, .md or .html file"
        )
    if not text.strip():
        raise InputError(f"{path}: the file has no text; give the article's text")
    return text, "utf-8"


def forced_encoding_note(data: bytes, encoding: str) -> str | None:
    """A warning when bytes decoded with a legacy codec the user named are valid UTF-8 with
    non-ASCII characters: `--encoding cp1256` given for two files, one of them UTF-8, turns
    that one into fluent-looking nonsense."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name.startswith(("utf-", "utf_")) or data.isascii():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return f"decoded as {name} as --encoding says, but the file is valid UTF-8; if the text looks wrong, drop --encoding"


def decode_with(data: bytes, path: str, encoding: str) -> tuple[str, str]:
    """Decode with a codec the user named (``--encoding``); a BOM of that codec is stripped."""
    try:
        codec_info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(
            f"{path}: unknown encoding {encoding!r}; use a Python codec name such as "
            "utf-8, utf-16, cp1256 or cp1252"
        ) from None
    name = codec_info.name
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{path}: {_location(data, exc.start)} is not valid {name}; "
            "check the encoding or re-save the file as UTF-8"
        ) from None
    except LookupError:
        # rot13, base64, zlib...: codecs that map bytes to bytes or str to str.
        raise InputError(
            f"{path}: {encoding!r} is not a text encoding; use a Python codec name such as "
            "utf-8, utf-16, cp1256 or cp1252"
        ) from None
    if text.startswith("\ufeff"):
        # utf-8/utf-16-le/... keep a BOM as U+FEFF; it is not part of the article.
        text = text[1:]
    if _looks_binary(text):
        raise InputError(f"{path}: decoded as {name} it still looks binary; check the file")
    if not text.strip():
        raise InputError(f"{path}: the file has no text; give the article's text")
    return text, name

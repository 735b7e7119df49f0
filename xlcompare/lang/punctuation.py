"""Punctuation: what ends a sentence, what closes or opens a quotation, where a clause ends.

The clause boundaries are shared by the translation splitter (a sentence too long for the model
is cut at them) and by related passages (sentences are compared clause by clause), so both cut
"1,000" and "19:00" the same way: not at all.
"""
from __future__ import annotations

import re

# Always end a sentence: danda, double danda, Arabic question mark, Urdu full stop, CJK marks,
# and the full stops of Armenian, Ethiopic, Myanmar and Khmer.
STRONG_TERMINATORS = frozenset("।॥؟۔。｡！？‼⁇⁈⁉։።፧။។")
# End a sentence depending on what follows ('.' after "Dr", '?' inside a URL...).
WEAK_TERMINATORS = frozenset(".!?…")
SENTENCE_FINAL = STRONG_TERMINATORS | WEAK_TERMINATORS
# “ and ‘ close German and Czech quotations („…“), so they are closers as well as openers.
CLOSERS = frozenset("\"'”’“‘»›)]}」』〉》")
OPENERS = frozenset("\"'“‘„‚«‹([{「『〈《¿¡")

_FINAL_CLASS = "".join(sorted(SENTENCE_FINAL))
_CLOSER_CLASS = re.escape("".join(sorted(CLOSERS)))

# Each boundary pattern matches the punctuation and the whitespace after it, so a cut at the
# end of a match leaves the punctuation with the text it closes.
SENTENCE_BREAK = re.compile(rf"[{re.escape(_FINAL_CLASS)}]+[{_CLOSER_CLASS}]*\s+")
"""Sentence punctuation followed by whitespace (decimals such as 1.5 have none)."""
CLAUSE_BREAK = re.compile(r"[;؛]\s*|[:—–]\s+|\s[—–]\s*")
"""Semicolons; a colon or dash before a space (not 19:00 or 2020–2024)."""
COMMA_BREAK = re.compile(r",(?!\d)\s*|[،、]\s*")
"""Commas, but not a comma before a digit: 12,000 and 1,00,000 are numbers."""
CLAUSE_BREAKS: tuple[re.Pattern[str], ...] = (CLAUSE_BREAK, COMMA_BREAK)
"""Clause boundaries, strongest first."""
_ANY_CLAUSE_BREAK = re.compile("|".join(p.pattern for p in CLAUSE_BREAKS))


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation (closing quotes ignored)."""
    stripped = line.rstrip().rstrip("".join(CLOSERS) + "\u200c").rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def cut_after(text: str, boundary: re.Pattern[str]) -> list[str]:
    """`text` cut at the end of every match of `boundary`; the pieces join back to `text`."""
    units: list[str] = []
    start = 0
    for match in boundary.finditer(text):
        if match.end() > start and match.end() < len(text):
            units.append(text[start : match.end()])
            start = match.end()
    units.append(text[start:])
    return units


def clause_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every clause of `text`: the text between clause boundaries, without
    the boundary punctuation and surrounding whitespace; empty clauses are skipped."""
    spans = []
    start = 0
    for match in [*_ANY_CLAUSE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            offset = start + len(piece) - len(piece.lstrip())
            spans.append((offset, offset + len(stripped)))
        start = match.end() if match else len(text)
    return spans

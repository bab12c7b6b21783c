"""Which characters text from outside may hold: one rule for files, pages and the API (ADR 0011).

Names, titles and reasons typed by staff, read from a scenario file or sent by a FHIR client
are shown on pages, printed in letters, written to the access log and searched for. A character
that cannot be seen, or that changes how the text around it is shown (a bidi override turns
``Anna`` into what looks like another name), or that cannot be stored at all (NUL in
PostgreSQL, a lone surrogate in UTF-8), has no business in any of them. Such text is refused,
never silently cleaned, so the sender learns exactly what was wrong; text that passes is kept
in Unicode NFC, so that the same name typed on two keyboards is stored, found and compared as
one.

Refused everywhere:

- C0 and C1 control characters (U+0000-U+001F, U+007F-U+009F), NUL among them; tab, line
  feed and carriage return only in multi-line free text (a note, a reason written out);
- lone surrogates (U+D800-U+DFFF: a JSON escape ``"\\ud800"`` makes one; no encoding can
  store it);
- bidi controls: U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C;
- zero-width characters: U+200B-U+200D, U+2060, U+FEFF;
- every other format character (Unicode category Cf: the soft hyphen, invisible operators,
  tag characters...): invisible, they make two names that look the same differ;
- the Unicode line and paragraph separators U+2028 and U+2029 (line breaks no one sees as such).

Pure functions; every interface calls :func:`text_problem` and :func:`text_normalised` and
translates the message once (a field error, an OperationOutcome issue, a line on stderr).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["text_normalised", "text_problem", "text_shown"]

# What a regular expression can say; the rest of Unicode's format characters (category Cf)
# are found by :func:`unicodedata.category`, which follows Python's Unicode version.
_REFUSED_IN_LINE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_REFUSED_IN_MULTILINE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]"
)
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _kind(char: str) -> str:
    """What a refused character is, in words a person fixing the text understands."""
    code = ord(char)
    if code == 0:
        return "nolltecken"
    if char in "\n\r\u2028\u2029":
        return "radbrytning"
    if char == "\t":
        return "tabbtecken"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "styrtecken"
    if 0xD800 <= code <= 0xDFFF:
        return "ensamt surrogattecken, ogiltig Unicode"
    if char in _BIDI:
        return "osynligt styrtecken för textriktning"
    if char in _ZERO_WIDTH:
        return "osynligt tecken utan bredd"
    return "osynligt formateringstecken"


def _first_refused(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    first = None if match is None else match.start()
    if not text.isascii():
        for index, char in enumerate(text[:first]):
            if char > "\x9f" and unicodedata.category(char) == "Cf":
                return index
    return first


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """The Swedish message naming the first refused character of ``text``, or None.

    ``multiline`` is for free text written over several lines: there tab, line feed and
    carriage return are allowed (a browser sends a textarea's line breaks as CR LF).
    """
    index = _first_refused(text, _REFUSED_IN_MULTILINE if multiline else _REFUSED_IN_LINE)
    if index is None:
        return None
    char = text[index]
    return f"Otillåtet tecken U+{ord(char):04X} ({_kind(char)}) på plats {index + 1}."


def text_normalised(text: str) -> str:
    """``text`` in Unicode NFC (``o`` + combining diaeresis becomes ``ö``)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def text_shown(text: str) -> str:
    """``text`` with every character :func:`text_problem` would refuse written as ``\\uXXXX``.

    For messages that quote what was sent: quoting a bidi override would garble the message
    line itself, and a lone surrogate cannot be written to a UTF-8 terminal at all.
    """
    shown = []
    rest = text
    while (index := _first_refused(rest, _REFUSED_IN_LINE)) is not None:
        shown.append(f"{rest[:index]}\\u{ord(rest[index]):04x}")
        rest = rest[index + 1 :]
    shown.append(rest)
    return "".join(shown)

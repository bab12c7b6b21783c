"""What a Swedish user must never read on a page: codes, English and unformatted personnummer.

``visible_text(html)`` is the text a person sees (or hears from a screen reader) on a page;
``screen_text_problems(text)`` lists what is wrong with it, one readable line per problem.
Both the test-client walk (``tests/web/test_screen_text.py``) and the browser walk use them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastkontakt.domain.appointment import EXTRA_RULES
from fastkontakt.domain.rules import RULES

# Words of everyday user-interface English (and of the project's model and field names) that
# have no Swedish homograph a page could legitimately use. Matched as whole words, any case.
ENGLISH_WORDS: tuple[str, ...] = (
    "Save",
    "Cancel",
    "Delete",
    "Submit",
    "Search",
    "Back",
    "Next",
    "Previous",
    "Yes",
    "None",
    "True",
    "False",
    "Page not found",
    "This field is required",
    "required",
    "field",
    "Not found",
    "Forbidden",
    "Bad request",
    "Server error",
    "Error",
    "Warning",
    "Loading",
    "Log in",
    "Log out",
    "Sign in",
    "Sign out",
    "Username",
    "Password",
    "Welcome",
    "Download",
    "Upload",
    "Details",
    "read",
    "write",
    "emergency",
    "relationship",
    "no_relationship",
    "log_review",
    "staff",
    "unit",
    "units",
    "contact",
    "contacts",
    "kind",
    "user",
    "users",
    "date",
    "name",
    "created",
    "updated",
    "ended",
    "reason",
    "decision",
    "appointment",
    "handover",
    "letter",
    "delivery",
    "the",
    "of",
    "and",
    "with",
    "this",
    "that",
    "CSRF",
    "verification failed",
    "Traceback",
    "Request Method",
    "Request URL",
)

# Codes spelled as the code (lower case) that are also a proper name when capitalised.
CASE_SENSITIVE_CODES: tuple[str, ...] = ("norrbotten", "gavleborg", "national")

_ENGLISH = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![\w-])",
    re.IGNORECASE,
)
_CODES = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(c) for c in CASE_SENSITIVE_CODES) + r")(?![\w-])"
)
# A code such as ``personlig_omvardnad`` or ``person.page``: snake case or a dotted name.
_SNAKE_CODE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
_DOTTED_CODE = re.compile(r"(?<![\w.@/-])[a-z]{3,}\.[a-z_]{3,}(?![\w.@/-])")
_URL_OR_MAIL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
# Twelve digits of a birth date and number with no hyphen (a samordningsnummer adds 60 to the
# day, which this still covers: the day is not checked).
_PERSONNUMMER_NO_HYPHEN = re.compile(r"(?<![\d-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{6}(?![\d])")


def _rule_pattern() -> re.Pattern[str]:
    ids = sorted({*RULES, *EXTRA_RULES}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w-])")


_RULE_IDS = _rule_pattern()


def screen_text_problems(text: str) -> list[str]:
    """Every rule id (of the catalogue or of an appointment), English word, code and
    hyphen-less personnummer in ``text``, by kind."""
    problems: list[str] = []
    for match in _RULE_IDS.finditer(text):
        problems.append(f"regel-id på skärmen: {match.group(0)!r} i {_around(text, match)!r}")
    for match in _ENGLISH.finditer(text):
        problems.append(f"engelska på skärmen: {match.group(0)!r} i {_around(text, match)!r}")
    for match in _CODES.finditer(text):
        problems.append(f"kod på skärmen: {match.group(0)!r} i {_around(text, match)!r}")
    plain = _URL_OR_MAIL.sub(" ", text)
    for pattern in (_SNAKE_CODE, _DOTTED_CODE):
        for match in pattern.finditer(plain):
            problems.append(f"kod på skärmen: {match.group(0)!r} i {_around(plain, match)!r}")
    for match in _PERSONNUMMER_NO_HYPHEN.finditer(text):
        problems.append(
            f"personnummer utan bindestreck: {match.group(0)!r} i {_around(text, match)!r}"
        )
    return problems


def _around(text: str, match: re.Match[str], width: int = 40) -> str:
    return text[max(0, match.start() - width) : match.end() + width]


_SKIPPED = frozenset({"script", "style", "template", "noscript"})
_BUTTON_INPUTS = frozenset({"submit", "button", "reset"})


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
            return
        if self._skipping:
            return
        values = {name: value or "" for name, value in attrs}
        for name in ("alt", "aria-label", "title", "placeholder"):
            if values.get(name):
                self.parts.append(values[name])
        button = tag == "input" and values.get("type", "text").lower() in _BUTTON_INPUTS
        if button and values.get("value"):
            self.parts.append(values["value"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of ``html`` a user reads or hears: no tags, scripts or styles, whitespace folded.

    Keeps ``alt``, ``aria-label``, ``title`` and ``placeholder`` attributes and the ``value`` of
    button inputs, which are read out or shown too.
    """
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())

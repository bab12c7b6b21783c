"""Which characters text from outside may hold (``domain.text``, ADR 0009)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastkontakt.domain.text import text_normalised, text_problem, text_shown

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
LINE_BREAKS = "\n\r\u2028\u2029"

refused_anywhere = st.one_of(
    st.sampled_from(BIDI + ZERO_WIDTH + "\u2028\u2029"),
    st.characters(min_codepoint=0x00, max_codepoint=0x08),
    st.characters(min_codepoint=0x0B, max_codepoint=0x0C),
    st.characters(min_codepoint=0x0E, max_codepoint=0x1F),
    st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.characters(whitelist_categories=("Cf",)),
)
refused_in_a_line = refused_anywhere | st.sampled_from("\t\n\r")
allowed = st.characters(
    blacklist_categories=("Cc", "Cs", "Cf"), blacklist_characters=LINE_BREAKS
)
swedish_names = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉÜ -'"),
    min_size=1,
    max_size=40,
)


@given(prefix=st.text(allowed, max_size=10), char=refused_in_a_line, rest=st.text(max_size=10))
def test_any_text_with_a_refused_character_is_refused_naming_the_first(
    prefix: str, char: str, rest: str
) -> None:
    # when
    problem = text_problem(prefix + char + rest)
    # then
    assert problem is not None
    assert problem.startswith(f"Otillåtet tecken U+{ord(char):04X} (")
    assert problem.endswith(f") på plats {len(prefix) + 1}.")


@given(prefix=st.text(allowed, max_size=10), char=refused_anywhere, rest=st.text(max_size=10))
def test_multi_line_text_refuses_the_same_characters_but_tab_and_line_breaks(
    prefix: str, char: str, rest: str
) -> None:
    # when
    problem = text_problem(prefix + char + rest, multiline=True)
    # then
    assert problem is not None
    assert problem.startswith(f"Otillåtet tecken U+{ord(char):04X} (")


@given(st.text(allowed))
def test_text_without_refused_characters_is_accepted(text: str) -> None:
    assert text_problem(text) is None
    assert text_problem(text, multiline=True) is None


@given(swedish_names)
def test_any_printable_swedish_name_is_accepted_and_kept_as_it_is(name: str) -> None:
    assert text_problem(name) is None
    assert text_normalised(name) == name


@given(st.lists(swedish_names, min_size=1, max_size=4))
def test_tab_and_line_breaks_are_allowed_in_multi_line_text_only(lines: list[str]) -> None:
    # given
    text = "\r\n".join(lines) + "\n\tslut"
    # then
    assert text_problem(text, multiline=True) is None
    assert text_problem(text) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Anna\x00", "U+0000 (nolltecken) på plats 5."),
        ("Anna\ud800", "U+D800 (ensamt surrogattecken, ogiltig Unicode) på plats 5."),
        ("An\u202ena", "U+202E (osynligt styrtecken för textriktning) på plats 3."),
        ("\u2066Anna", "U+2066 (osynligt styrtecken för textriktning) på plats 1."),
        ("Anna\u200b", "U+200B (osynligt tecken utan bredd) på plats 5."),
        ("\ufeffAnna", "U+FEFF (osynligt tecken utan bredd) på plats 1."),
        ("Anna\nBerg", "U+000A (radbrytning) på plats 5."),
        ("Anna\tBerg", "U+0009 (tabbtecken) på plats 5."),
        ("Anna\x1b[31m", "U+001B (styrtecken) på plats 5."),
        ("Anna\x85", "U+0085 (styrtecken) på plats 5."),
        ("Lind\xadqvist", "U+00AD (osynligt formateringstecken) på plats 5."),
        ("Anna\U000e0041", "U+E0041 (osynligt formateringstecken) på plats 5."),
    ],
)
def test_the_message_names_the_character_its_kind_and_place(text: str, message: str) -> None:
    assert text_problem(text) == f"Otillåtet tecken {message}"


def test_text_is_kept_in_nfc() -> None:
    # given "Björk" with o + combining diaeresis, as some keyboards send it
    decomposed = "Bjo\u0308rk"
    # then
    assert text_normalised(decomposed) == "Björk"
    assert text_problem(decomposed) is None


@given(st.text())
def test_shown_text_can_be_printed_and_is_itself_accepted(text: str) -> None:
    # when
    shown = text_shown(text)
    # then
    assert text_problem(shown) is None
    shown.encode("utf-8")


def test_shown_text_escapes_what_is_refused_and_keeps_the_rest() -> None:
    assert text_shown("Åsa\u202e\ud800\x00") == "Åsa\\u202e\\ud800\\u0000"

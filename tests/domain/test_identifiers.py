"""Personnummer, samordningsnummer and HSA-id: properties over all dates, and known examples."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fastkontakt.domain.calendar import age_on
from fastkontakt.domain.errors import InvalidIdentifier
from fastkontakt.domain.identifiers import (
    birth_date_of,
    is_hsa_id,
    is_personal_id,
    luhn_check_digit,
    make_personal_id,
    parse_personal_id,
)

births = st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31))
serials = st.integers(min_value=0, max_value=999)
coordination = st.booleans()


def ten_digit_form(number: str, separator: str) -> str:
    return f"{number[2:8]}{separator}{number[8:]}"


# --- properties ------------------------------------------------------------------------------


@given(born=births, serial=serials, coordinated=coordination)
def test_a_built_number_parses_back_to_its_birth_date_and_kind(
    born: date, serial: int, coordinated: bool
) -> None:
    # given
    number = make_personal_id(born, serial, coordination=coordinated)
    # when
    parsed = parse_personal_id(number)
    # then
    assert len(number) == 12
    assert is_personal_id(number)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert birth_date_of(number) == born
    assert parsed.kind == ("samordningsnummer" if coordinated else "personnummer")


@given(born=births, serial=serials, coordinated=coordination, wrong=st.integers(1, 9))
def test_any_other_check_digit_is_invalid(
    born: date, serial: int, coordinated: bool, wrong: int
) -> None:
    # given
    number = make_personal_id(born, serial, coordination=coordinated)
    broken = number[:11] + str((int(number[11]) + wrong) % 10)
    # when
    valid = is_personal_id(broken)
    # then
    assert valid is False
    with pytest.raises(InvalidIdentifier, match="wrong check digit"):
        parse_personal_id(broken)


@given(
    born=births,
    serial=serials,
    coordinated=coordination,
    days_later=st.integers(min_value=0, max_value=199 * 365),
)
def test_ten_digit_forms_normalise_to_the_twelve_digits(
    born: date, serial: int, coordinated: bool, days_later: int
) -> None:
    # given: read on a day when the person is 0 to 199 years old
    assume(date.toordinal(born) + days_later <= date.max.toordinal())
    today = date.fromordinal(born.toordinal() + days_later)
    assume(age_on(born, today) < 200)
    number = make_personal_id(born, serial, coordination=coordinated)
    separator = "+" if age_on(born, today) >= 100 else "-"
    # when
    parsed = parse_personal_id(ten_digit_form(number, separator), today=today)
    # then
    assert parsed.number == number
    assert parsed.birth_date == born


@given(born=births, serial=serials, coordinated=coordination)
def test_twelve_digits_with_a_hyphen_are_normalised(
    born: date, serial: int, coordinated: bool
) -> None:
    # given
    number = make_personal_id(born, serial, coordination=coordinated)
    # when
    parsed = parse_personal_id(f"{number[:8]}-{number[8:]}")
    # then
    assert parsed.number == number


@given(text=st.text(min_size=1, max_size=14))
def test_text_with_anything_but_ascii_digits_and_one_separator_is_rejected(text: str) -> None:
    # given
    assume(any(char not in "0123456789-+" for char in text.strip()))
    # when
    valid = is_personal_id(text)
    # then
    assert valid is False
    with pytest.raises(InvalidIdentifier):
        parse_personal_id(text, today=date(2026, 11, 22))


# --- examples ------------------------------------------------------------------------------


def test_luhn_check_digit_of_a_known_number() -> None:
    # given: 811218-9876 is the Tax Agency's textbook example
    digits = "811218987"
    # when
    check = luhn_check_digit(digits)
    # then
    assert check == 6


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("510314-2385", date(2026, 1, 1), "195103142385"),
        ("510314-2385", date(2026, 12, 31), "195103142385"),
        ("510314+2385", date(2026, 1, 1), "185103142385"),
        ("5103142385", date(2026, 1, 1), "195103142385"),
        ("261122-0001", date(2026, 11, 22), "202611220001"),  # born today
        ("261123-0000", date(2026, 11, 22), "192611230000"),  # tomorrow: a century back
        ("261122+0001", date(2026, 11, 22), "192611220001"),  # 100 today
        ("510374-2382", date(2026, 1, 1), "195103742382"),  # samordningsnummer
    ],
)
def test_ten_digit_examples(text: str, today: date, expected: str) -> None:
    # when
    parsed = parse_personal_id(text, today=today)
    # then
    assert parsed.number == expected


@pytest.mark.parametrize("text", ["510314-2385", "510314+2385", "5103142385"])
def test_a_ten_digit_form_without_today_is_an_error(text: str) -> None:
    # when / then
    with pytest.raises(InvalidIdentifier, match="needs the century"):
        parse_personal_id(text)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("199902300000", False),
        ("199913010000", False),
        ("199900010000", False),
        ("195103142385", True),
        ("195103742382", True),
        ("195103922380", False),  # day 92 - 60 = 32
        ("١٩٥١٠٣١٤٢٣٨٥", False),  # Arabic-Indic digits
        ("19510314-2385", False),  # is_personal_id takes the bare 12 digits only
        ("195103142385\n", False),
    ],
)
def test_is_personal_id_examples(number: str, valid: bool) -> None:
    # when
    result = is_personal_id(number)
    # then
    assert result is valid


def test_leap_day_1900_does_not_exist_even_with_the_right_check_digit() -> None:
    # given: 1900 is divisible by 100 and not by 400
    number = "19000229123" + str(luhn_check_digit("000229123"))
    # when / then
    assert is_personal_id(number) is False
    with pytest.raises(InvalidIdentifier, match="no such date: 1900-02-29"):
        parse_personal_id(number)


def test_leap_day_2000_exists() -> None:
    # given: 2000 is divisible by 400
    number = "20000229123" + str(luhn_check_digit("000229123"))
    # when
    parsed = parse_personal_id(number)
    # then
    assert parsed.birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("text", ["", "abc", "19510314 2385", "1951031423855", "19510314+2385"])
def test_junk_is_rejected(text: str) -> None:
    # when / then
    with pytest.raises(InvalidIdentifier):
        parse_personal_id(text, today=date(2026, 11, 22))


def test_surrounding_whitespace_is_ignored_when_parsing() -> None:
    # when
    parsed = parse_personal_id(" 195103142385\n")
    # then
    assert parsed.number == "195103142385"


def test_make_personal_id_rejects_a_serial_out_of_range() -> None:
    # when / then
    with pytest.raises(InvalidIdentifier, match="serial must be 0-999"):
        make_personal_id(date(1951, 3, 14), 1000)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("SE2321000230-S001", True),
        ("SE2321000230-abc123XYZ", True),
        ("SE2321000230-" + "A" * 18, True),  # 31 characters
        ("SE2321000230-" + "A" * 19, False),  # 32 characters
        ("SE2321000230-", False),
        ("SE232100023-S001", False),  # 9 digits
        ("SE23210002301-S001", False),  # 11 digits
        ("se2321000230-S001", False),
        ("NO2321000230-S001", False),
        ("SE2321000230S001", False),
        ("SE2321000230-S_01", False),
        ("SE2321000230-Sö01", False),
        ("SE2321000230-S001\n", False),
        (" SE2321000230-S001", False),
        ("SE٢٣٢١٠٠٠٢٣٠-S001", False),  # Arabic-Indic digits
        ("", False),
    ],
)
def test_hsa_id_examples(text: str, valid: bool) -> None:
    # when
    result = is_hsa_id(text)
    # then
    assert result is valid

"""Patient and staff identifiers: personnummer, samordningsnummer and HSA-id.

A personnummer is ``YYYYMMDDNNNC``: the birth date, a three-digit serial and a check digit
computed with the Luhn algorithm over the ten digits ``YYMMDDNNN``. A samordningsnummer has the
same shape with 60 added to the day. The ten-digit forms ``YYMMDD-NNNC`` and ``YYMMDD+NNNC``
(``+`` once the person has turned 100) need the day they are read on to fix the century, which
is why :func:`parse_personal_id` takes ``today`` instead of reading a clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastkontakt.domain.errors import InvalidIdentifier

PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"
HSA_ID_OID = "1.2.752.29.4.19"

PersonalIdKind = Literal["personnummer", "samordningsnummer"]

# [0-9], not \d (which takes any Unicode digit), and fullmatch, not $ (which takes a final "\n").
_TWELVE = re.compile(r"([0-9]{8})-?([0-9]{4})")
_TEN = re.compile(r"([0-9]{6})([-+]?)([0-9]{4})")
_HSA = re.compile(r"SE[0-9]{10}-[A-Za-z0-9]+")
_HSA_MAX_LENGTH = 31
_COORDINATION_OFFSET = 60


@dataclass(frozen=True, slots=True)
class PersonalId:
    """A validated personnummer or samordningsnummer in its normalised 12-digit form."""

    number: str
    kind: PersonalIdKind
    birth_date: date


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for ``digits`` (the nine digits ``YYMMDDNNN`` of a personnummer)."""
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _birth_date(year: int, month: int, day: int) -> tuple[date, PersonalIdKind]:
    kind: PersonalIdKind = "personnummer"
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
        kind = "samordningsnummer"
    try:
        return date(year, month, day), kind
    except ValueError:
        raise InvalidIdentifier(f"no such date: {year:04d}-{month:02d}-{day:02d}") from None


def _checked(twelve: str) -> PersonalId:
    born, kind = _birth_date(int(twelve[0:4]), int(twelve[4:6]), int(twelve[6:8]))
    if luhn_check_digit(twelve[2:11]) != int(twelve[11]):
        raise InvalidIdentifier("wrong check digit")
    return PersonalId(number=twelve, kind=kind, birth_date=born)


def parse_personal_id(text: str, *, today: date | None = None) -> PersonalId:
    """Validate and normalise a personnummer or samordningsnummer.

    Accepts ``YYYYMMDDNNNC``, ``YYYYMMDD-NNNC`` and, when ``today`` is given, the ten-digit
    forms ``YYMMDD-NNNC``, ``YYMMDD+NNNC`` and ``YYMMDDNNNC``. Raises :class:`InvalidIdentifier`.
    """
    text = text.strip()
    match = _TWELVE.fullmatch(text)
    if match:
        return _checked(match.group(1) + match.group(2))
    match = _TEN.fullmatch(text)
    if not match:
        raise InvalidIdentifier("expected 12 digits YYYYMMDDNNNC (or YYMMDD-NNNC)")
    if today is None:
        raise InvalidIdentifier("a 10-digit number needs the century: give all 12 digits")
    yymmdd, separator, tail = match.groups()
    yy, month, day = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    year = today.year - (today.year - yy) % 100
    real_day = day - _COORDINATION_OFFSET if day > _COORDINATION_OFFSET else day
    if year == today.year and (month, real_day) > (today.month, today.day):
        # Born later this year than today: not born yet, so the birthday is a century back.
        year -= 100
    if separator == "+":
        year -= 100
    if year < 1:
        raise InvalidIdentifier("no such date")
    return _checked(f"{year:04d}{yymmdd[2:]}{tail}")


def is_personal_id(text: str) -> bool:
    """True for a valid 12-digit personnummer or samordningsnummer (no separators)."""
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        return False
    try:
        _checked(text)
    except InvalidIdentifier:
        return False
    return True


def personal_id_display(number: str) -> str:
    """A 12-digit personnummer or samordningsnummer as people write it: ``19580709-5566``.

    Anything else (an empty field, a number already hyphenated, text from an old log entry)
    comes back as it is: display never invents digits or hides what is stored.
    """
    if len(number) == 12 and number.isascii() and number.isdigit():
        return f"{number[:8]}-{number[8:]}"
    return number


def birth_date_of(number: str) -> date:
    """Birth date of an already validated 12-digit number (samordningsnummer: day minus 60)."""
    day = int(number[6:8])
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
    return date(int(number[0:4]), int(number[4:6]), day)


def make_personal_id(born: date, serial: int, *, coordination: bool = False) -> str:
    """Build the valid 12-digit number for a birth date and a serial 0-999."""
    if not 0 <= serial <= 999:
        raise InvalidIdentifier("serial must be 0-999")
    day = born.day + (_COORDINATION_OFFSET if coordination else 0)
    body = f"{born.year:04d}{born.month:02d}{day:02d}{serial:03d}"
    return body + str(luhn_check_digit(body[2:]))


def is_hsa_id(text: str) -> bool:
    """``SE`` + 10-digit organisation number + ``-`` + letters and digits, at most 31 chars."""
    return len(text) <= _HSA_MAX_LENGTH and _HSA.fullmatch(text) is not None

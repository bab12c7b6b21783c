"""Parsing FHIR search parameters: tokens, references, dates with prefixes, paging.

Pure functions; a value that does not parse raises :class:`FhirError` 400 naming the
parameter, so a client learns which one was wrong.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from fastkontakt.fhir.outcomes import FhirError, fhir_error

DEFAULT_COUNT = 20
MAX_COUNT = 200
MAX_OFFSET = 1_000_000
_DATE = re.compile(
    r"(eq|ne|gt|lt|ge|le|sa|eb|ap)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})"
    r"(T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
)
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


@dataclass(frozen=True, slots=True)
class Token:
    """``code`` (system None: any system), ``system|code``, or ``|code`` (system "": none)."""

    system: str | None
    code: str

    def in_system(self, system: str) -> bool:
        """Whether the token can name a code of ``system`` (every code we serve has one)."""
        return self.system is None or self.system == system


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days a ``date`` parameter asks for: ``start`` to ``end`` inclusive, None = open."""

    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class Page:
    offset: int
    count: int


def bad(parameter: str, message: str) -> FhirError:
    return fhir_error(400, "invalid", f"{parameter}: {message}", expression=parameter)


def parse_token(parameter: str, text: str) -> Token:
    """``code``, ``system|code`` or ``|code`` (no system)."""
    if "|" in text:
        system, _, code = text.partition("|")
        if not code:
            raise bad(parameter, "ange en kod efter |")
        return Token(system=system, code=code)
    if not text:
        raise bad(parameter, "tomt värde")
    return Token(system=None, code=text)


def parse_reference(parameter: str, text: str, types: tuple[str, ...]) -> tuple[str, str]:
    """``Type/id`` or a bare ``id`` (then the first of ``types``); returns (type, id)."""
    kind, slash, ident = text.rpartition("/")
    if not slash:
        kind, ident = types[0], text
    if kind not in types:
        raise bad(parameter, f"referensen ska gå till {' eller '.join(types)}")
    if not _ID.fullmatch(ident):
        raise bad(parameter, "ogiltigt id")
    return kind, ident


def parse_int_id(parameter: str, text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise bad(parameter, "ogiltigt id")
    return int(text)


def _bounds(year: str, month: str | None, day: str | None) -> tuple[date, date]:
    y = int(year)
    try:
        if month is None:
            return date(y, 1, 1), date(y, 12, 31)
        m = int(month)
        if day is None:
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        d = date(y, m, int(day))
    except ValueError:
        raise ValueError("no such date") from None
    return d, d


def _local_day(text: str) -> date:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def parse_date(parameter: str, values: list[str]) -> DateRange:
    """The intersection of the ranges ``values`` ask for (``date=ge2026-01-01&date=le2026-06``)."""
    start: date | None = None
    end: date | None = None
    for text in values:
        match = _DATE.fullmatch(text)
        if match is None:
            raise bad(
                parameter,
                "datum som [prefix]ÅÅÅÅ[-MM[-DD[Thh:mm[:ss][zon]]]], t.ex. ge2026-01-01",
            )
        prefix, year, month, day, time = match.groups()
        prefix = prefix or "eq"
        try:
            low, high = _bounds(year, month, day)
            if time:
                # The registry keeps days: a moment is the day it falls on in Stockholm, and
                # "after" or "before" it includes that day.
                low = high = _local_day(f"{year}-{month}-{day}{time}")
                prefix = {"gt": "ge", "sa": "ge", "lt": "le", "eb": "le"}.get(prefix, prefix)
        except ValueError:
            raise bad(parameter, "ogiltigt datum") from None
        if prefix in ("ne", "ap"):
            raise bad(parameter, f"prefixet {prefix} stöds inte")
        lower: date | None = None
        upper: date | None = None
        if prefix == "eq":
            lower, upper = low, high
        elif prefix in ("ge", "sa"):
            lower = low if prefix == "ge" else high + timedelta(days=1)
        elif prefix == "gt":
            lower = high + timedelta(days=1)
        elif prefix in ("le", "eb"):
            upper = high if prefix == "le" else low - timedelta(days=1)
        elif prefix == "lt":
            upper = low - timedelta(days=1)
        if lower is not None:
            start = lower if start is None else max(start, lower)
        if upper is not None:
            end = upper if end is None else min(end, upper)
    return DateRange(start=start, end=end)


def parse_page(count: int | None, offset: int | None) -> Page:
    count = DEFAULT_COUNT if count is None else count
    offset = 0 if offset is None else offset
    if count < 0:
        raise bad("_count", "ett tal 0 eller större")
    # FHIR: a server caps a page larger than it serves rather than refusing it.
    count = min(count, MAX_COUNT)
    if not 0 <= offset <= MAX_OFFSET:
        raise bad("_offset", f"mellan 0 och {MAX_OFFSET}")
    return Page(offset=offset, count=count)


def check_id(text: str) -> str:
    """A FHIR id, or 404: an id that cannot exist names no resource."""
    if not _ID.fullmatch(text):
        raise fhir_error(404, "not-found", "Resursen finns inte.")
    return text

"""The visits made, as the time-reporting system exports them (``docs/visits-import.md``).

A CSV file with a header row ``personnummer;medarbetare;start;slut;typ`` (semicolon or comma):
the customer's personnummer, the staff member's HSA-id, start and end as local time
``YYYY-MM-DD HH:MM`` (or with a ``T``), and the kind of visit. Parsing is pure: every line is
checked and every problem reported with its line number (the header is line 1), so a file is
either read whole or not at all. What needs the registry (is the person the unit's customer,
is the staff member known) is the import service's to check.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from fastkontakt.domain.errors import InvalidIdentifier, Problem
from fastkontakt.domain.identifiers import is_hsa_id, parse_personal_id
from fastkontakt.domain.model import VISIT_KINDS

HEADER = ("personnummer", "medarbetare", "start", "slut", "typ")
MAX_ROWS = 100_000
#: The longest visit a time report plausibly holds; longer is a typing error (a wrong day).
MAX_HOURS = 16
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True, slots=True)
class ReportedVisit:
    """One line of the file: a visit made (naive local times)."""

    line: int
    personal_id: str
    staff: str
    start: datetime
    end: datetime
    kind: str

    @property
    def source_id(self) -> str:
        """The same visit reported again has the same id: a re-import writes nothing."""
        key = "|".join(
            (self.personal_id, self.staff, self.start.isoformat(), self.end.isoformat(), self.kind)
        )
        return hashlib.sha256(key.encode()).hexdigest()[:40]


class InvalidVisitsFile(Exception):
    """The file does not hold; carries every problem found, each naming its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def line_problem(line: int, message: str) -> Problem:
    return Problem(f"rad {line}", message)


def _time(text: str) -> datetime | None:
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)  # noqa: DTZ007 - local time by format
        except ValueError:
            continue
    return None


def parse_visits_csv(data: bytes) -> list[ReportedVisit]:
    """The visits of a file, or :class:`InvalidVisitsFile` with every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidVisitsFile([Problem("fil", "Filen är inte UTF-8-kodad text.")]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidVisitsFile([line_problem(1, "Filen är tom; första raden ska vara rubrikerna "
                                             + ";".join(HEADER) + ".")])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = tuple(cell.strip().lower() for cell in next(reader))
    if header != HEADER:
        raise InvalidVisitsFile([line_problem(
            1, f"Rubrikraden ska vara {';'.join(HEADER)}, inte {';'.join(header)}."
        )])
    problems: list[Problem] = []
    visits: list[ReportedVisit] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(visits) + len(problems) >= MAX_ROWS:
            problems.append(
                line_problem(line, f"Filen har fler än {MAX_ROWS} besök; dela upp den.")
            )
            break
        if len(cells) != len(HEADER):
            problems.append(line_problem(
                line, f"Raden har {len(cells)} fält; den ska ha {len(HEADER)}."
            ))
            continue
        pnr_text, staff, start_text, end_text, kind = (cell.strip() for cell in cells)
        found: list[str] = []
        personal_id = ""
        try:
            personal_id = parse_personal_id(pnr_text).number
        except InvalidIdentifier:
            found.append(
                f"personnumret {pnr_text!r} är inte ett giltigt personnummer (ÅÅÅÅMMDDNNNN)"
            )
        if not is_hsa_id(staff):
            found.append(f"medarbetarens HSA-id {staff!r} är inte ett giltigt HSA-id")
        start = _time(start_text)
        end = _time(end_text)
        if start is None:
            found.append(f"starttiden {start_text!r} ska skrivas ÅÅÅÅ-MM-DD TT:MM")
        if end is None:
            found.append(f"sluttiden {end_text!r} ska skrivas ÅÅÅÅ-MM-DD TT:MM")
        if start is not None and end is not None:
            if end <= start:
                found.append("sluttiden ska vara efter starttiden")
            elif (end - start).total_seconds() > MAX_HOURS * 3600:
                found.append(f"besöket är längre än {MAX_HOURS} timmar")
        if kind not in VISIT_KINDS:
            found.append(f"typen {kind!r} finns inte (välj {', '.join(VISIT_KINDS)})")
        if found:
            message = "; ".join(found)
            problems.append(line_problem(line, message[0].upper() + message[1:] + "."))
            continue
        if start is None or end is None:  # checked above; for the type checker
            continue
        visit = ReportedVisit(line, personal_id, staff, start, end, kind)
        if visit.source_id in seen:
            problems.append(line_problem(
                line, f"Samma besök finns redan på rad {seen[visit.source_id]}."
            ))
            continue
        seen[visit.source_id] = line
        visits.append(visit)
    if problems:
        raise InvalidVisitsFile(problems)
    return visits

"""Reading a feed file: NDJSON, one FHIR resource of a feed profile per line (ADR 0024).

Used by ``fastkontakt sync``. Each line is read on its own (``mappers.feeds``); a line that
cannot be read is a problem naming its line number, and the others are still read, so one run
reports every bad line at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fastkontakt.domain.errors import Problem
from fastkontakt.fhir.mappers.feeds import FeedProblems, feed_read
from fastkontakt.registry.services.feeds import FeedItem

__all__ = ["FeedFile", "feed_file_read"]

#: Lines between two progress reports.
PROGRESS_LINES = 50_000


@dataclass
class FeedFile:
    items: list[FeedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0


def line_where(number: int) -> str:
    return f"rad {number}"


def feed_file_read(
    lines: Iterable[str], *, progress: Callable[[int], None] | None = None
) -> FeedFile:
    """The items of every line that can be read, and a problem for each that cannot."""
    read = FeedFile()
    for number, line in enumerate(lines, start=1):
        read.lines = number
        if progress is not None and number % PROGRESS_LINES == 0:
            progress(number)
        if not line.strip():
            continue
        where = line_where(number)
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as error:
            read.problems.append(Problem(where, f"ogiltig JSON ({error.msg}, tecken {error.pos})"))
            continue
        try:
            read.items.append(feed_read(resource, where=where))
        except FeedProblems as bad:
            read.problems.extend(Problem(f"{where}: {p.path}", p.message) for p in bad.problems)
    return read

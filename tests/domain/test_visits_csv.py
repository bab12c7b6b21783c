"""The time report's CSV format (``domain.visits_made``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from fastkontakt.domain.visits_made import InvalidVisitsFile, parse_visits_csv

KARIN = "193601011236"


def test_semicolons_commas_a_bom_quoted_fields_and_blank_lines_are_read() -> None:
    # given
    semicolons = (
        "\ufeffPersonnummer;Medarbetare;Start;Slut;Typ\n"
        "19360101-1236;SE2321000032-ab1;2026-11-02 08:00;2026-11-02T08:25;omsorg\n\n"
    ).encode()
    commas = (
        b'personnummer,medarbetare,start,slut,typ\r\n'
        b'"193601011236","SE2321000032-ab1","2026-11-02 08:00:00","2026-11-02 08:25",omsorg\r\n'
    )

    # when
    read = [parse_visits_csv(semicolons), parse_visits_csv(commas)]

    # then
    for visits in read:
        assert [(x.line, x.personal_id, x.staff, x.start, x.end, x.kind) for x in visits] == [
            (2, KARIN, "SE2321000032-ab1", datetime(2026, 11, 2, 8, 0),  # noqa: DTZ001
             datetime(2026, 11, 2, 8, 25), "omsorg"),  # noqa: DTZ001
        ]
    assert read[0][0].source_id == read[1][0].source_id


def test_a_visit_longer_than_sixteen_hours_is_a_typing_error() -> None:
    data = (
        "personnummer;medarbetare;start;slut;typ\n"
        f"{KARIN};SE2321000032-ab1;2026-11-02 08:00;2026-11-03 08:25;omsorg\n"
    ).encode()
    with pytest.raises(InvalidVisitsFile) as invalid:
        parse_visits_csv(data)
    assert [str(p) for p in invalid.value.problems] == [
        "rad 2: Besöket är längre än 16 timmar."
    ]

"""Benchmark: producing a letter's PDF (issue 3, written information), per letter.

    .venv/bin/python bench/letters.py [--rounds 50]

Measures, with ``DEBUG`` off and after one warm-up letter (fonts loaded once per thread):
(a) the letter's HTML from its content (``letters.rendering.letter_html``),
(b) the whole PDF (``letters.rendering.letter_pdf``: HTML and WeasyPrint),
for a one-contact letter (one page) and a handover letter naming three contacts (two pages),
each the median of ``--rounds`` runs in CPU time (wall-clock time too for the PDF: on a busy
machine it is the CPU time that says what a letter costs), and the ratio b/a: how much of the
time is WeasyPrint's.
The database is not involved: what ``letter_create`` adds to (b) is a few small queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")


def _median_ms(rounds: int, run: Callable[[], object]) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds; CPU time is what a busy machine does not blur."""
    run()
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds

    import django

    django.setup()
    from fastkontakt.letters.rendering import (
        ContactPart,
        LetterContent,
        PreviousHolder,
        letter_html,
        letter_pdf,
    )

    def part(kind: str, previous: PreviousHolder | None) -> ContactPart:
        return ContactPart(
            kind=kind,
            name="Anna Svensson",
            profession="sjuksköterska",
            unit_name="Vårdcentralen Norr",
            staff_phone="0920-123 46",
            unit_phone="0920-123 45",
            start=date(2026, 3, 1),
            end=None,
            local_title="",
            coordinating=kind == "fast_vardkontakt",
            previous=previous,
        )

    def letter(parts: tuple[ContactPart, ...]) -> LetterContent:
        return LetterContent(
            number=1,
            on=date(2026, 3, 1),
            person_name="Karin Lind",
            personal_id="194001019808",
            to_relative=False,
            sender_name="Vårdcentralen Norr",
            sender_phone="0920-123 45",
            contacts=parts,
        )

    before = PreviousHolder(name="Bertil Ek", end=date(2026, 2, 28))
    cases = {
        "one contact (1 page)": letter((part("fast_vardkontakt", None),)),
        "handover, 3 contacts (2 pages)": letter(
            tuple(
                part(kind, before)
                for kind in ("fast_vardkontakt", "behandlande_roll", "sip_samordnare")
            )
        ),
    }
    print(f"median of {rounds} rounds after one warm-up")
    for name, content in cases.items():
        _, html_cpu = _median_ms(rounds, lambda c=content: letter_html(c))
        pdf_wall, pdf_cpu = _median_ms(rounds, lambda c=content: letter_pdf(c))
        print(
            f"{name:32} html {html_cpu:5.1f} ms   pdf {pdf_cpu:6.1f} ms CPU "
            f"({pdf_wall:6.1f} ms wall) per letter   pdf/html {pdf_cpu / html_cpu:6.0f}"
        )


if __name__ == "__main__":
    main()

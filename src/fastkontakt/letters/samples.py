"""One sample letter of each kind, rendered to PDF and PNG to be looked at (``make letters-png``).

The samples are built straight from :class:`~.rendering.LetterContent` (no database): a letter
to the person for each kind of contact, a handover letter to a relative, and a letter to a
person without a postal address. ``make letters-png LETTERS_PNG=DIR`` writes ``DIR/<name>.pdf``
and ``DIR/<name>-<page>.png`` (with Debian's ``pdftoppm``, 100 dpi).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

from fastkontakt.domain.model import PostalAddress
from fastkontakt.letters.rendering import ContactPart, LetterContent, PreviousHolder, letter_pdf

_ON = date(2026, 12, 4)
_HOME = PostalAddress(street="Storgatan 12 lgh 1101", postal_code="972 31", city="Luleå")
_CENTRE = PostalAddress(street="Box 1075", postal_code="974 33", city="Luleå")
_HOME_CARE = PostalAddress(street="Box 3431", postal_code="973 46", city="Luleå")


def _part(kind: str, **changes: object) -> ContactPart:
    home_care = kind in {"fast_omsorgskontakt", "kontaktansvarig"}
    fields: dict[str, object] = {
        "kind": kind,
        "name": "Maja Nilsson" if home_care else "Anna Svensson",
        "profession": "undersköterska" if home_care else "sjuksköterska",
        "unit_name": "Luleå kommun, hemtjänst Björkskatan"
        if home_care
        else "Hälsocentralen Hertsön",
        "staff_phone": "0920-455 12",
        "unit_phone": "0920-455 00" if home_care else "0920-283 00",
        "start": date(2026, 12, 1),
        "end": None,
        "local_title": "",
        "coordinating": False,
        "previous": None,
    }
    if kind == "fast_lakarkontakt":
        fields.update(name="Erik Lundqvist", profession="läkare")
    fields.update(changes)
    return ContactPart(**fields)  # type: ignore[arg-type]


def _content(part: ContactPart, **changes: object) -> LetterContent:
    home_care = part.unit_name.startswith("Luleå kommun")
    fields: dict[str, object] = {
        "number": 1042,
        "on": _ON,
        "person_name": "Karin Lind",
        "personal_id": "194001010208",
        "to_relative": False,
        "sender_name": part.unit_name,
        "sender_phone": part.unit_phone,
        "contacts": (part,),
        "recipient_name": "Karin Lind",
        "address": _HOME,
        "sender_address": _HOME_CARE if home_care else _CENTRE,
        "writer": "Lena Holm",
        "previous_kontaktansvarig": "",
    }
    fields.update(changes)
    return LetterContent(**fields)  # type: ignore[arg-type]


def sample_letters() -> dict[str, LetterContent]:
    """The samples by file name."""
    return {
        "1-fast-vardkontakt": _content(
            _part("fast_vardkontakt", coordinating=True, local_title="kontaktsjuksköterska")
        ),
        "2-fast-lakarkontakt": _content(_part("fast_lakarkontakt")),
        "3-fast-omsorgskontakt": _content(
            _part("fast_omsorgskontakt"),
            address=PostalAddress(
                street="Blåbärsvägen 7", postal_code="973 46", city="Luleå", care_of="Eva Lind"
            ),
            previous_kontaktansvarig="Sofia Berg",
        ),
        "4-behandlande-roll": _content(
            _part("behandlande_roll", local_title="diabetessjuksköterska")
        ),
        "5-sip-samordnare": _content(_part("sip_samordnare")),
        "6-kontaktansvarig": _content(_part("kontaktansvarig")),
        "7-overlamning-till-narstaende": _content(
            _part(
                "fast_omsorgskontakt",
                previous=PreviousHolder(name="Sofia Berg", end=date(2026, 11, 30)),
            ),
            to_relative=True,
            personal_id="",
            recipient_name="Eva Lind",
            address=PostalAddress(street="Skeppsbrogatan 4", postal_code="972 38", city="Luleå"),
        ),
        "8-utan-postadress": _content(_part("fast_vardkontakt"), address=None),
    }


def write_samples(folder: Path) -> list[Path]:
    """Write every sample's PDF and its pages as PNG; returns the PNG files."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm saknas: installera Debians poppler-utils (make letters-png).")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, content in sample_letters().items():
        pdf = folder / f"{name}.pdf"
        pdf.write_bytes(letter_pdf(content))
        for old in folder.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(  # noqa: S603 - a fixed program and our own file names
            [pdftoppm, "-png", "-r", "100", str(pdf), str(folder / name)], check=True
        )
        written.extend(sorted(folder.glob(f"{name}-*.png")))
    return written


def main(argv: list[str]) -> int:
    """``argv[1]`` is the folder; Django must be set up (the Makefile does)."""
    for path in write_samples(Path(argv[1] if len(argv) > 1 else "var/letters-png")):
        print(path)
    return 0

"""Reading a letter's PDF back as a person would: its words, its page size, its smallest type."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from fastkontakt.letters.models import Letter


def pdf_text(pdf: bytes) -> str:
    """Every word of the PDF with whitespace collapsed, so sentences survive line breaks."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def letter_text(letter: Letter) -> str:
    letter.refresh_from_db()
    return pdf_text(bytes(letter.pdf))


def font_sizes_pt(pdf: bytes) -> set[float]:
    """The size in points of every run of visible text (font size times the text and current
    transformation matrices' vertical scale)."""
    sizes: set[float] = set()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.add(round(abs(size * tm[3] * cm[3]), 2))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    points_per_mm = 72 / 25.4
    return [
        (
            round(float(page.mediabox.width) / points_per_mm),
            round(float(page.mediabox.height) / points_per_mm),
        )
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def pdf_text_in(pdf: bytes, *, left: float, top: float, width: float, height: float) -> str:
    """The text whose baseline starts within a rectangle of the first page, in mm from the
    sheet's top left corner: what an envelope's window shows."""
    points_per_mm = 72 / 25.4
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    page_height = float(page.mediabox.height)
    parts: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        x = (tm[4] * cm[0] + cm[4]) / points_per_mm
        y = (page_height - (tm[5] * cm[3] + cm[5])) / points_per_mm
        if text.strip() and left <= x <= left + width and top <= y <= top + height:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return " ".join(parts)

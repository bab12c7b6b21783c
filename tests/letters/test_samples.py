"""``make letters-png``: one sample letter of each kind, rendered to PDF and PNG."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fastkontakt.domain.model import CONTACT_KINDS
from fastkontakt.letters.samples import sample_letters, write_samples
from tests.letters.pdf import page_sizes_mm


def test_the_samples_cover_every_kind_a_relatives_copy_and_a_missing_address() -> None:
    # when
    samples = sample_letters()
    # then
    kinds = {part.kind for content in samples.values() for part in content.contacts}
    assert kinds == set(CONTACT_KINDS)
    assert any(content.to_relative for content in samples.values())
    assert any(content.address is None for content in samples.values())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs Debian's poppler-utils")
def test_every_sample_is_written_as_a4_pdf_and_png_pages(tmp_path: Path) -> None:
    # when
    pngs = write_samples(tmp_path)
    # then
    for name in sample_letters():
        pdf = (tmp_path / f"{name}.pdf").read_bytes()
        pages = page_sizes_mm(pdf)
        assert set(pages) == {(210, 297)}
        assert [p.name for p in pngs if p.name.startswith(f"{name}-")] == [
            f"{name}-{n}.png" for n in range(1, len(pages) + 1)
        ]
        assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)

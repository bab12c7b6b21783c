"""Resource ids in paths: an id that cannot name a resource is a 404, not a 400."""

from __future__ import annotations

from fastkontakt.fhir.outcomes import fhir_error

_MAX_DIGITS = 18


def int_id(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS):
        raise fhir_error(404, "not-found", "Resursen finns inte.")
    return int(text)

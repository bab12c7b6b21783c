"""Postal address ↔ FHIR ``Address`` (``Patient.address``, ``Organization.address``).

A c/o line is the first ``line``, written ``c/o …``, the street address the last; the postcode is
``NNN NN`` and the country ``SE``. Reading takes the first address that is not ``use: old``: a
system that sends several is telling us which is current by their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B.address import Address

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.model import PostalAddress
from fastkontakt.domain.postal import POSTAL_CODE_MESSAGE, postal_code_normalised

_CARE_OF = "c/o "


def address_json(address: PostalAddress, *, use: str) -> dict[str, Any]:
    lines = [f"{_CARE_OF}{address.care_of}"] if address.care_of else []
    lines.append(address.street)
    return {
        "use": use,
        "type": "postal",
        "line": lines,
        "postalCode": address.postal_code,
        "city": address.city,
        "country": "SE",
    }


def address_resource(address: PostalAddress, *, use: str) -> Address:
    return Address(**address_json(address, use=use))


def address_read(
    addresses: Iterable[Any] | None, path: str, problems: list[Problem]
) -> PostalAddress | None:
    """The current postal address of a resource's ``address`` list, or None when it has none;
    an address that cannot be read adds a Swedish problem at ``path``."""
    current = [a for a in addresses or () if a.use != "old"]
    if not current:
        return None
    address = current[0]
    lines = [str(line).strip() for line in address.line or () if str(line).strip()]
    care_of = None
    if len(lines) == 2 and lines[0].lower().startswith(_CARE_OF):  # noqa: PLR2004
        care_of = lines[0][len(_CARE_OF) :].strip() or None
        lines = lines[1:]
    code = postal_code_normalised(str(address.postalCode or ""))
    city = str(address.city or "").strip()
    if len(lines) != 1 or code is None or not city:
        if code is None and address.postalCode:
            problems.append(Problem(f"{path}.postalCode", POSTAL_CODE_MESSAGE))
        else:
            problems.append(
                Problem(
                    path,
                    "adressen kräver en gatuadress (och högst en c/o-rad före den), postnummer "
                    "och postort",
                )
            )
        return None
    if address.country not in (None, "SE", "SWE", "Sverige"):
        problems.append(Problem(f"{path}.country", "bara svenska postadresser tas emot"))
        return None
    return PostalAddress(street=lines[0], postal_code=code, city=city, care_of=care_of)

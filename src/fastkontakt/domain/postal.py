"""Swedish postal addresses: the postcode's one written form and the lines of the address block.

A postcode has five digits, the first never 0, and is written ``NNN NN`` (PostNord). Files, forms
and the FHIR API may send ``NNNNN`` too; everything stores and shows the spaced form, so two
spellings of one address compare equal.
"""

from __future__ import annotations

import re
from typing import Final

from fastkontakt.domain.model import PostalAddress

_POSTAL_CODE: Final = re.compile(r"([1-9][0-9]{2}) ?([0-9]{2})")

#: Column and field lengths: a window line holds about 36 characters in 12 pt, and PostNord's
#: address lines are at most 35; a little room over that for c/o lines and long street names.
STREET_LENGTH: Final = 100
CARE_OF_LENGTH: Final = 100
CITY_LENGTH: Final = 50
POSTAL_CODE_LENGTH: Final = 6

POSTAL_CODE_MESSAGE: Final = "Postnumret ska vara fem siffror, till exempel 972 31."


def postal_code_normalised(text: str) -> str | None:
    """``97231`` or ``972 31`` as ``972 31``; None when ``text`` is not a Swedish postcode."""
    match = _POSTAL_CODE.fullmatch(text.strip())
    if match is None or not text.isascii():
        return None
    return f"{match.group(1)} {match.group(2)}"


def address_lines(name: str, address: PostalAddress) -> tuple[str, ...]:
    """The address block as it is printed: name, c/o, street, postcode and post town.

    The post town is printed in capitals, as PostNord's machines read it best.
    """
    lines = [name]
    if address.care_of:
        lines.append(f"c/o {address.care_of}")
    lines.append(address.street)
    lines.append(f"{address.postal_code}  {address.city.upper()}")
    return tuple(lines)

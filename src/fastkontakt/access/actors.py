"""The acting user as the services see it: who, with which roles at which units, for which request.

An ``Actor`` is built once per request (or per command-line run) so that every check and every
log entry in that request agrees on who acted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from fastkontakt.access.models import UNIT_ROLES, Account, Membership, Role
from fastkontakt.domain.errors import NotAllowed


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    username: str
    #: (role, unit pk); provider-wide roles have no unit.
    memberships: frozenset[tuple[str, int | None]]
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    staff_pk: int | None = None
    #: The user's own personnummer and family name: reading one's own or a namesake's record
    #: is flagged for review.
    personal_id: str = ""
    family_name: str = ""
    #: The staff member's name (else the account's full name): what letters and consents show
    #: as who wrote or recorded them; empty for command-line runs and API clients.
    full_name: str = ""
    #: (unit pk, HSA-id) of the units in ``memberships``, in HSA-id order.
    unit_hsa_ids: tuple[tuple[int, str], ...] = ()
    #: May load the region's directory and populations, beyond what its units are responsible
    #: for: an API client a system administrator made region-wide (ADR 0012).
    region_wide: bool = False

    @property
    def unit_pks(self) -> frozenset[int]:
        """Units the user works at; care relationships with people go through these."""
        return frozenset(
            unit for role, unit in self.memberships if unit is not None and role in UNIT_ROLES
        )

    def has_role(self, role: str, unit_pk: int | None = None) -> bool:
        return (role, unit_pk) in self.memberships

    def units_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(
            unit for role, unit in self.memberships if unit is not None and role in roles
        )


def require_role(actor: Actor, roles: Iterable[str], unit_pk: int | None = None) -> None:
    """Raise ``NotAllowed`` unless the actor holds one of ``roles`` at ``unit_pk``."""
    wanted = tuple(roles)
    if not any(actor.has_role(role, unit_pk) for role in wanted):
        labels = ", ".join(str(Role(role).label) for role in wanted)
        raise NotAllowed(f"Åtgärden kräver rollen {labels} för enheten.")


def actor_for_user(user: AbstractBaseUser | AnonymousUser, *, request_id: str) -> Actor:
    """The actor for a logged-in user; two queries (memberships, account)."""
    if not user.is_authenticated or user.pk is None:
        return Actor(user_id=None, username="", memberships=frozenset(), request_id=request_id)
    rows = list(
        Membership.objects.filter(user_id=user.pk).values_list("role", "unit_id", "unit__hsa_id")
    )
    memberships = frozenset((role, unit) for role, unit, _ in rows)
    unit_hsa_ids = tuple(sorted({(unit, hsa) for _, unit, hsa in rows if unit}, key=lambda u: u[1]))
    account = Account.objects.filter(user_id=user.pk).select_related("staff").first()
    staff = account.staff if account else None
    full_name = staff.name if staff else str(getattr(user, "get_full_name", str)())
    return Actor(
        user_id=int(user.pk),
        username=user.get_username(),
        memberships=memberships,
        request_id=request_id,
        staff_pk=staff.pk if staff else None,
        personal_id=account.personal_id if account else "",
        family_name=family_name_of(full_name),
        full_name=full_name.strip(),
        unit_hsa_ids=unit_hsa_ids,
    )


def system_actor(name: str) -> Actor:
    """The actor of a command-line run: no roles, logged under ``name`` (e.g. ``cli:root``)."""
    return Actor(user_id=None, username=name, memberships=frozenset())


def family_name_of(full_name: str) -> str:
    """The last word of a name, case-folded: what a namesake shares."""
    words = full_name.split()
    return words[-1].casefold() if words else ""

"""What a unit declares about itself: its local titles and which of its staff are selectable.

- A **local title** (``UnitLocalTitle``) is the unit's own name for a legal role, e.g.
  "kontaktsjuksköterska" = fast vårdkontakt. The head of unit decides it (``domain.md``), so
  only the head of unit records it.
- **Selectable** (``Staff.eligible``, valbar) is what Region Gävleborg's routine asks the unit
  manager to register: who may be appointed fast vårdkontakt. The head of unit or the unit
  manager of a unit where the staff member works records it.

These are not a person's data, so no access-log entry is written; the changes are small and the
page shows the current state.
"""

from __future__ import annotations

from fastkontakt.access.accesslog import write_affects, write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.registry.models import NAME_LENGTH, Staff, StaffUnit, Unit, UnitLocalTitle
from fastkontakt.registry.selectors import personal_ids_of_staff

__all__ = [
    "ELIGIBILITY_ROLES",
    "LOCAL_TITLE_KINDS",
    "LOCAL_TITLE_ROLES",
    "staff_eligible_set",
    "unit_local_title_add",
    "unit_local_title_remove",
]

#: Who declares a unit's local titles.
LOCAL_TITLE_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT,)
#: Who registers which staff are selectable.
ELIGIBILITY_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER)
#: The legal roles a local title can stand for ("kontaktansvarig" is itself the older local
#: name that fast omsorgskontakt replaces, not a role to declare equal to).
LOCAL_TITLE_KINDS: tuple[str, ...] = (
    "fast_vardkontakt",
    "fast_lakarkontakt",
    "fast_omsorgskontakt",
    "behandlande_roll",
    "sip_samordnare",
)
_TITLE_MIN_LENGTH = 3


def _unit(unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise InvalidInput([Problem("unit", "Enheten finns inte.")])
    return unit


@write_transaction()
def unit_local_title_add(
    *, actor: Actor, unit_pk: int, title: str, kind: str = "fast_vardkontakt"
) -> UnitLocalTitle:
    """Declare ``title`` at the unit equal to the legal role ``kind``."""
    problems: list[Problem] = []
    title = " ".join(title.split())
    if len(title) < _TITLE_MIN_LENGTH:
        problems.append(Problem("title", f"Ange titeln (minst {_TITLE_MIN_LENGTH} tecken)."))
    elif len(title) > NAME_LENGTH:
        problems.append(Problem("title", f"Högst {NAME_LENGTH} tecken."))
    if kind not in LOCAL_TITLE_KINDS:
        problems.append(Problem("kind", "Välj vilken roll titeln motsvarar."))
    if problems:
        raise InvalidInput(problems)
    unit = _unit(unit_pk)
    require_role(actor, LOCAL_TITLE_ROLES, unit.pk)
    # Case-insensitively, in Python: SQLite's LIKE/iexact fold only ASCII, and titles are
    # Swedish ("Kontaktsjuksköterska" and "kontaktsjuksköterska" are one title).
    taken = {t.casefold() for t in unit.local_titles.values_list("title", flat=True)}
    if title.casefold() in taken:
        raise InvalidInput([Problem("title", f"{unit.name} har redan titeln {title}.")])
    return UnitLocalTitle.objects.create(unit=unit, title=title, kind=kind)


@write_transaction()
def unit_local_title_remove(*, actor: Actor, unit_pk: int, title_pk: int) -> None:
    """Withdraw a local title. Contacts that carry it keep their text: it was their title."""
    unit = _unit(unit_pk)
    require_role(actor, LOCAL_TITLE_ROLES, unit.pk)
    deleted, _ = UnitLocalTitle.objects.filter(pk=title_pk, unit=unit).delete()
    if not deleted:
        raise InvalidInput([Problem("title", "Titeln finns inte vid enheten.")])


@write_transaction()
def staff_eligible_set(*, actor: Actor, unit_pk: int, staff_pk: int, eligible: bool) -> Staff:
    """Register whether the staff member is selectable (valbar) as fast vårdkontakt.

    Current appointments stay: under Region Gävleborg's policy a current fast vårdkontakt held
    by someone not selectable shows on the worklist (``contact-eligible``) for the head of unit
    to act on.
    """
    unit = _unit(unit_pk)
    require_role(actor, ELIGIBILITY_ROLES, unit.pk)
    if not StaffUnit.objects.filter(unit=unit, staff_id=staff_pk).exists():
        raise InvalidInput([Problem("staff", f"Medarbetaren arbetar inte vid {unit.name}.")])
    staff = Staff.objects.select_for_update().get(pk=staff_pk)
    if staff.eligible != eligible:
        staff.eligible = eligible
        staff.save(update_fields=["eligible"])
        write_affects(personal_ids_of_staff(staff_pk=staff.pk), what="staff.eligible")
    return staff

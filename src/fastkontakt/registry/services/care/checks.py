"""What every recording of care checks: input that needs no database, the unit, the role,
the person read outside the write's transaction, the person's row locked, and the unit's care
relationship with the person. Shared by the modules of this package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import person_read
from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.registry.models import HomeCareDecision, Person, Unit
from fastkontakt.registry.selectors import care_relationship_q

#: Who records what happened in a person's care at a unit: everyone who works there (the fast
#: omsorgskontakt who updates the plan is staff).
RECORDING_ROLES: tuple[str, ...] = (
    Role.HEAD_OF_UNIT,
    Role.UNIT_MANAGER,
    Role.COORDINATOR,
    Role.STAFF,
)
#: Who records decisions about a unit's commitments: the home-care decision it carries out and
#: the judgement that a fast omsorgskontakt is obviously unnecessary.
DECIDING_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR)

#: The municipality's units: who records where a person lives and whether a fast
#: omsorgskontakt in särskilt boende is obviously unnecessary.
MUNICIPAL_UNIT_TYPES: frozenset[str] = frozenset({"hemtjanst", "kommunal_hsv", "socialtjanst"})

#: A documented reason must say something; a word or two is not a documented judgement.
REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 2000


def not_future(day: date, as_of: date, field: str, label: str, problems: list[Problem]) -> None:
    if day > as_of:
        problems.append(
            Problem(field, f"{label} kan inte ligga i framtiden (i dag är det {as_of}).")
        )


def reason_checked(text: str, field: str, problems: list[Problem], *, required: bool) -> str:
    text = text.strip()
    if not text and not required:
        return ""
    if len(text) < REASON_MIN_LENGTH:
        problems.append(Problem(field, f"Beskriv skälet med minst {REASON_MIN_LENGTH} tecken."))
    elif len(text) > REASON_MAX_LENGTH:
        problems.append(Problem(field, f"Högst {REASON_MAX_LENGTH} tecken."))
    return text


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInput(problems)


def refusal(field: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(field, message)])


def unit_checked(unit_pk: int, field: str = "unit") -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise refusal(field, "Enheten finns inte.")
    return unit


def require_role_at_any(actor: Actor, roles: Iterable[str], units: Iterable[Unit]) -> Unit:
    """The first of ``units`` where the actor holds one of ``roles``; else ``NotAllowed``."""
    wanted = tuple(roles)
    candidates = list(units)
    for unit in candidates:
        if any(actor.has_role(role, unit.pk) for role in wanted):
            return unit
    require_role(actor, wanted, candidates[0].pk)  # raises, with the usual message
    raise AssertionError("unreachable")  # pragma: no cover


def person_read_outside(actor: Actor, person_pk: int, what: str, as_of: date) -> Person:
    # Outside the write's transaction on purpose: a refused attempt (no care relationship) is
    # logged and must stay logged, and so must a read whose write is then refused, because the
    # refusal's message may tell something about the person.
    return person_read(actor=actor, what=what, person_pk=person_pk, on=as_of)


def person_lock(person: Person) -> None:
    # Serialises writes for one person (PostgreSQL): two notices recorded at once cannot both
    # pass the checks against what is recorded.
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").get()


def require_related_to_unit(person: Person, unit: Unit, as_of: date) -> None:
    # The write is logged on behalf of ``unit`` with the care relationship as its basis, so
    # the relationship must be that unit's, not just any unit's of the actor.
    related = Person.objects.filter(pk=person.pk).filter(care_relationship_q([unit.pk], as_of))
    if not related.exists():
        raise refusal("unit", f"{unit.name} har ingen vårdrelation med personen.")


def require_home_care_at(person: Person, unit: Unit) -> None:
    if not HomeCareDecision.objects.filter(person=person, unit=unit).exists():
        raise refusal("unit", f"Personen har inget biståndsbeslut vid {unit.name}.")


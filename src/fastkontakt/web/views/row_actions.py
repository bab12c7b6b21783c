"""The button of a findings row: the form that resolves it, at a unit where the viewer may use it.

One table says who fixes what and how (``compliance.resolutions``, ADR 0015). The worklist asks
for the button of its own unit (:func:`row_action`); the staff caseload page, which lists a staff
member's deadlines across units, asks for the first owning unit where the viewer has a role that
may use the form (:func:`viewer_row_actions`) and otherwise says in words which unit handles it.
Both give exactly the button that unit's worklist shows for the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import UNIT_ROLES
from fastkontakt.compliance.resolutions import Resolution, resolution_for
from fastkontakt.compliance.worklists import WorklistRow
from fastkontakt.domain import vocabulary
from fastkontakt.registry.models import Contact, Person, Unit
from fastkontakt.registry.selectors import care_relationship_q


@dataclass(frozen=True, slots=True)
class RowAction:
    """The button of one row: its text, the address of its form and what to do there."""

    label: str
    url: str
    hint: str = ""


def contact_pks(rows: Iterable[WorklistRow], units: Iterable[Unit]) -> dict[str, int]:
    """The database ids of the contacts the rows' forms are about, by their external ids: each
    row's own contact and, at each of ``units``, the owning contact there."""
    rows = list(rows)
    units = list(units)
    ids = {row.contact for row in rows if row.contact} | {
        contact
        for row in rows
        for unit in units
        if (contact := row.owners.contact_at(unit.hsa_id)) is not None
    }
    return dict(Contact.objects.filter(external_id__in=ids).values_list("external_id", "pk"))


def row_action(
    row: WorklistRow, way: Resolution, unit: Unit, contact_pks: dict[str, int]
) -> RowAction:
    """The button that resolves ``row`` the way ``way`` says, acting for ``unit``."""
    person = row.person_pk
    if way.workflow == "letters":
        url = reverse("web:letters", args=[person])
    elif way.workflow == "care":
        url = reverse("web:care", args=[person]) + f"#{way.section}"
    elif way.workflow == "handover" and row.staff_pk is not None:
        url = reverse("web:handover", args=[row.staff_pk])
    else:
        query: dict[str, str | int] = {"unit": unit.pk}
        kind = way.kind or row.kind
        if kind:
            query["kind"] = kind
        about = row.owners.contact_at(unit.hsa_id) or row.contact
        about_pk = contact_pks.get(about or "")
        if way.replaces and about_pk is not None:
            query["replaces"] = about_pk
        if way.coordinating:
            query["coordinating"] = "on"
            if about_pk is not None:
                query["takes_over"] = about_pk
        url = reverse("web:appoint", args=[person]) + "?" + urlencode(query)
    return RowAction(way.label, url, way.hint)


def viewer_row_actions(
    actor: Actor, rows: Sequence[WorklistRow], *, as_of: date, prefer: Sequence[int] = ()
) -> list[RowAction | str]:
    """For each row, the button its form has at an owning unit whose worklist shows the row
    to ``actor`` (a unit where they hold a role that may use the form and that has a care
    relationship with the person), or, when there is none, a Swedish sentence naming the
    units that handle it. Units of ``prefer`` (pks) are tried first, then the rest by name.
    """
    mine = Unit.objects.filter(pk__in=actor.units_with_role(*UNIT_ROLES))
    units = sorted(mine, key=lambda u: (u.pk not in prefer, _index(prefer, u.pk), u.name, u.pk))
    person_pks = {row.person_pk for row in rows}
    connected = {
        unit.pk: set(
            Person.objects.filter(pk__in=person_pks)
            .filter(care_relationship_q([unit.pk], as_of))
            .values_list("pk", flat=True)
        )
        for unit in units
    }
    roles = {
        unit.pk: frozenset(role for role in UNIT_ROLES if actor.has_role(role, unit.pk))
        for unit in units
    }
    pks = contact_pks(rows, units)
    names = dict(
        Unit.objects.filter(
            hsa_id__in={unit for row in rows for unit in row.owners.units}
        ).values_list("hsa_id", "name")
    )
    actions: list[RowAction | str] = []
    for row in rows:
        found = next(
            (
                row_action(row, way, unit, pks)
                for unit in units
                if row.person_pk in connected[unit.pk]
                and row.owners.owns(unit.hsa_id, unit.type)
                and (way := resolution_for(row.rule, unit.type, roles[unit.pk])) is not None
            ),
            None,
        )
        actions.append(found if found is not None else _handled_by(row, names))
    return actions


def _index(values: Sequence[int], value: int) -> int:
    return values.index(value) if value in values else len(values)


def _handled_by(row: WorklistRow, names: dict[str, str]) -> str:
    """Who resolves ``row``, in words, for a viewer who has no form for it."""
    units = sorted({names[unit] for unit in row.owners.units if unit in names})
    if units:
        return f"Åtgärdas av {_or(units)}."
    types = sorted(vocabulary.UNIT_TYPES[t].lower() for t in row.owners.types)
    if types:
        return f"Åtgärdas av en enhet inom {_or(types)} som personen har kontakt med."
    return "Ingen enhet kan åtgärda detta i Fast kontakt; kontakta systemförvaltningen."


def _or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " eller " + items[-1]

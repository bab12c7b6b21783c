"""PCC-45: reading a ``CareTeam`` sent by ``PUT`` or in a transaction as the registry's team.

The semantics of the update (what is appointed, ended or kept) are the registry's
(``registry.services.care_teams``), shared by the pages, the feeds and the API; this module only
maps the resource: each participant to a ``TeamMember`` (the participant's element id is the
contact's id), and ``If-Match`` or ``meta.versionId`` to the version the update was made against
(an ``If-Match`` that is not an entity tag fails the precondition: 412).
"""

from __future__ import annotations

import re
from datetime import date

from fhir.resources.R4B.careteam import CareTeam

from fastkontakt.domain.model import CONTACT_KINDS
from fastkontakt.fhir.mappers.codes import (
    CONTACT_ROLE,
    COORDINATING,
    EXT_AGREED,
    EXT_END_REASON,
    EXT_LOCAL_TITLE,
    EXT_REASON,
)
from fastkontakt.fhir.mappers.practitioner_role import parse_practitioner_role_id
from fastkontakt.fhir.outcomes import FhirError, Issue, fhir_error
from fastkontakt.registry.services.care_teams import TeamMember, TeamUpdate


def _bad(path: str, message: str) -> Issue:
    return Issue(code="invalid", diagnostics=message, expression=path)


def parse_members(team: CareTeam, person_pk: int, where: str = "CareTeam") -> list[TeamMember]:
    """The participants of ``team``; 400 naming every participant that cannot be read.
    ``where``: the path of the resource (``Bundle.entry[2].resource`` in a transaction)."""
    issues: list[Issue] = []
    subject = team.subject.reference if team.subject else None
    if subject != f"Patient/{person_pk}":
        issues.append(_bad(f"{where}.subject", f"subject ska vara Patient/{person_pk}"))
    members = []
    for i, part in enumerate(team.participant or []):
        path = f"{where}.participant[{i}]"
        codes = [
            coding.code
            for concept in part.role or []
            for coding in concept.coding or []
            if coding.system == CONTACT_ROLE and coding.code
        ]
        kinds = [code for code in codes if code in CONTACT_KINDS]
        pair = None
        reference = part.member.reference if part.member else None
        if reference and reference.startswith("PractitionerRole/"):
            pair = parse_practitioner_role_id(reference.removeprefix("PractitionerRole/"))
        problems = []
        if len(kinds) != 1:
            problems.append(f"{path}.role: exakt en kontakttyp ur {CONTACT_ROLE}")
        if pair is None:
            problems.append(f"{path}.member: en referens PractitionerRole/<medarbetare>-<enhet>")
        on_behalf = part.onBehalfOf.reference if part.onBehalfOf else None
        if pair is not None and on_behalf not in (None, f"Organization/{pair[1]}"):
            problems.append(f"{path}.onBehalfOf: samma enhet som medlemmens roll")
        if problems or pair is None:
            issues.extend(_bad(path, problem) for problem in problems)
            continue
        extensions = {ext.url: ext for ext in part.extension or []}
        period = part.period
        members.append(
            TeamMember(
                path=path,
                contact_id=part.id,
                kind=kinds[0],
                coordinating=COORDINATING in codes,
                staff_pk=pair[0],
                unit_pk=pair[1],
                start=_day(period.start) if period and period.start else None,
                end=_day(period.end) if period and period.end else None,
                reason=_code(extensions.get(EXT_REASON)),
                agreed_with_person=getattr(extensions.get(EXT_AGREED), "valueBoolean", None),
                end_reason=_code(extensions.get(EXT_END_REASON)),
                local_title=getattr(extensions.get(EXT_LOCAL_TITLE), "valueString", None) or "",
            )
        )
    if issues:
        raise FhirError(400, issues)
    return members


def _day(value: object) -> date:
    # period.start/end are dateTimes in FHIR; the registry keeps days.
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def _code(extension: object) -> str:
    return str(getattr(extension, "valueCode", None) or "")


def team_update(
    *, person_pk: int, team: CareTeam, if_match: str | None = None, where: str = "CareTeam"
) -> TeamUpdate:
    """The registry's update of ``person_pk``'s team from ``team``; 400 for what cannot be read,
    412 for an ``If-Match`` that is not an entity tag."""
    return TeamUpdate(
        person_pk=person_pk,
        members=parse_members(team, person_pk, where),
        expected_version=_expected_version(if_match, team),
    )


_ETAG = re.compile(r'^(?:W/)?"([A-Za-z0-9\-.]{1,64})"$')


def _expected_version(if_match: str | None, team: CareTeam) -> str | None:
    if if_match is not None and if_match.strip() == "*":
        return None  # any version: the team always exists
    if if_match is not None:
        match = _ETAG.fullmatch(if_match.strip())
        if match is None:
            # RFC 9110: a precondition that cannot be evaluated as true fails (412).
            raise fhir_error(
                412,
                "conflict",
                'If-Match ska vara versionen som W/"<versionId>".',
            )
        return match.group(1)
    return team.meta.versionId if team.meta and team.meta.versionId else None

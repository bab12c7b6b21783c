"""The access log, row by row: every page and FHIR interaction that names a person.

One small world: two home-care units, A (with a stored visit plan) and B; P_A (Karin) in care
at A and P_B (Berit) in care only at B, each with a contact, a letter, an implementation plan,
a SIP and an information transfer. A head of unit at A signed in with both factors, and an API
client bound to A with read scopes and CareTeam writes.

Each row of :data:`TABLE` is one interaction, tried twice: ALLOWED (on P_A and A's objects) and
REFUSED (on P_B and B's objects). Each attempt asserts its status and exactly the access-log
entries it appended, as ``(personal_id, action, what)``: one per person per request, allowed
or refused, nothing more. A REFUSED attempt is also made with unknown ids, and the two answers
must be the same, byte for byte once what the client itself sent is taken out (the CSRF tokens,
and a searched value echoed in a form field or a Bundle's links): another unit's object must
read exactly as one that does not exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.accesslog import access_scope, accesslog_verify
from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import AccessLogEntry, EmergencyAccess, Role
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.domain.errors import AppointmentRefused
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.fhir.clients import api_client_create
from fastkontakt.fhir.mappers.care_team import care_team_resource
from fastkontakt.fhir.mappers.codes import CONTACT_ROLE, PERSONNUMMER
from fastkontakt.fhir.mappers.task import task_id
from fastkontakt.letters.models import Letter
from fastkontakt.letters.services import letter_deliver
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.registry.models import (
    Contact,
    Handover,
    HandoverItem,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    Person,
    Sip,
    Staff,
    Unit,
)
from fastkontakt.registry.services.contacts import contact_appoint
from tests.access.helpers import make_user, signed_in
from tests.conftest import RegistryState
from tests.factories import PersonFactory, StaffFactory, StaffUnitFactory, UnitFactory
from tests.fhir.conftest import Api
from tests.planning.builders import build_world, hand_made_plan

SYSTEM = Actor(user_id=None, username="test", memberships=frozenset())
UNKNOWN_NUMBER = make_personal_id(date(1931, 3, 3), 777)
_BEYOND = 10_000


# --- the world -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """What an attempt names: A's objects, B's, or ids that name nothing."""

    person_pk: int
    personal_id: str
    contact_pk: int
    letter_pk: int
    plan_pk: int
    sip_pk: int
    transfer_pk: int
    staff_pk: int
    """A staff member of the side's unit who is the person's fast omsorgskontakt."""
    unit_pk: int
    handover_pk: int
    """A handover at the side's unit that gave the person their fast omsorgskontakt."""
    task_id: str
    """A finding of the rules engine about the person, as a FHIR Task id."""
    team: dict[str, Any]
    """The person's care team as the API gives it (the body of a PUT that changes nothing)."""


@dataclass
class Ctx:
    a: Unit
    b: Unit
    pa: Person
    pb: Person
    olle: Person
    greta: Person
    nurse_a: Staff
    bo: Staff
    web: Client
    api: Api
    user: Any
    sides: dict[str, Side] = field(default_factory=dict)


def _letter(person: Person, contact: Contact) -> Letter:
    letter = Letter.objects.create(
        person=person,
        contact=contact,
        unit=contact.unit,
        recipient="person",
        created_by="brevskrivare",
        pdf=b"%PDF-1.4 brev",
    )
    letter.contacts.set([contact])
    return letter


def _team(person: Person, today: date) -> dict[str, Any]:
    contacts = list(Contact.objects.filter(person=person).select_related("staff", "unit"))
    resource = care_team_resource(person, contacts, today=today)
    team: dict[str, Any] = json.loads(resource.model_dump_json(exclude_none=True))
    return team


def _handover(contact: Contact, today: date) -> Handover:
    """The handover that gave ``contact`` to its staff member: someone else held it before."""
    before = StaffFactory(name=f"Förra {contact.staff.name}", profession="underskoterska")
    previous = Contact.objects.create(
        external_id=f"{contact.external_id}-forr",
        person=contact.person,
        kind=contact.kind,
        staff=before,
        unit=contact.unit,
        start=contact.start - timedelta(days=200),
        end=contact.start - timedelta(days=1),
        end_reason="medarbetaren_slutar",
    )
    handover = Handover.objects.create(
        staff=before, reason="medarbetaren_slutar", effective=contact.start, created_by="chef"
    )
    HandoverItem.objects.create(handover=handover, previous=previous, successor=contact)
    return handover


def _task_id(person: Person, today: date) -> str:
    findings = findings_for_person(personal_id=person.personal_id, as_of=today)
    assert findings, person  # the row reads a Task about the person
    return task_id(person.pk, findings[0])


def _side(person: Person, contact: Contact, today: date) -> Side:
    return Side(
        person_pk=person.pk,
        personal_id=person.personal_id,
        contact_pk=contact.pk,
        letter_pk=_letter(person, contact).pk,
        plan_pk=ImplementationPlan.objects.create(
            person=person, established=today - timedelta(20)
        ).pk,
        sip_pk=Sip.objects.create(
            external_id=f"sip-{person.pk}", person=person, created=today - timedelta(5)
        ).pk,
        transfer_pk=InformationTransfer.objects.create(
            person=person, recipient="Boendet Tallen", date=today - timedelta(2), consent=True
        ).pk,
        staff_pk=contact.staff_id,
        unit_pk=contact.unit_id,
        handover_pk=_handover(contact, today).pk,
        task_id=_task_id(person, today),
        team=_team(person, today),
    )


def _beyond(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return int(last) + _BEYOND


@pytest.fixture
def ctx(db: None) -> Ctx:
    today = timezone.localdate()
    w = build_world()
    plan_store(actor=SYSTEM, unit=w.unit, plan=hand_made_plan(w))
    a = w.unit
    nurse_a = StaffFactory(name="Sara Sjöström", profession="sjukskoterska")
    StaffUnitFactory(staff=nurse_a, unit=a)
    b = UnitFactory(name="Hemtjänst Söder", type="hemtjanst")
    staff_b = StaffFactory(name="Sven Söder", profession="underskoterska", licensed=False)
    StaffUnitFactory(staff=staff_b, unit=b)
    pb = PersonFactory(name="Berit Bortom", personal_id=make_personal_id(date(1938, 8, 8), 321))
    HomeCareDecision.objects.create(
        person=pb, unit=b, start=today - timedelta(30), services=["personlig_omvardnad"]
    )
    contact_b = Contact.objects.create(
        external_id="fok-berit",
        person=pb,
        kind="fast_omsorgskontakt",
        staff=staff_b,
        unit=b,
        start=today - timedelta(20),
    )
    user = make_user("chef", [(Role.HEAD_OF_UNIT, a)], name="Cilla Chef")
    _, token = api_client_create(
        name="system-a", unit_hsa_id=a.hsa_id, scopes=["system/*.read", "system/CareTeam.write"]
    )
    findings_refresh(as_of=today)  # the data above was made without the services
    c = Ctx(
        a=a,
        b=b,
        pa=w.karin,
        pb=pb,
        olle=w.olle,
        greta=w.greta,
        nurse_a=nurse_a,
        bo=w.bo,
        web=signed_in(user),
        api=Api(token=token, client=Client()),
        user=user,
    )
    c.sides["A"] = _side(w.karin, Contact.objects.get(external_id="fok-karin"), today)
    c.sides["B"] = _side(pb, contact_b, today)
    # B's person asked for from A: what an emergency access is for.
    c.sides["B-from-A"] = replace(c.sides["B"], unit_pk=a.pk)
    unknown_pk = _beyond(Person)
    c.sides["unknown"] = Side(
        person_pk=unknown_pk,
        personal_id=UNKNOWN_NUMBER,
        contact_pk=_beyond(Contact),
        letter_pk=_beyond(Letter),
        plan_pk=_beyond(ImplementationPlan),
        sip_pk=_beyond(Sip),
        transfer_pk=_beyond(InformationTransfer),
        staff_pk=_beyond(Staff),
        unit_pk=_beyond(Unit),
        handover_pk=_beyond(Handover),
        task_id=f"{unknown_pk}-000000000000",
        team={**c.sides["B"].team, "id": str(unknown_pk)},
    )
    return c


# --- the table -------------------------------------------------------------------------------

Send = Callable[[Ctx, Side], HttpResponse]
#: (who, action, what): who is "P" (the person the attempt names), "N" (the personnummer the
#: attempt names, logged even when nobody has it) or a person of the world by name.
Entry = tuple[str, str, str]


@dataclass(frozen=True)
class Expect:
    status: int
    entries: Sequence[Entry]


@dataclass(frozen=True)
class Row:
    name: str
    send: Send
    allowed: Expect
    refused: Expect
    unknown: Sequence[Entry] = ()
    """What the attempt with unknown ids logs (a personnummer nobody has is logged too)."""
    echo: Callable[[Side], list[str]] = lambda s: []
    """Exactly how the answer may show back what the client sent (a searched value in a form
    field or a Bundle's links, an id in a form's own address): taken out before comparing."""
    allowed_side: str = "A"


def _today() -> str:
    return timezone.localdate().isoformat()


def _nurse_as_physician(c: Ctx, team: dict[str, Any]) -> dict[str, Any]:
    """The team with the nurse at A added as fast läkarkontakt (lakarkontakt-profession)."""
    return {
        **team,
        "participant": [
            *team.get("participant", []),
            {
                "role": [{"coding": [{"system": CONTACT_ROLE, "code": "fast_lakarkontakt"}]}],
                "member": {"reference": f"PractitionerRole/{c.nurse_a.pk}-{c.a.pk}"},
                "onBehalfOf": {"reference": f"Organization/{c.a.pk}"},
                "period": {"start": _today()},
            },
        ],
    }


def _nurse_as_vardkontakt(c: Ctx, team: dict[str, Any]) -> dict[str, Any]:
    """The team with the nurse at A added as fast vårdkontakt (allowed at A)."""
    return {
        **team,
        "participant": [
            *team.get("participant", []),
            {
                "role": [{"coding": [{"system": CONTACT_ROLE, "code": "fast_vardkontakt"}]}],
                "member": {"reference": f"PractitionerRole/{c.nurse_a.pk}-{c.a.pk}"},
                "onBehalfOf": {"reference": f"Organization/{c.a.pk}"},
                "period": {"start": _today()},
            },
        ],
    }


def _bundle(team: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": team, "request": {"method": "PUT", "url": f"CareTeam/{team['id']}"}}
        ],
    }


def _appoint(c: Ctx, s: Side, kind: str) -> HttpResponse:
    return c.web.post(
        reverse("web:appoint", args=[s.person_pk]),
        {
            "unit": c.a.pk,
            "kind": kind,
            "staff": c.nurse_a.pk,
            "start": _today(),
            "reason": "behov",
            "action": "save",
        },
    )


def _q(name: str, value: str) -> str:
    """A search parameter as a Bundle's links give it back."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def _identifier(s: Side) -> str:
    return f"{PERSONNUMMER}|{s.personal_id}"


READ, WRITE, DENIED = "read", "write", "denied"


def _page(what: str, write: str | None = None, status: int = 200) -> tuple[Expect, Expect]:
    """A page about one person by id: read (or written) at A, refused and 404 at B."""
    allowed = Expect(status, [("P", WRITE, write)] if write else [("P", READ, what)])
    return allowed, Expect(404, [("P", DENIED, what)])


def _search(what: str, *, by_number: bool = False) -> dict[str, Any]:
    """A search naming one person: found at A; at B an empty answer and a refused attempt."""
    return {
        "allowed": Expect(200, [("P", READ, what)]),
        "refused": Expect(200, [("P", DENIED, what)]),
        "unknown": [("N", DENIED, what)] if by_number else [],
    }


TABLE: list[Row] = [
    # --- staff pages ---------------------------------------------------------------------------
    Row(
        "web person page",
        lambda c, s: c.web.get(reverse("web:person", args=[s.person_pk])),
        *_page("person.page"),
    ),
    Row(
        "web letters list",
        lambda c, s: c.web.get(reverse("web:letters", args=[s.person_pk])),
        *_page("letters.page"),
    ),
    Row(
        "web letter pdf",
        lambda c, s: c.web.get(reverse("web:letter_pdf", args=[s.letter_pk])),
        *_page("letter.pdf"),
    ),
    Row(
        "web letter deliver GET",
        lambda c, s: c.web.get(reverse("web:letter_deliver", args=[s.letter_pk])),
        *_page("letter.page"),
    ),
    Row(
        "web letter deliver POST",
        lambda c, s: c.web.post(
            reverse("web:letter_deliver", args=[s.letter_pk]),
            {"delivered_on": _today(), "method": "post"},
        ),
        *_page("letter.deliver", write="letter.deliver", status=302),
    ),
    Row(
        "web letter create POST",
        lambda c, s: c.web.post(
            reverse("web:letter_create"),
            {"contact": s.contact_pk, "recipient": "person", "person": s.person_pk},
        ),
        *_page("letter.create", write="letter.create", status=302),
    ),
    Row(
        "web appoint GET",
        lambda c, s: c.web.get(reverse("web:appoint", args=[s.person_pk]), {"unit": c.a.pk}),
        *_page("contact.appoint.form"),
    ),
    Row(
        "web appoint POST",
        lambda c, s: _appoint(c, s, "fast_vardkontakt"),
        Expect(302, [("P", WRITE, "contact.appoint")]),
        Expect(404, [("P", DENIED, "contact.appoint.form")]),
    ),
    Row(
        # Refused by a rule (a nurse as fast läkarkontakt): the page's read stays logged, once,
        # and nothing is written.
        "web appoint POST refused by a rule",
        lambda c, s: _appoint(c, s, "fast_lakarkontakt"),
        Expect(200, [("P", READ, "contact.appoint.form")]),
        Expect(404, [("P", DENIED, "contact.appoint.form")]),
    ),
    Row(
        "web end GET",
        lambda c, s: c.web.get(reverse("web:end", args=[s.contact_pk])),
        *_page("contact.end.form"),
    ),
    Row(
        "web end POST",
        lambda c, s: c.web.post(
            reverse("web:end", args=[s.contact_pk]),
            {"end": _today(), "end_reason": "personens_onskan"},
        ),
        Expect(302, [("P", WRITE, "contact.end")]),
        Expect(404, [("P", DENIED, "contact.end.form")]),
    ),
    Row(
        "web care page",
        lambda c, s: c.web.get(reverse("web:care", args=[s.person_pk])),
        *_page("care.page"),
    ),
    Row(
        # Before the access scope, one care write logged two reads and a write.
        "web care POST information transfer",
        lambda c, s: c.web.post(
            reverse("web:care_record", args=[s.person_pk, "informationsoverforing"]),
            {
                "informationsoverforing-unit": c.a.pk,
                "informationsoverforing-recipient": "Särskilt boende Tallen",
                "informationsoverforing-transferred": _today(),
                "informationsoverforing-consent": "ja",
            },
        ),
        Expect(302, [("P", WRITE, "information_transfer.record")]),
        Expect(404, [("P", DENIED, "care.form")]),
    ),
    Row(
        "web care POST SIP invitation",
        lambda c, s: c.web.post(
            reverse("web:care_item", args=[s.person_pk, "kallelse", s.sip_pk]),
            {f"kallelse-{s.sip_pk}-unit": c.a.pk, f"kallelse-{s.sip_pk}-invited": _today()},
        ),
        Expect(302, [("P", WRITE, "sip.invitation")]),
        Expect(404, [("P", DENIED, "care.form")]),
    ),
    Row(
        # P_A's own care page, posting about B's SIP: the SIP is not P_A's, exactly as an
        # unknown one; only P_A is read.
        "web care POST SIP invitation, the SIP of another unit's person",
        lambda c, s: c.web.post(
            reverse("web:care_item", args=[c.pa.pk, "kallelse", s.sip_pk]),
            {f"kallelse-{s.sip_pk}-unit": c.a.pk, f"kallelse-{s.sip_pk}-invited": _today()},
        ),
        Expect(302, [("pa", WRITE, "sip.invitation")]),
        Expect(200, [("pa", READ, "care.form")]),
        unknown=[("pa", READ, "care.form")],
        echo=lambda s: [f"kallelse-{s.sip_pk}-", f"/kallelse/{s.sip_pk}/"],
    ),
    Row(
        "web caseload of a staff member",
        lambda c, s: c.web.get(reverse("web:caseload_staff", args=[s.staff_pk])),
        Expect(200, [("P", READ, "caseload.staff")]),
        Expect(404, []),
    ),
    Row(
        "web handover form",
        lambda c, s: c.web.get(reverse("web:handover", args=[s.staff_pk])),
        Expect(200, [("P", READ, "contact.handover.form")]),
        Expect(404, []),
    ),
    Row(
        "web handover POST",
        lambda c, s: c.web.post(
            reverse("web:handover", args=[s.staff_pk]),
            {
                "reason": "lang_franvaro",
                "effective": _today(),
                f"successor-{s.contact_pk}": c.bo.pk,
            },
        ),
        Expect(302, [("P", WRITE, "contact.handover")]),
        Expect(404, []),
    ),
    Row(
        "web handover done",
        lambda c, s: c.web.get(reverse("web:handover_done", args=[s.handover_pk])),
        Expect(200, [("P", READ, "contact.handover.done")]),
        Expect(404, [("P", DENIED, "contact.handover.done")]),
    ),
    Row(
        # Every person shown is read once: Karin, Olle and Greta are A's customers with
        # findings; B's unit is not the user's, and the list starts over.
        "web worklist",
        lambda c, s: c.web.get(reverse("web:worklist"), {"unit": s.unit_pk}),
        Expect(
            200, [("P", READ, "worklist"), ("olle", READ, "worklist"), ("greta", READ, "worklist")]
        ),
        Expect(302, []),
    ),
    Row(
        "web planning customer",
        lambda c, s: c.web.get(reverse("web:planning_customer", args=[c.a.pk, s.person_pk])),
        *_page("planning.continuity"),
    ),
    Row(
        "web search by personnummer",
        lambda c, s: c.web.post(reverse("web:search"), {"q": s.personal_id}),
        **_search("person.search", by_number=True),
        echo=lambda s: [f'value="{s.personal_id}"'],
    ),
    Row(
        # An emergency access opens B's person: the grant (from A), then the page, read once.
        # Asked from a unit the user does not work at, nothing is granted and nothing read.
        "web emergency access",
        lambda c, s: c.web.post(
            reverse("web:emergency"),
            {
                "personal_id": s.personal_id,
                "unit": s.unit_pk,
                "reason": "Medvetslös på akuten",
            },
            follow=True,
        ),
        Expect(200, [("P", READ, "person.page")]),
        Expect(200, []),
        echo=lambda s: [f'value="{s.personal_id}"'],
        allowed_side="B-from-A",
    ),
    # --- FHIR ----------------------------------------------------------------------------------
    Row(
        "fhir Patient read",
        lambda c, s: c.api.get(f"/fhir/Patient/{s.person_pk}"),
        *_page("fhir.Patient.read"),
    ),
    Row(
        "fhir Patient?_id",
        lambda c, s: c.api.get("/fhir/Patient", _id=str(s.person_pk)),
        **_search("fhir.Patient.search"),
        echo=lambda s: [_q("_id", str(s.person_pk))],
    ),
    Row(
        "fhir Patient?identifier",
        lambda c, s: c.api.get("/fhir/Patient", identifier=_identifier(s)),
        **_search("fhir.Patient.search", by_number=True),
        echo=lambda s: [_q("identifier", _identifier(s))],
    ),
    Row(
        "fhir POST Patient/_search",
        lambda c, s: c.api.post_form("/fhir/Patient/_search", {"identifier": _identifier(s)}),
        **_search("fhir.Patient.search", by_number=True),
        echo=lambda s: [_q("identifier", _identifier(s))],
    ),
    Row(
        "fhir CareTeam read",
        lambda c, s: c.api.get(f"/fhir/CareTeam/{s.person_pk}"),
        *_page("fhir.CareTeam.read"),
    ),
    Row(
        "fhir CareTeam?patient",
        lambda c, s: c.api.get("/fhir/CareTeam", patient=f"Patient/{s.person_pk}"),
        **_search("fhir.CareTeam.search"),
        echo=lambda s: [_q("patient", f"Patient/{s.person_pk}")],
    ),
    Row(
        "fhir POST CareTeam/_search",
        lambda c, s: c.api.post_form(
            "/fhir/CareTeam/_search", {"patient": f"Patient/{s.person_pk}"}
        ),
        **_search("fhir.CareTeam.search"),
        echo=lambda s: [_q("patient", f"Patient/{s.person_pk}")],
    ),
    Row(
        "fhir CareTeam?patient.identifier",
        lambda c, s: c.api.get("/fhir/CareTeam", **{"patient.identifier": _identifier(s)}),
        **_search("fhir.CareTeam.search", by_number=True),
        echo=lambda s: [_q("patient.identifier", _identifier(s))],
    ),
    Row(
        "fhir PUT CareTeam",
        lambda c, s: c.api.put(f"/fhir/CareTeam/{s.person_pk}", _nurse_as_vardkontakt(c, s.team)),
        Expect(200, [("P", WRITE, "contact.appoint")]),
        Expect(404, [("P", DENIED, "care_team.update")]),
    ),
    Row(
        "fhir PUT CareTeam refused by a rule",
        lambda c, s: c.api.put(f"/fhir/CareTeam/{s.person_pk}", _nurse_as_physician(c, s.team)),
        Expect(422, [("P", READ, "care_team.update")]),
        Expect(404, [("P", DENIED, "care_team.update")]),
    ),
    Row(
        "fhir transaction of PUT CareTeam",
        lambda c, s: c.api.post("/fhir/", _bundle(_nurse_as_vardkontakt(c, s.team))),
        Expect(200, [("P", WRITE, "contact.appoint")]),
        Expect(404, [("P", DENIED, "care_team.update")]),
    ),
    Row(
        "fhir CarePlan read gp-",
        lambda c, s: c.api.get(f"/fhir/CarePlan/gp-{s.plan_pk}"),
        *_page("fhir.CarePlan.read"),
    ),
    Row(
        "fhir CarePlan read sip-",
        lambda c, s: c.api.get(f"/fhir/CarePlan/sip-{s.sip_pk}"),
        *_page("fhir.CarePlan.read"),
    ),
    Row(
        "fhir CarePlan?patient",
        lambda c, s: c.api.get("/fhir/CarePlan", patient=f"Patient/{s.person_pk}"),
        **_search("fhir.CarePlan.search"),
        echo=lambda s: [_q("patient", f"Patient/{s.person_pk}")],
    ),
    Row(
        "fhir Consent read",
        lambda c, s: c.api.get(f"/fhir/Consent/{s.transfer_pk}"),
        *_page("fhir.Consent.read"),
    ),
    Row(
        "fhir Consent?patient",
        lambda c, s: c.api.get("/fhir/Consent", patient=f"Patient/{s.person_pk}"),
        **_search("fhir.Consent.search"),
        echo=lambda s: [_q("patient", f"Patient/{s.person_pk}")],
    ),
    Row(
        "fhir Task?patient",
        lambda c, s: c.api.get("/fhir/Task", patient=f"Patient/{s.person_pk}"),
        **_search("fhir.Task.search"),
        echo=lambda s: [_q("patient", f"Patient/{s.person_pk}")],
    ),
    Row(
        "fhir Task read",
        lambda c, s: c.api.get(f"/fhir/Task/{s.task_id}"),
        *_page("fhir.Task.read"),
    ),
]


# --- running a row ---------------------------------------------------------------------------


def _last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _entries_since(seq: int) -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(seq__gt=seq)
        .order_by("seq")
        .values_list("personal_id", "action", "what")
    )


def _resolve(c: Ctx, side: Side, entries: Sequence[Entry]) -> list[tuple[str, str, str]]:
    people = {"pa": c.pa, "pb": c.pb, "olle": c.olle, "greta": c.greta}
    resolved = []
    for who, action, what in entries:
        pid = side.personal_id if who in ("P", "N") else people[who].personal_id
        resolved.append((pid, action, what))
    return resolved


def _attempt(c: Ctx, row: Row, side: Side) -> tuple[HttpResponse, list[tuple[str, str, str]]]:
    before = _last_seq()
    response = row.send(c, side)
    return response, _entries_since(before)


def _normalised(response: HttpResponse, echoed: list[str]) -> str:
    """The body without what differs by nature: CSRF tokens, and the client's own input."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    for needle in echoed:
        text = text.replace(needle, "«echo»")
    return text


def _letters() -> list[tuple[Any, ...]]:
    return list(Letter.objects.order_by("pk").values_list("pk", "person_id", "delivered_on"))


def _row_id(row: Row) -> str:
    return row.name.replace(" ", "-")


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_allowed(ctx: Ctx, row: Row, registry_state: Callable[[], RegistryState]) -> None:
    # given
    side = ctx.sides[row.allowed_side]
    before = (registry_state(), _letters())

    # when
    response, entries = _attempt(ctx, row, side)

    # then
    assert response.status_code == row.allowed.status, response.content[:500]
    assert sorted(entries) == sorted(_resolve(ctx, side, row.allowed.entries))
    if all(action != WRITE for _, action, _ in row.allowed.entries):
        # a read, or a write a rule refused: nothing was written
        assert (registry_state(), _letters()) == before


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_refused_and_like_unknown(
    ctx: Ctx, row: Row, registry_state: Callable[[], RegistryState]
) -> None:
    # given
    other, unknown = ctx.sides["B"], ctx.sides["unknown"]
    before = (registry_state(), _letters(), EmergencyAccess.objects.count())

    # when
    refused, refused_entries = _attempt(ctx, row, other)
    missing, missing_entries = _attempt(ctx, row, unknown)

    # then
    assert refused.status_code == row.refused.status, refused.content[:500]
    assert sorted(refused_entries) == sorted(_resolve(ctx, other, row.refused.entries))
    assert sorted(missing_entries) == sorted(_resolve(ctx, unknown, row.unknown))
    assert missing.status_code == refused.status_code
    assert _normalised(refused, row.echo(other)) == _normalised(missing, row.echo(unknown))
    assert (registry_state(), _letters(), EmergencyAccess.objects.count()) == before


# --- the promises behind the table -----------------------------------------------------------


def test_a_refused_appointment_keeps_its_read_entry(ctx: Ctx) -> None:
    # given
    actor = actor_for_user(ctx.user, request_id="refused-appointment")
    before = _last_seq()

    # when: a nurse as fast läkarkontakt, inside one action
    with pytest.raises(AppointmentRefused), access_scope():
        contact_appoint(
            actor=actor,
            person_pk=ctx.pa.pk,
            kind="fast_lakarkontakt",
            staff_pk=ctx.nurse_a.pk,
            unit_pk=ctx.a.pk,
            start=timezone.localdate(),
            reason="behov",
        )

    # then
    assert _entries_since(before) == [(ctx.pa.personal_id, READ, "contact.appoint")]
    assert not Contact.objects.filter(staff=ctx.nurse_a).exists()


def test_a_service_wrapped_in_a_callers_transaction_refuses_to_run(ctx: Ctx) -> None:
    # given
    actor = actor_for_user(ctx.user, request_id="wrapped")
    letter_pk = ctx.sides["A"].letter_pk
    before = _last_seq()

    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        letter_deliver(
            actor=actor, letter_pk=letter_pk, delivered_on=timezone.localdate(), method="post"
        )

    # then
    assert Letter.objects.get(pk=letter_pk).delivered_on is None
    assert [e for e in _entries_since(before) if e[1] == WRITE] == []


def test_the_chain_still_verifies_after_the_whole_table(ctx: Ctx) -> None:
    # when
    for row in TABLE:
        for name in (row.allowed_side, "B", "unknown"):
            row.send(ctx, ctx.sides[name])

    # then
    verification = accesslog_verify()
    assert verification.ok, verification.reason
    assert verification.entries == AccessLogEntry.objects.count() > 0


def test_each_row_is_named_once_and_the_figures_are_printed() -> None:
    # given: three attempts a row (allowed, another unit's, unknown); all but the allowed one
    # are refused, and so is an allowed one that a rule refuses
    attempts = 3 * len(TABLE)
    refused = 2 * len(TABLE) + sum(1 for row in TABLE if "refused by a rule" in row.name)
    entries = sum(
        len(row.allowed.entries) + len(row.refused.entries) + len(row.unknown) for row in TABLE
    )

    # when
    print(f"rows={len(TABLE)} attempts={attempts} refused={refused} entries={entries}")

    # then
    assert len({row.name for row in TABLE}) == len(TABLE)

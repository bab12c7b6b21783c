"""The citizen pages as the person and a relative use them, and as someone changing ids in URLs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fastkontakt.access.accesslog import access_scope
from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import AccessLogEntry
from fastkontakt.access.selectors import person_read
from fastkontakt.citizen.models import PhysicianChoice, ProxyGrant
from fastkontakt.compliance.models import StoredFinding
from fastkontakt.compliance.worklists import worklist_get
from fastkontakt.registry.models import Contact, ContactRequest
from tests.access.helpers import signed_in, without_csrf
from tests.citizen.conftest import RELATIVE_PNR, Region, citizen_client


def _log_of(personal_id: str) -> list[tuple[str, str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(personal_id=personal_id)
        .order_by("id")
        .values_list("username", "action", "what", "basis")
    )


def _open_findings(person: Any, rule: str) -> list[str]:
    return list(
        StoredFinding.objects.filter(person=person, rule=rule, resolved_on__isnull=True)
        .order_by("pk")
        .values_list("contact", flat=True)
    )


@pytest.mark.django_db
def test_my_contacts_show_how_to_reach_them_and_each_read_is_logged_once(region: Region) -> None:
    # given
    client = citizen_client(region.anna.personal_id)
    before = _log_of(region.anna.personal_id)

    # when
    page = client.get("/invanare/kontakter/").content.decode()

    # then: name, profession, unit, phone, address, hours, since, what the role does
    for text in [
        "Fast vårdkontakt",
        "Sara Sjöström",
        "sjuksköterska",
        "Vårdcentralen Solbacken",
        "0920-222 22",
        "0920-100 00",
        "Storgatan 1",
        "Vardagar 8–17",
        "hjälper dig att hålla ihop din vård",
    ]:
        assert text in page, text
    # the past contact only on request
    assert "Doktor Ek" not in page
    assert "Doktor Ek" in client.get("/invanare/kontakter/?tidigare=1").content.decode()
    # nothing of Bertil's
    assert "Bertil" not in page
    assert "Doktor Fors" not in page
    # one read per request, with the person's own basis
    anna = f"invanare:{region.anna.personal_id}"
    assert _log_of(region.anna.personal_id)[len(before) :] == [
        (anna, "read", "citizen.contacts", "own_data"),
        (anna, "read", "citizen.contacts", "own_data"),
    ]


@pytest.mark.django_db
def test_opening_a_letter_is_its_digital_delivery_and_clears_contact_informed(
    region: Region,
) -> None:
    # given: the letter is written and not delivered, so the contact is not yet informed
    assert _open_findings(region.anna, "contact-informed") == [region.anna_contact.external_id]
    client = citizen_client(region.anna.personal_id)
    assert "Nytt" in client.get("/invanare/brev/").content.decode()

    # when
    page = client.get(f"/invanare/brev/{region.letter.pk}/")

    # then
    assert page.status_code == 200
    region.letter.refresh_from_db()
    today = timezone.localdate()
    assert (region.letter.delivered_on, region.letter.delivery_method) == (today, "digitalt")
    region.anna_contact.refresh_from_db()
    assert region.anna_contact.informed == today
    assert _open_findings(region.anna, "contact-informed") == []
    anna = f"invanare:{region.anna.personal_id}"
    assert _log_of(region.anna.personal_id)[-1] == (
        anna, "write", "citizen.letter.delivered", "own_data"
    )
    # the staff letter list shows it
    staff_page = signed_in(region.staff_user).get(f"/brev/person/{region.anna.pk}/")
    assert "Digitalt, öppnat av personen" in staff_page.content.decode()
    # a second opening changes nothing; the PDF is the stored one
    client.get(f"/invanare/brev/{region.letter.pk}/")
    pdf = client.get(f"/invanare/brev/{region.letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(region.letter.pdf)
    region.letter.refresh_from_db()
    assert region.letter.delivered_on == today


@pytest.mark.django_db
def test_asking_for_a_fast_vardkontakt_puts_the_request_on_the_units_worklist(
    region: Region,
) -> None:
    # given: a care relationship with the clinic (a current behandlande roll there)
    Contact.objects.create(
        external_id="k-clinic",
        person=region.anna,
        kind="behandlande_roll",
        staff=region.nurse,
        unit=region.clinic,
        start=timezone.localdate() - timedelta(days=3),
    )
    client = citizen_client(region.anna.personal_id)
    page = client.get("/invanare/be-om-kontakt/").content.decode()
    assert "Hjärtmottagningen" in page
    # the centre, where she has a fast vårdkontakt already, is not offered
    assert f'value="{region.centre.pk}"' not in page

    # when
    answer = client.post("/invanare/be-om-kontakt/", {"unit": region.clinic.pk})

    # then
    assert answer.status_code == 302
    request = ContactRequest.objects.get(person=region.anna)
    assert (request.kind, request.unit, request.date) == (
        "fast_vardkontakt",
        region.clinic,
        timezone.localdate(),
    )
    rows = worklist_get(unit_pk=region.clinic.pk, as_of=timezone.localdate()).rows
    assert [(r.rule, r.personal_id, r.due) for r in rows if r.rule == "contact-on-request"] == [
        ("contact-on-request", region.anna.personal_id, timezone.localdate() + timedelta(days=14))
    ]
    assert "väntar på svar" in client.get("/invanare/be-om-kontakt/").content.decode()
    # asking twice is refused, nothing more written
    again = client.post("/invanare/be-om-kontakt/", {"unit": region.clinic.pk})
    assert again.status_code in (400, 404)
    assert ContactRequest.objects.count() == 1


@pytest.mark.django_db
def test_choosing_a_fast_lakarkontakt_records_a_request_naming_the_physician(
    region: Region,
) -> None:
    # given
    client = citizen_client(region.anna.personal_id)
    page = client.get("/invanare/valj-lakare/").content.decode()
    assert "Doktor Dahl" in page
    assert "Doktor Ek" in page
    assert "Doktor Fors" not in page

    # when
    answer = client.post("/invanare/valj-lakare/", {"staff": region.doctor.pk})

    # then
    assert answer.status_code == 302
    choice = PhysicianChoice.objects.select_related("request").get()
    assert (choice.staff, choice.request.kind, choice.request.unit) == (
        region.doctor,
        "fast_lakarkontakt",
        region.centre,
    )
    rows = worklist_get(unit_pk=region.centre.pk, as_of=timezone.localdate()).rows
    assert ("contact-on-request", region.anna.personal_id) in {
        (r.rule, r.personal_id) for r in rows
    }


@pytest.mark.django_db
def test_nothing_to_choose_gets_a_clear_answer(region: Region) -> None:
    # not listed
    region.anna.listed_at = None
    region.anna.save()
    page = citizen_client(region.anna.personal_id).get("/invanare/valj-lakare/")
    assert "Du är inte listad på någon vårdcentral" in page.content.decode()
    # listed, but no selectable physician
    region.anna.listed_at = region.centre
    region.anna.save()
    type(region.doctor).objects.filter(pk__in=[region.doctor.pk, region.doctor2.pk]).update(
        eligible=False
    )
    page = citizen_client(region.anna.personal_id).get("/invanare/valj-lakare/")
    assert "Det finns ingen läkare att välja på Vårdcentralen Solbacken" in page.content.decode()
    # and nowhere to ask for a fast vårdkontakt
    region.anna.listed_at = None
    region.anna.save()
    Contact.objects.filter(person=region.anna).delete()
    page = citizen_client(region.anna.personal_id).get("/invanare/be-om-kontakt/")
    assert "Vi hittar ingen mottagning där du får vård" in page.content.decode()


@pytest.mark.django_db
def test_a_relative_with_a_right_switches_to_the_person_and_sees_contacts_and_letters(
    region: Region,
) -> None:
    # given: Anna gives Rut the right
    anna = citizen_client(region.anna.personal_id)
    answer = anna.post(
        "/invanare/narstaende/",
        {"relative_name": "Rut Andersson", "relative_personal_id": RELATIVE_PNR},
    )
    assert answer.status_code == 302
    grant = ProxyGrant.objects.get()

    # when: Rut signs in and switches to Anna
    rut = citizen_client(RELATIVE_PNR)
    assert "Anna Andersson" in rut.get("/invanare/vem/").content.decode()
    assert rut.post(f"/invanare/vem/{region.anna.pk}/").status_code == 302

    # then: contacts and letters, marked as seen as a relative; not the person's own actions
    page = rut.get("/invanare/kontakter/").content.decode()
    assert "Sara Sjöström" in page
    assert "som närstående" in page
    assert rut.get(f"/invanare/brev/{region.letter.pk}/").status_code == 200
    region.letter.refresh_from_db()
    assert region.letter.delivered_on is None
    for path in ["/invanare/be-om-kontakt/", "/invanare/valj-lakare/", "/invanare/narstaende/",
                 "/invanare/vem-har-last/"]:
        assert rut.get(path).status_code == 403, path
    rel = f"narstaende:{RELATIVE_PNR}"
    log = _log_of(region.anna.personal_id)
    assert (rel, "read", "citizen.proxy.switch", "proxy") in log
    assert (rel, "read", "citizen.contacts", "proxy") in log
    own = f"invanare:{region.anna.personal_id}"
    assert (own, "write", "citizen.proxy.grant", "own_data") in log

    # when Anna takes the right back, Rut sees nothing more
    assert anna.post(f"/invanare/narstaende/{grant.pk}/aterkalla/").status_code == 302
    assert rut.get("/invanare/kontakter/")["Location"] == "/invanare/vem/"
    assert rut.post(f"/invanare/vem/{region.anna.pk}/").status_code == 404
    grant.refresh_from_db()
    assert grant.withdrawn_at is not None
    assert (
        f"invanare:{region.anna.personal_id}", "write", "citizen.proxy.withdraw", "own_data"
    ) in _log_of(region.anna.personal_id)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "number", "message"),
    [
        ("Rut", "19700505", "giltigt personnummer"),
        ("", RELATIVE_PNR, "Skriv den närståendes namn"),
        ("Rut\u202e", RELATIVE_PNR, ""),
        ("Anna själv", "SELF", "den närståendes personnummer"),
    ],
    ids=["bad-number", "no-name", "bidi-name", "own-number"],
)
def test_a_bad_grant_is_refused_and_nothing_is_saved(
    region: Region, name: str, number: str, message: str
) -> None:
    client = citizen_client(region.anna.personal_id)
    answer = client.post(
        "/invanare/narstaende/",
        {
            "relative_name": name,
            "relative_personal_id": region.anna.personal_id if number == "SELF" else number,
        },
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert ProxyGrant.objects.count() == 0


@pytest.mark.django_db
def test_who_has_read_about_me_shows_unit_role_and_date_without_staff_names(
    region: Region, settings: Any
) -> None:
    # given: a staff member read Anna's record
    actor = actor_for_user(region.staff_user, request_id="r1")
    with access_scope():
        person_read(actor=actor, person_pk=region.anna.pk, what="person.page")
    client = citizen_client(region.anna.personal_id)

    # when
    page = client.get("/invanare/vem-har-last/").content.decode()

    # then
    assert "Vårdcentralen Solbacken" in page
    assert "Verksamhetschef" in page
    assert timezone.localdate().isoformat() in page
    assert "Hanna" not in page
    assert "handlaggare" not in page
    # the region may show names
    settings.FASTKONTAKT_CITIZEN_SHOW_STAFF_NAMES = True
    assert "Hanna Handläggare" in client.get("/invanare/vem-har-last/").content.decode()
    # the extract to keep
    pdf = client.get("/invanare/vem-har-last/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    anna = f"invanare:{region.anna.personal_id}"
    assert (anna, "read", "citizen.accesslog.pdf", "own_data") in _log_of(
        region.anna.personal_id
    )


# --- another person's ids in every citizen URL -----------------------------------------------


def _urls_with_ids(region: Region) -> list[tuple[str, str, dict[str, Any]]]:
    """Every citizen URL or form that names an id, with Bertil's id in it."""
    grant = ProxyGrant.objects.create(
        person=region.bertil,
        relative_personal_id="194001010008",
        relative_name="Någon",
        granted_at=timezone.now(),
    )
    return [
        ("get", f"/invanare/brev/{region.bertil_letter.pk}/", {}),
        ("get", f"/invanare/brev/{region.bertil_letter.pk}/pdf/", {}),
        ("post", f"/invanare/narstaende/{grant.pk}/aterkalla/", {}),
        ("post", f"/invanare/vem/{region.bertil.pk}/", {}),
        ("post", "/invanare/be-om-kontakt/", {"unit": region.other_centre.pk}),
        ("post", "/invanare/valj-lakare/", {"staff": region.other_doctor.pk}),
    ]


@pytest.mark.django_db
def test_another_persons_ids_in_every_citizen_url_answer_as_unknown(region: Region) -> None:
    # given
    urls = _urls_with_ids(region)
    client = citizen_client(region.anna.personal_id)
    nonexistent = client.get("/invanare/brev/999999/")
    assert nonexistent.status_code == 404
    before = (
        ContactRequest.objects.count(),
        PhysicianChoice.objects.count(),
        list(ProxyGrant.objects.values_list("pk", "withdrawn_at")),
    )
    bertil_log = _log_of(region.bertil.personal_id)

    for method, url, data in urls:
        # when
        answer = getattr(client, method)(url, data)
        # then: the same answer as for something that does not exist
        assert answer.status_code == 404, url
        assert without_csrf(answer.content) == without_csrf(nonexistent.content), url
    region.bertil_letter.refresh_from_db()
    assert region.bertil_letter.delivered_on is None
    assert (
        ContactRequest.objects.count(),
        PhysicianChoice.objects.count(),
        list(ProxyGrant.objects.values_list("pk", "withdrawn_at")),
    ) == before
    # nothing about Bertil was read or written by Anna's session
    assert _log_of(region.bertil.personal_id) == bertil_log
    assert "Bertil" not in client.get("/invanare/").content.decode()


@pytest.mark.django_db
def test_every_citizen_page_needs_a_citizen_session(region: Region) -> None:
    for path in [
        "/invanare/kontakter/",
        "/invanare/brev/",
        f"/invanare/brev/{region.letter.pk}/",
        f"/invanare/brev/{region.letter.pk}/pdf/",
        "/invanare/be-om-kontakt/",
        "/invanare/valj-lakare/",
        "/invanare/narstaende/",
        "/invanare/vem-har-last/",
        "/invanare/vem-har-last/pdf/",
        "/invanare/vem/",
    ]:
        answer = Client().get(path)
        assert (answer.status_code, answer["Location"]) == (302, "/invanare/"), path


@pytest.mark.django_db
def test_a_person_with_a_fast_lakarkontakt_may_choose_another_and_the_choice_waits(
    region: Region,
) -> None:
    # given: Anna's fast läkarkontakt is Doktor Ek
    Contact.objects.create(
        external_id="k-flk",
        person=region.anna,
        kind="fast_lakarkontakt",
        staff=region.doctor2,
        unit=region.centre,
        start=timezone.localdate() - timedelta(days=30),
    )
    client = citizen_client(region.anna.personal_id)
    page = client.get("/invanare/valj-lakare/").content.decode()
    assert "Din fasta läkarkontakt nu: <strong>Doktor Ek</strong>" in page
    assert f'value="{region.doctor2.pk}"' not in page

    # when: the current one cannot be chosen again; another can
    assert client.post("/invanare/valj-lakare/", {"staff": region.doctor2.pk}).status_code == 404
    assert client.post("/invanare/valj-lakare/", {"staff": region.doctor.pk}).status_code == 302

    # then: the choice names Doktor Dahl and waits until the centre appoints him
    assert PhysicianChoice.objects.get().staff == region.doctor
    assert "Doktor Dahl på Vårdcentralen Solbacken" in client.get(
        "/invanare/valj-lakare/"
    ).content.decode()
    assert "väntar på svar" in client.get("/invanare/valj-lakare/").content.decode()

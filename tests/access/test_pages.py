"""Person data on pages and exports: only with a care relationship; each read logged once."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fastkontakt import cli
from fastkontakt.access.models import AccessLogEntry, EmergencyAccess, Role
from fastkontakt.domain.identifiers import personal_id_display
from fastkontakt.registry.models import Person, Unit
from tests.access.helpers import make_user, signed_in, without_csrf
from tests.factories import ContactFactory, PersonFactory, UnitFactory


def _reads() -> Counter[tuple[str, str]]:
    return Counter(AccessLogEntry.objects.values_list("personal_id", "action"))


def _new_reads(before: Counter[tuple[str, str]]) -> Counter[str]:
    after = _reads() - before
    return Counter({pid: n for (pid, action), n in after.items() if action == "read"})


@pytest.fixture
def ward() -> Unit:
    return UnitFactory(name="Vårdcentralen Norr")


@pytest.fixture
def patient(ward: Unit) -> Person:
    person = PersonFactory(name="Karin Lind")
    ContactFactory(person=person, unit=ward, start=timezone.localdate() - timedelta(days=10))
    return person


@pytest.fixture
def stranger() -> Person:
    return PersonFactory(name="Olle Berg", listed_at=UnitFactory())


@pytest.mark.django_db
def test_the_person_page_is_logged_once_with_basis_unit_and_request_id(
    ward: Unit, patient: Person
) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    before = _reads()

    # when
    response = client.get(reverse("web:person", args=[patient.pk]))

    # then
    assert response.status_code == 200
    assert "Karin Lind" in response.content.decode()
    assert _new_reads(before) == Counter({patient.personal_id: 1})
    entry = AccessLogEntry.objects.latest("seq")
    assert (entry.username, entry.unit, entry.what, entry.basis, entry.flags) == (
        "anna",
        ward.hsa_id,
        "person.page",
        "care_relationship",
        "",
    )
    assert entry.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_person_without_relationship_looks_exactly_like_one_who_does_not_exist(
    ward: Unit, patient: Person, stranger: Person
) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    missing_pk = Person.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]

    # when
    hidden = client.get(reverse("web:person", args=[stranger.pk]))
    missing = client.get(reverse("web:person", args=[missing_pk]))

    # then
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(missing.content)
    assert "Olle Berg" not in hidden.content.decode()
    denied = AccessLogEntry.objects.get(personal_id=stranger.personal_id)
    assert (denied.action, denied.basis, denied.flags) == ("denied", "none", "no_relationship")


@pytest.mark.django_db
def test_search_finds_only_related_people_and_logs_each_result(
    ward: Unit, patient: Person, stranger: Person
) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    before = _reads()

    # when
    by_number = client.post(reverse("web:search"), {"q": patient.personal_id})
    hidden = client.post(reverse("web:search"), {"q": stranger.personal_id})
    by_name = client.post(reverse("web:search"), {"q": "lind karin"})

    # then
    assert "Karin Lind" in by_number.content.decode()
    assert "Olle Berg" not in hidden.content.decode()
    assert "Ingen träff" in hidden.content.decode()
    assert "Karin Lind" in by_name.content.decode()
    assert _new_reads(before) == Counter({patient.personal_id: 2})


@pytest.mark.django_db
def test_emergency_access_opens_the_page_for_a_while_and_flags_every_read(
    ward: Unit, stranger: Person
) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))

    # when
    response = client.post(
        reverse("web:emergency"),
        {"personal_id": stranger.personal_id, "unit": ward.pk, "reason": "Medvetslös på akuten"},
    )
    page = client.get(response["Location"])

    # then
    assert page.status_code == 200
    entry = AccessLogEntry.objects.latest("seq")
    assert (entry.personal_id, entry.basis, entry.flags) == (
        stranger.personal_id,
        "emergency",
        "emergency",
    )
    grant = EmergencyAccess.objects.get()
    assert grant.expires_at - grant.granted_at == timedelta(minutes=120)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"reason": "kort"}, "minst 10 tecken"),
        ({"personal_id": "19121212-1213"}, "giltigt personnummer"),
        ({"personal_id": "191212121212"}, "ingen person med det personnumret"),
    ],
)
def test_emergency_access_needs_a_reason_and_a_real_person(
    ward: Unit, stranger: Person, form: dict[str, str], error: str
) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    data = {"personal_id": stranger.personal_id, "unit": ward.pk, "reason": "Medvetslös på akuten"}

    # when
    response = client.post(reverse("web:emergency"), {**data, **form})

    # then
    assert response.status_code == 200
    assert error in response.content.decode()
    assert EmergencyAccess.objects.count() == 0


@pytest.mark.django_db
def test_emergency_access_is_only_from_a_unit_the_user_works_at(
    ward: Unit, stranger: Person
) -> None:
    # given
    other = UnitFactory()
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))

    # when
    response = client.post(
        reverse("web:emergency"),
        {"personal_id": stranger.personal_id, "unit": other.pk, "reason": "Medvetslös på akuten"},
    )

    # then
    assert response.status_code == 200
    assert EmergencyAccess.objects.count() == 0


@pytest.mark.django_db
def test_reading_ones_own_or_a_namesakes_record_is_flagged(ward: Unit, patient: Person) -> None:
    # given
    namesake = PersonFactory(name="Per Lind", listed_at=ward)
    user = make_user(
        "lind", [(Role.STAFF, ward)], name="Anna Lind", personal_id=patient.personal_id
    )
    client = signed_in(user)

    # when
    client.get(reverse("web:person", args=[patient.pk]))
    client.get(reverse("web:person", args=[namesake.pk]))

    # then
    flags = dict(AccessLogEntry.objects.values_list("personal_id", "flags"))
    assert flags == {patient.personal_id: "own_record", namesake.personal_id: "namesake"}


@pytest.mark.django_db
def test_log_review_is_only_for_log_reviewers(ward: Unit) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.HEAD_OF_UNIT, ward)]))

    # when
    response = client.get(reverse("web:accesslog"))

    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_log_review_shows_a_persons_extract_and_exports_it_as_csv(
    ward: Unit, patient: Person, stranger: Person
) -> None:
    # given
    reader = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    reader.get(reverse("web:person", args=[patient.pk]))
    reader.get(reverse("web:person", args=[stranger.pk]))
    reviewer = signed_in(make_user("rita", [(Role.LOG_REVIEWER, None)]))
    before = _reads()

    # when
    page = reviewer.post(reverse("web:accesslog"), {"personal_id": patient.personal_id})
    export = reviewer.post(reverse("web:accesslog"), {"flagged_only": "on", "format": "csv"})

    # then
    assert page.status_code == 200
    assert page.content.decode().count(f"<td>{personal_id_display(patient.personal_id)}</td>") == 1
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["löpnummer", "tidpunkt (UTC)", "användare", "enhet", "personnummer"]
    assert [(r[2], r[4], r[5], r[8]) for r in rows[1:]] == [
        ("anna", personal_id_display(stranger.personal_id), "Nekad", "Utan vårdrelation")
    ]
    # the reviewer's reads are logged too, once per person shown, on the log review basis
    assert _new_reads(before) == Counter({patient.personal_id: 1, stranger.personal_id: 1})
    assert set(AccessLogEntry.objects.filter(username="rita").values_list("basis", flat=True)) == {
        "log_review"
    }


@pytest.mark.django_db
def test_export_logs_one_read_per_person(patient: Person, stranger: Person) -> None:
    # given
    before = _reads()

    # when
    cli.main(["export"], out=io.StringIO())

    # then
    assert _new_reads(before) == Counter({patient.personal_id: 1, stranger.personal_id: 1})
    assert set(AccessLogEntry.objects.values_list("basis", "what")) == {
        ("system", "scenario.export")
    }


@pytest.mark.django_db
def test_a_user_with_no_unit_sees_nobody(patient: Person) -> None:
    # given
    client = signed_in(
        make_user("sysadmin", [(Role.SYSTEM_ADMIN, None), (Role.LOG_REVIEWER, None)])
    )

    # when
    page = client.get(reverse("web:person", args=[patient.pk]))
    found = client.post(reverse("web:search"), {"q": patient.personal_id})

    # then
    assert page.status_code == 404
    assert "Karin Lind" not in found.content.decode()


@pytest.mark.django_db
def test_a_page_whose_reads_cannot_be_logged_does_not_leave(
    ward: Unit, patient: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the log refuses every append, as a full disk or a lost connection would
    from django.db import OperationalError

    from fastkontakt.access import accesslog

    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    client.raise_request_exception = False

    def refuse(**_: object) -> int:
        raise OperationalError("the log is not writable")

    monkeypatch.setattr(accesslog, "accesslog_append", refuse)

    # when
    response = client.get(reverse("web:person", args=[patient.pk]))

    # then: no person data leaves without its log entry; the outage page answers instead
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Karin Lind" not in response.content.decode()
    assert patient.personal_id not in response.content.decode()


@pytest.mark.django_db
def test_emergency_access_to_an_unknown_number_is_logged_as_a_refused_attempt(ward: Unit) -> None:
    # given
    client = signed_in(make_user("anna", [(Role.STAFF, ward)]))
    number = "191212121212"

    # when
    response = client.post(
        reverse("web:emergency"),
        {"personal_id": number, "unit": ward.pk, "reason": "Medvetslös på akuten"},
    )

    # then
    assert response.status_code == 200
    assert EmergencyAccess.objects.count() == 0
    assert list(AccessLogEntry.objects.values_list("personal_id", "action", "what")) == [
        (number, "denied", "emergency_access")
    ]

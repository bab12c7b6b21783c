"""Every page, as every role reads it, on the demo region: no codes, no English, no bare numbers.

The walk enumerates the URL resolver (the pages and the admin; the FHIR API speaks JSON and
has its own tests), fills each path parameter from the demo region and fetches it signed in as
a head of unit, a unit manager, a coordinator, a staff member, a log reviewer and a system
administrator. The checker is ``tests/screen_text.py``, which the browser walk shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fastkontakt.access.models import EmergencyAccess, Role
from fastkontakt.demo.contact_details import demo_contact_details_fill
from fastkontakt.demo.population import demo_scenario
from fastkontakt.letters.models import Letter
from fastkontakt.registry.models import (
    Contact,
    Handover,
    Person,
    Staff,
    Unit,
    UnitLocalTitle,
)
from fastkontakt.registry.selectors import care_relationship_q
from fastkontakt.registry.services import scenario_load
from tests.access.helpers import PASSWORD, device_for, make_user, signed_in
from tests.screen_text import screen_text_problems, visible_text

DEMO_PEOPLE = 60
#: URL prefixes not walked: the JSON API and the region's login (404 unless configured).
NOT_PAGES = ("fhir/", "oidc/", "favicon.ico", "konto/logga-ut/")
#: Walked by ``test_the_admin_is_swedish``.
ADMIN = "admin/"
#: Third-party admin pages (django-otp's code apps, django-axes' login records, django-tasks-db's
#: jobs), made Swedish in ``web/admin.py``: walked with a row of each by their own test.
THIRD_PARTY_ADMIN = ("admin/otp_totp/", "admin/axes/", "admin/django_tasks_database/")


def _patterns(patterns: list[object], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_the_walk_covers_every_page_pattern() -> None:
    walked = {p for p in _patterns(get_resolver().url_patterns) if not p.startswith(NOT_PAGES)}
    assert "personer/<int:person_pk>/" in walked
    assert any(p.startswith("admin/") for p in walked)


def _fill(pattern: str, values: dict[str, str]) -> str | None:
    """The pattern's path with each ``<conv:name>`` filled in, or None when a value is missing."""
    path = pattern
    if pattern.startswith("^") or "(?P<" in pattern:
        # the admin's regex catch-alls (its final "view on site" and app index redirects)
        return None
    while "<" in path:
        start = path.index("<")
        end = path.index(">", start)
        name = path[start + 1 : end].split(":")[-1]
        if name not in values:
            return None
        path = path[:start] + values[name] + path[end + 1 :]
    return "/" + path


def _demo_units() -> dict[str, Unit]:
    return {
        kind: Unit.objects.filter(type=kind).order_by("hsa_id").first()  # type: ignore[misc]
        for kind in ("primarvard", "hemtjanst", "kommunal_hsv")
    }


def _values(units: dict[str, Unit], staff: Staff, person: Person) -> dict[str, str]:
    contact = Contact.objects.filter(person=person).order_by("pk").first()
    title = UnitLocalTitle.objects.filter(unit=units["primarvard"]).first()
    letter = Letter.objects.order_by("pk").first()
    handover = Handover.objects.order_by("pk").first()
    values = {
        "person_pk": str(person.pk),
        "unit_pk": str(units["hemtjanst"].pk),
        "staff_pk": str(staff.pk),
        "contact_pk": str(contact.pk) if contact else "",
        "title_pk": str(title.pk) if title else "",
        "letter_pk": str(letter.pk) if letter else "",
        "slug": "plan",
        "item_pk": "1",
        "handover_pk": str(handover.pk) if handover else "",
        "job_pk": "1",
        # the admin
        "app_label": "registry",
        "object_id": str(units["primarvard"].pk),
        "content_type_id": "1",
    }
    return {k: v for k, v in values.items() if v}


def _page_problems(client: Client, url: str, *, method: str = "get", **data: object) -> list[str]:
    response = getattr(client, method)(url, data=data or None, follow=False)
    kind = response.get("Content-Type", "")
    if "text/html" in kind:
        text = visible_text(response.content.decode())
    elif "text/csv" in kind:
        text = response.content.decode()
    else:
        return []
    return [
        f"{method.upper()} {url} ({response.status_code}): {p}" for p in screen_text_problems(text)
    ]


@pytest.fixture
def demo() -> dict[str, object]:
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=today))
    demo_contact_details_fill(seed=1)
    units = _demo_units()
    home = units["hemtjanst"]
    # someone the units' staff may read, with home care, so the care page has its sections
    person = (
        Person.objects.filter(care_relationship_q([u.pk for u in units.values()], today))
        .filter(home_care_decisions__unit=home)
        .order_by("pk")
        .first()
    )
    assert person is not None
    staff = Staff.objects.filter(contacts__unit=home).order_by("pk").first()
    assert staff is not None
    return {"units": units, "person": person, "staff": staff}


def _hand_over(user: User, unit: Unit) -> None:
    """A handover through the page: its result page and its letters are walked too."""
    leaving = (
        Staff.objects.filter(units=unit, contacts__unit=unit, contacts__end__isnull=True)
        .order_by("pk")
        .first()
    )
    assert leaving is not None
    successor = (
        Staff.objects.filter(units=unit, profession=leaving.profession, employment_end=None)
        .exclude(pk=leaving.pk)
        .order_by("pk")
        .first()
    )
    assert successor is not None
    kinds = set(
        Contact.objects.filter(staff=leaving, unit=unit, end__isnull=True).values_list(
            "kind", flat=True
        )
    )
    response = signed_in(user).post(
        f"/kontakter/overlamning/{leaving.pk}/",
        {
            "reason": "lang_franvaro",
            "effective": timezone.localdate().isoformat(),
            **{f"all-{kind}-{unit.pk}": str(successor.pk) for kind in kinds},
        },
    )
    assert response.status_code == 302, visible_text(response.content.decode())


def _users(units: dict[str, Unit], staff: Staff) -> dict[str, User]:
    all_units = list(units.values())
    return {
        "verksamhetschef": make_user("chef", [(Role.HEAD_OF_UNIT, u) for u in all_units]),
        "vårdenhetschef": make_user("enhetschef", [(Role.UNIT_MANAGER, u) for u in all_units]),
        "koordinator": make_user("koord", [(Role.COORDINATOR, u) for u in all_units]),
        "medarbetare": make_user(
            "medarb", [(Role.STAFF, u) for u in all_units], staff=staff, name="Mia Medarbetare"
        ),
        "logggranskare": make_user("granskare", [(Role.LOG_REVIEWER, None)]),
        "systemadministratör": _admin(),
    }


def _admin() -> User:
    user = make_user("admin", [(Role.SYSTEM_ADMIN, None)])
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


@pytest.mark.django_db
def test_no_page_shows_codes_english_or_bare_personnummer(demo: dict[str, object]) -> None:
    # given
    units: dict[str, Unit] = demo["units"]  # type: ignore[assignment]
    person: Person = demo["person"]  # type: ignore[assignment]
    staff: Staff = demo["staff"]  # type: ignore[assignment]
    users = _users(units, staff)
    _hand_over(users["koordinator"], units["hemtjanst"])
    values = _values(units, staff, person)
    patterns = [
        p
        for p in _patterns(get_resolver().url_patterns)
        if not p.startswith(NOT_PAGES) and not p.startswith(ADMIN)
    ]
    problems: list[str] = []

    # when
    for role, user in users.items():
        client = signed_in(user)
        # an emergency access lasts on every page it is open for
        if role == "medarbetare":
            EmergencyAccess.objects.create(
                user=user,
                unit=units["primarvard"],
                person=person,
                reason="Akut läge",
                granted_at=timezone.now(),
                expires_at=timezone.now() + timedelta(hours=2),
            )
        for pattern in patterns:
            url = _fill(pattern, values)
            if url is None:
                continue
            problems += [f"[{role}] {p}" for p in _page_problems(client, url)]
        for unit in units.values():
            problems += [
                f"[{role}] {p}" for p in _page_problems(client, f"/arbetslista/?unit={unit.pk}")
            ]
            problems += [
                f"[{role}] {p}" for p in _page_problems(client, f"/arbetsbelastning/{unit.pk}/")
            ]
            problems += [f"[{role}] {p}" for p in _page_problems(client, f"/planering/{unit.pk}/")]
            # the appoint page with its candidates, refused ones included, for every kind
            for kind in ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"):
                problems += [
                    f"[{role}] {p}"
                    for p in _page_problems(
                        client, f"/kontakter/utse/{person.pk}/?unit={unit.pk}&kind={kind}"
                    )
                ]
        for query in (person.personal_id, person.name.split()[0]):
            problems += [
                f"[{role}] {p}"
                for p in _page_problems(client, "/personer/", method="post", q=query)
            ]
        problems += [
            f"[{role}] {p}"
            for form in ("page", "csv")
            for p in _page_problems(client, "/logg/", method="post", format=form)
        ]
        problems += [f"[{role}] {p}" for p in _page_problems(client, "/finns-inte/")]

    # then
    assert not problems, "\n".join(problems)


def _admin_problems(
    demo: dict[str, object],
    *,
    third_party: bool,
    object_ids: dict[str, str] | None = None,
    admin: User | None = None,
) -> list[str]:
    """Every admin page's problems; ``object_ids`` gives the object of the pages under a
    prefix (the rest show the demo's health centre, or nothing where there is no such row)."""
    units: dict[str, Unit] = demo["units"]  # type: ignore[assignment]
    values = _values(units, demo["staff"], demo["person"])  # type: ignore[arg-type]
    client = signed_in(admin or _admin())
    patterns = [
        p
        for p in _patterns(get_resolver().url_patterns)
        if p.startswith(ADMIN) and p.startswith(THIRD_PARTY_ADMIN) == third_party
    ]
    problems = []
    for pattern in patterns:
        own = next((pk for pre, pk in (object_ids or {}).items() if pattern.startswith(pre)), None)
        url = _fill(pattern, values if own is None else {**values, "object_id": own, "pk": own})
        if url is not None:
            problems += _page_problems(client, url)
    return problems


@pytest.mark.django_db
def test_the_admin_is_swedish(demo: dict[str, object]) -> None:
    # given the demo region, when a system administrator opens every admin page
    problems = _admin_problems(demo, third_party=False)
    # then
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_third_party_admin_pages_are_swedish(demo: dict[str, object]) -> None:
    # given a code app, a failed and a successful login, and a finished job
    admin = _admin()
    device = device_for(admin)
    # (in this order: a successful login clears the failures counted before it)
    Client().post(reverse("web:login"), {"username": admin.username, "password": PASSWORD})
    Client().post(reverse("web:login"), {"username": admin.username, "password": "fel lösenord"})
    job = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"job_pk": 1}},
        task_path="fastkontakt.letters.tasks.handover_letters",
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=timezone.now(),
        return_value=3,
    )
    rows = {
        "admin/otp_totp/totpdevice/": device.pk,
        "admin/axes/accessattempt/": AccessAttempt.objects.get().pk,
        # written only with AXES_ENABLE_ACCESS_FAILURE_LOG, which is off: a row as it would be
        "admin/axes/accessfailurelog/": AccessFailureLog.objects.create(
            username=admin.username,
            ip_address="127.0.0.1",
            user_agent="Firefox",
            http_accept="text/html",
            path_info="/konto/logga-in/",
            locked_out=True,
        ).pk,
        "admin/axes/accesslog/": AccessLog.objects.get().pk,
        "admin/django_tasks_database/dbtaskresult/": job.pk,
    }

    # when a system administrator opens every page of those apps' admins
    problems = _admin_problems(
        demo,
        third_party=True,
        object_ids={prefix: str(pk) for prefix, pk in rows.items()},
        admin=admin,
    )

    # then
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_third_party_admin_names_its_columns_filters_and_actions_in_swedish() -> None:
    # given
    admin = _admin()
    client = signed_in(admin)
    Client().post(reverse("web:login"), {"username": admin.username, "password": "fel lösenord"})

    # when
    index = visible_text(client.get("/admin/").content.decode())
    attempts = visible_text(client.get("/admin/axes/accessattempt/").content.decode())
    devices = visible_text(client.get("/admin/otp_totp/totpdevice/").content.decode())

    # then
    app = "Modellens namn Lägg till länk Ändra eller visa listlänk"
    assert f"Tvåstegsinloggning {app} Kodappar Lägg till Ändra" in index
    assert (
        f"Inloggningar och spärrar {app} Inloggningar Ändra Misslyckade inloggningar Ändra "
        "Räknade inloggningsförsök Ändra"
    ) in index
    assert f"Bakgrundsjobb {app} Jobb Visa" in index
    assert "Hem › Inloggningar och spärrar › Räknade inloggningsförsök" in attempts
    assert "Rensa bort utgångna försök" in attempts
    columns = "Tidpunkt IP-adress Webbläsare Användarnamn Sida Misslyckade inloggningar Status"
    assert columns in attempts
    assert "På spärrad Alla Ja Nej" in attempts
    assert "Ta bort markerade kodappar" in devices
    assert "Användare Namn Tillagd Senast använd Bekräftad" in devices

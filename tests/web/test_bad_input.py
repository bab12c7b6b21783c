"""Text typed on the staff pages follows the text rule of ADR 0011: a field error, nothing saved.

Every form of ``web.views`` derives from ``web.forms.Form``, which checks each text value with
``domain.text`` after Django has cleaned the fields.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

import fastkontakt.web.views
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.text import text_problem
from fastkontakt.registry.models import HomeCareDecision, UnitLocalTitle
from fastkontakt.web.forms import Form
from tests.access.helpers import make_user, signed_in
from tests.conftest import RegistryState
from tests.factories import PersonFactory, StaffFactory, UnitFactory

BIDI = "Otillåtet tecken U+202E (osynligt styrtecken för textriktning) på plats {}."
ZERO_WIDTH = "Otillåtet tecken U+200B (osynligt tecken utan bredd) på plats {}."


def text(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def page_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.iter_modules(fastkontakt.web.views.__path__):
        module = importlib.import_module(f"fastkontakt.web.views.{module_info.name}")
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


def test_every_form_of_the_pages_derives_from_the_checked_base() -> None:
    # given
    found = page_forms()
    # then
    assert len(found) >= 20
    assert [cls.__qualname__ for cls in found if not issubclass(cls, Form)] == []


class _NoteForm(Form):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    kinds = forms.MultipleChoiceField(choices=[("a", "a"), ("b\u202e", "b")], required=False)


refused = st.one_of(
    st.sampled_from("\x00\x1b\x7f\x85\ud800\u061c\u200b\u200d\u200e\u202a\u202e\u2060\u2066\ufeff"),
    st.characters(whitelist_categories=("Cf",)),
)
letters = st.text(st.sampled_from("abcåäöÅÄÖ -"), max_size=10)


@given(before=letters, char=refused, after=letters)
def test_a_refused_character_in_any_text_field_is_an_error_on_that_field(
    before: str, char: str, after: str
) -> None:
    # given
    name = f"Anna{before}{char}{after}"
    # when
    form = _NoteForm({"name": name, "note": f"rad\r\n{name}"})
    # then
    assert not form.is_valid()
    assert form.errors["name"] == [text_problem(name)]
    assert form.errors["note"] == [text_problem(f"rad\r\n{name}", multiline=True)]


def test_line_breaks_are_allowed_in_a_textarea_only_and_text_is_kept_in_nfc() -> None:
    # when
    accepted = _NoteForm({"name": "Bjo\u0308rk", "note": "rad ett\r\n\trad två"})
    refused_line = _NoteForm({"name": "Björk\nBerg"})
    # then
    assert accepted.is_valid()
    assert accepted.cleaned_data["name"] == "Björk"
    assert accepted.cleaned_data["note"] == "rad ett\r\n\trad två"
    assert not refused_line.is_valid()
    assert refused_line.errors["name"] == ["Otillåtet tecken U+000A (radbrytning) på plats 6."]


def test_a_choice_carrying_a_refused_character_is_refused_too() -> None:
    # when
    form = _NoteForm({"name": "Anna", "kinds": ["a", "b\u202e"]})
    # then
    assert not form.is_valid()
    assert form.errors["kinds"] == [BIDI.format(2)]


@pytest.mark.django_db
def test_a_local_title_with_a_bidi_override_is_a_field_error_and_not_saved() -> None:
    # given
    unit = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    head = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, unit)]))
    # when
    response = head.post(
        reverse("web:caseload_title_add", args=[unit.pk]),
        {"title": "Kontakt\u202eläkare", "kind": "fast_vardkontakt"},
    )
    # then
    assert response.status_code == 200
    assert BIDI.format(8) in text(response.content)
    assert UnitLocalTitle.objects.count() == 0


@pytest.mark.django_db
def test_an_appointment_with_a_bidi_override_in_its_local_title_is_not_saved(
    registry_state: Callable[[], RegistryState],
) -> None:
    # given
    unit = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    person = PersonFactory(listed_at=unit)
    nurse = StaffFactory(name="Nora Sjö")
    nurse.units.add(unit)
    manager = signed_in(make_user("chef", [(Role.UNIT_MANAGER, unit)]))
    before = registry_state()
    # when
    response = manager.post(
        reverse("web:appoint", args=[person.pk]),
        {
            "unit": unit.pk,
            "kind": "fast_vardkontakt",
            "staff": nurse.pk,
            "start": timezone.localdate().isoformat(),
            "reason": "begaran",
            "local_title": "\u202eKontaktsjuksköterska",
            "action": "save",
        },
    )
    # then
    assert response.status_code == 200
    assert BIDI.format(1) in text(response.content)
    assert registry_state() == before
    assert person.letters.count() == 0
    assert not AccessLogEntry.objects.filter(action="write").exists()


@pytest.mark.django_db
def test_care_page_free_text_follows_the_rule_single_and_multi_line(
    registry_state: Callable[[], RegistryState],
) -> None:
    # given a home-care decision the coordinator may record on
    home_care = UnitFactory(name="Hemtjänst Centrum", type="hemtjanst")
    person = PersonFactory(name="Elsa Ek", listed_at=UnitFactory(type="primarvard"))
    decision = HomeCareDecision.objects.create(
        person=person,
        unit=home_care,
        start=timezone.localdate() - timedelta(days=40),
        services=["personlig_omvardnad"],
    )
    coordinator = signed_in(make_user("kim", [(Role.COORDINATOR, home_care)]))
    transfer_url = reverse("web:care_record", args=[person.pk, "informationsoverforing"])
    reason_url = reverse(
        "web:care_item", args=[person.pk, "obehovlig-omsorgskontakt", decision.pk]
    )
    reason_field = f"obehovlig-omsorgskontakt-{decision.pk}-reason"
    before = registry_state()
    # when
    transfer = coordinator.post(
        transfer_url,
        {
            "informationsoverforing-unit": home_care.pk,
            "informationsoverforing-recipient": "Boende Tallen\u200b",
            "informationsoverforing-transferred": timezone.localdate().isoformat(),
            "informationsoverforing-consent": "nej",
        },
    )
    hidden_reason = coordinator.post(
        reason_url, {reason_field: "Har anhöriga\u200b som hjälper till."}
    )
    # then
    assert transfer.status_code == hidden_reason.status_code == 200
    assert ZERO_WIDTH.format(14) in text(transfer.content)
    assert ZERO_WIDTH.format(13) in text(hidden_reason.content)
    assert registry_state() == before
    # and a reason over two lines is saved as written
    saved = coordinator.post(reason_url, {reason_field: "Har anhöriga\r\nsom hjälper till."})
    assert saved.status_code == 302
    decision.refresh_from_db()
    assert decision.no_contact_reason == "Har anhöriga\r\nsom hjälper till."

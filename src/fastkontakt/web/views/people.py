"""The start page, finding a person, the person's register of contacts, and emergency access.

Personnummer never travel in URLs (they would end up in proxy and server logs): searches are
posted, and a person's page is addressed by an internal number that means nothing outside.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.models import UNIT_ROLES, Role
from fastkontakt.access.selectors import person_read, person_search
from fastkontakt.access.services import emergency_access_grant
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.domain.appointment import NEED_CALLS_FOR
from fastkontakt.domain.errors import InvalidInput, NotFound
from fastkontakt.domain.postal import CARE_OF_LENGTH, CITY_LENGTH, STREET_LENGTH, address_lines
from fastkontakt.registry.models import Person, Unit
from fastkontakt.registry.selectors import person_register_get
from fastkontakt.registry.services.addresses import address_units_get, person_address_record
from fastkontakt.registry.services.care import RECORDING_ROLES
from fastkontakt.registry.services.contacts import APPOINTING_ROLES
from fastkontakt.web.forms import Form
from fastkontakt.web.views.base import actor_of, form_errors_add, translate_domain_errors

NEED_LABELS = {need: label for need, label, _ in NEED_CALLS_FOR}


class SearchForm(Form):
    q = forms.CharField(
        label="Personnummer eller namn",
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = Unit.objects.filter(pk__in=actor.unit_pks).order_by("name")
    roles = sorted(
        (str(Role(role).label), unit) for role, unit in actor.memberships if unit is None
    )
    context = {
        "units": units,
        "provider_roles": [label for label, _ in roles],
        "search_form": SearchForm(),
        "is_log_reviewer": actor.has_role(Role.LOG_REVIEWER),
    }
    return render(request, "web/home.html", context)


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = person_search(actor=actor_of(request), text=form.cleaned_data["q"])
    return render(request, "web/search.html", {"form": form, "results": results})


class AddressForm(Form):
    """The person's postal address as the letters' window envelopes show it."""

    unit = forms.ChoiceField(label="Registreras av")
    care_of = forms.CharField(
        label="c/o (om posten ska till någon annan)", required=False, max_length=CARE_OF_LENGTH
    )
    street = forms.CharField(label="Gatuadress eller box", required=False, max_length=STREET_LENGTH)
    postal_code = forms.CharField(label="Postnummer", required=False, max_length=20)
    city = forms.CharField(label="Postort", required=False, max_length=CITY_LENGTH)

    def __init__(self, *args: Any, units: list[Unit], person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(u.pk), u.name) for u in units]
        field.error_messages["invalid_choice"] = "Välj en av enheterna i listan."
        self.initial.setdefault("care_of", person.address_care_of)
        self.initial.setdefault("street", person.address_street)
        self.initial.setdefault("postal_code", person.postal_code)
        self.initial.setdefault("city", person.postal_town)


def _person_page(
    request: HttpRequest, person_pk: int, *, address_form: AddressForm | None = None
) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    person = person_read(actor=actor, person_pk=person_pk, what="person.page", on=today)
    appointing = actor.units_with_role(*APPOINTING_ROLES)
    address_units = address_units_get(actor=actor, person=person, on=today)
    if address_form is None and address_units:
        address_form = AddressForm(units=address_units, person=person)
    context = {
        "person": person,
        "register": person_register_get(person_pk=person.pk, on=today),
        "findings": findings_for_person(personal_id=person.personal_id, as_of=today),
        "needs": [NEED_LABELS.get(need, need) for need in person.needs],
        "may_appoint": bool(appointing),
        "appointing_units": appointing,
        "address_lines": address_lines(person.name, address)[1:]
        if (address := person.postal_address())
        else (),
        "address_form": address_form,
    }
    return render(request, "web/person.html", context)


@require_http_methods(["GET"])
@translate_domain_errors
def person_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    return _person_page(request, person_pk)


@require_http_methods(["POST"])
@translate_domain_errors
def person_address(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Record the person's postal address; a refusal shows the person page with the errors."""
    actor = actor_of(request)
    today = timezone.localdate()
    # The read is logged by the service; the form's choices need the units first.
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*RECORDING_ROLES)))
    form = AddressForm(request.POST, units=units, person=Person())
    if form.is_valid():
        try:
            person_address_record(
                actor=actor,
                person_pk=person_pk,
                unit_pk=int(form.cleaned_data["unit"]),
                care_of=form.cleaned_data["care_of"],
                street=form.cleaned_data["street"],
                postal_code=form.cleaned_data["postal_code"],
                city=form.cleaned_data["city"],
                as_of=today,
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            messages.success(request, "Adressen är sparad.")
            return redirect("web:person", person_pk=person_pk)
    return _person_page(request, person_pk, address_form=form)


class EmergencyForm(Form):
    personal_id = forms.CharField(label="Personnummer", max_length=13)
    unit = forms.ModelChoiceField(label="Enhet du arbetar från", queryset=Unit.objects.none())
    reason = forms.CharField(
        label="Skäl",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Skälet granskas i efterhand. Nödåtkomst ska bara användas när patientens "
        "samtycke inte kan inhämtas och uppgifterna behövs för vården.",
    )


@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = EmergencyForm(request.POST or None)
    unit_field = form.fields["unit"]
    assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101 - declared above
    unit_field.queryset = Unit.objects.filter(pk__in=actor.units_with_role(*UNIT_ROLES))
    if request.method == "POST" and form.is_valid():
        try:
            grant = emergency_access_grant(
                actor=actor,
                personal_id=form.cleaned_data["personal_id"],
                unit_pk=form.cleaned_data["unit"].pk,
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        except NotFound as error:
            form.add_error("personal_id", str(error))
        else:
            expires = timezone.localtime(grant.expires_at)
            messages.warning(request, f"Nödåtkomst gäller till {expires:%H:%M} och granskas.")
            return redirect("web:person", person_pk=grant.person_id)
    return render(request, "web/emergency.html", {"form": form})

"""The start page, finding a person, the person's register of contacts, and emergency access.

Personnummer never travel in URLs (they would end up in proxy and server logs): searches are
posted, and a person's page is addressed by an internal number that means nothing outside.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.models import UNIT_ROLES, Role
from fastkontakt.access.selectors import person_read, person_search
from fastkontakt.access.services import InvalidInput, emergency_access_grant
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.domain.appointment import NEED_CALLS_FOR
from fastkontakt.domain.errors import NotFound
from fastkontakt.registry.models import Unit
from fastkontakt.registry.selectors import person_register_get
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


@require_http_methods(["GET"])
@translate_domain_errors
def person_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    person = person_read(actor=actor, person_pk=person_pk, what="person.page", on=today)
    appointing = actor.units_with_role(*APPOINTING_ROLES)
    context = {
        "person": person,
        "register": person_register_get(person_pk=person.pk, on=today),
        "findings": findings_for_person(personal_id=person.personal_id, as_of=today),
        "needs": [NEED_LABELS.get(need, need) for need in person.needs],
        "may_appoint": bool(appointing),
        "appointing_units": appointing,
    }
    return render(request, "web/person.html", context)


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

"""Letters to a person about their fixed contacts: list, write, open the PDF, record delivery.

Letters are addressed by their internal number and people by theirs; the PDF's file name is
``brev-<nr>.pdf``, so no personnummer ends up in a URL, a header or a browser's download list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.domain.errors import InvalidInput
from fastkontakt.domain.postal import CARE_OF_LENGTH, CITY_LENGTH, STREET_LENGTH
from fastkontakt.letters import wording
from fastkontakt.letters.models import ConsentMethod, DeliveryMethod, Recipient, RelativeConsent
from fastkontakt.letters.selectors import (
    LETTER_ROLES,
    letter_get,
    letter_pdf_get,
    letters_page_get,
)
from fastkontakt.letters.services import letter_create as letter_create_service
from fastkontakt.letters.services import letter_deliver as letter_deliver_service
from fastkontakt.letters.services import relative_consent_record, relative_consent_withdraw
from fastkontakt.registry.models import NAME_LENGTH, Unit
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import actor_of, form_errors_add, translate_domain_errors


@require_http_methods(["GET"])
@translate_domain_errors
def letters(request: HttpRequest, person_pk: int) -> HttpResponse:
    page = letters_page_get(actor=actor_of(request), person_pk=person_pk)
    return render(
        request, "web/letters/list.html", {"page": page, "relative": Recipient.RELATIVE.value}
    )


class CreateForm(Form):
    contact = forms.IntegerField(min_value=1)
    # Checked by the service, which says what is wrong in Swedish; a consent means a copy.
    recipient = forms.CharField(max_length=16, required=False)
    # Only where to go back to; the service finds the person from the contact.
    person = forms.IntegerField(min_value=1)
    # A relative's copy: the person's consent that names the relative (checked by the service).
    consent = forms.IntegerField(min_value=1, required=False)


@require_http_methods(["POST"])
@translate_domain_errors
def letter_create(request: HttpRequest) -> HttpResponse:
    form = CreateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Ogiltig begäran.")
    back = form.cleaned_data["person"]
    try:
        letter = letter_create_service(
            actor=actor_of(request),
            contact_pk=form.cleaned_data["contact"],
            recipient=Recipient.RELATIVE
            if form.cleaned_data["consent"]
            else form.cleaned_data["recipient"] or Recipient.PERSON,
            consent_pk=form.cleaned_data["consent"],
        )
    except InvalidInput as invalid:
        for problem in invalid.problems:
            messages.error(request, problem.message)
        return redirect("web:letters", person_pk=back)
    messages.success(
        request,
        f"Brev nr {letter.pk} är skrivet. Öppna det, skriv ut eller skicka det, och registrera "
        "sedan när det lämnades.",
    )
    return redirect("web:letters", person_pk=letter.person_id)


class ConsentForm(Form):
    """A person's consent that one relative gets copies of their letters."""

    unit = forms.ChoiceField(label="Registreras av")
    relative_name = forms.CharField(label="Den närståendes namn", max_length=NAME_LENGTH)
    relationship = forms.CharField(
        label="Relation till personen (till exempel dotter, make, god man)",
        max_length=100,
        required=False,
    )
    given_on = DateField(label="Dag då personen lämnade samtycket")
    method = forms.ChoiceField(
        label="Hur samtycket lämnades", choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    care_of = forms.CharField(label="c/o", max_length=CARE_OF_LENGTH, required=False)
    street = forms.CharField(
        label="Den närståendes gatuadress eller box", max_length=STREET_LENGTH, required=False
    )
    postal_code = forms.CharField(label="Postnummer", max_length=20, required=False)
    city = forms.CharField(label="Postort", max_length=CITY_LENGTH, required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(u.pk), u.name) for u in units]
        for name in ("unit", "method"):
            choice = self.fields[name]
            choice.error_messages["invalid_choice"] = "Välj ett av alternativen i listan."
            choice.error_messages["required"] = "Välj ett av alternativen."
        self.fields["relative_name"].error_messages["required"] = "Ange den närståendes namn."
        self.fields["given_on"].error_messages.update(
            required="Ange vilken dag personen lämnade samtycket.",
            invalid="Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-01.",
        )


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def consents(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The person's consents to relatives' copies: the list, a form to record one, and a
    button to record that one was withdrawn."""
    actor = actor_of(request)
    units = list(Unit.objects.filter(pk__in=actor.units_with_role(*LETTER_ROLES)).order_by("name"))
    form = ConsentForm(
        request.POST or None, units=units, initial={"given_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = relative_consent_record(
                actor=actor,
                person_pk=person_pk,
                unit_pk=int(data["unit"]),
                relative_name=data["relative_name"],
                relationship=data["relationship"],
                given_on=data["given_on"],
                method=data["method"],
                care_of=data["care_of"],
                street=data["street"],
                postal_code=data["postal_code"],
                city=data["city"],
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            messages.success(
                request,
                f"Samtycket är registrerat. {consent.relative_name} kan nu få en kopia av breven.",
            )
            return redirect("web:letters", person_pk=person_pk)
    page = letters_page_get(actor=actor, person_pk=person_pk)
    return render(request, "web/letters/consents.html", {"page": page, "form": form})


class WithdrawForm(Form):
    withdrawn_on = DateField(label="Återkallat den")


@require_http_methods(["POST"])
@translate_domain_errors
def consent_withdraw(request: HttpRequest, consent_pk: int) -> HttpResponse:
    actor = actor_of(request)
    form = WithdrawForm(request.POST)
    withdrawn_on = form.cleaned_data["withdrawn_on"] if form.is_valid() else None
    try:
        consent = relative_consent_withdraw(
            actor=actor, consent_pk=consent_pk, withdrawn_on=withdrawn_on
        )
    except InvalidInput as invalid:
        for problem in invalid.problems:
            messages.error(request, problem.message)
        person_pk = RelativeConsent.objects.values_list("person_id", flat=True).get(pk=consent_pk)
        return redirect("web:consents", person_pk=person_pk)
    messages.success(
        request, f"Samtycket för {consent.relative_name} är återkallat. Inga fler kopior skrivs."
    )
    return redirect("web:consents", person_pk=consent.person_id)


@require_http_methods(["GET"])
@translate_domain_errors
def letter_pdf(request: HttpRequest, letter_pk: int) -> HttpResponse:
    letter = letter_pdf_get(actor=actor_of(request), letter_pk=letter_pk)
    response = HttpResponse(letter.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="brev-{letter.pk}.pdf"'
    # A person's letter must not linger in shared caches or the browser's history cache.
    response["Cache-Control"] = "no-store"
    return response


class DeliverForm(Form):
    delivered_on = DateField(label="Datum då brevet lämnades eller skickades")
    method = forms.ChoiceField(
        label="Hur",
        # "digitalt" is recorded by the person opening the letter (/invanare/), never chosen.
        choices=[c for c in DeliveryMethod.choices if c[0] != DeliveryMethod.DIGITAL],
        widget=forms.RadioSelect,
    )


@require_http_methods(["GET", "POST"])
@translate_domain_errors
def letter_deliver(request: HttpRequest, letter_pk: int) -> HttpResponse:
    actor = actor_of(request)
    form = DeliverForm(request.POST or None, initial={"delivered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_deliver_service(
                actor=actor,
                letter_pk=letter_pk,
                delivered_on=form.cleaned_data["delivered_on"],
                method=form.cleaned_data["method"],
            )
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            assert letter.delivered_on is not None  # noqa: S101 - just recorded
            day = wording.long_date(letter.delivered_on)
            if letter.recipient == Recipient.PERSON:
                note = "Personen räknas som skriftligt informerad från den dagen."
            else:
                note = "En kopia till närstående ändrar inte när personen själv informerades."
            messages.success(
                request, f"Brev nr {letter.pk} är registrerat som lämnat {day}. {note}"
            )
            return redirect("web:letters", person_pk=letter.person_id)
    letter = letter_get(actor=actor, letter_pk=letter_pk, what="letter.page")
    return render(request, "web/letters/deliver.html", {"letter": letter, "form": form})


urlpatterns: list[URLPattern] = [
    path("person/<int:person_pk>/", letters, name="letters"),
    path("skapa/", letter_create, name="letter_create"),
    path("<int:letter_pk>/pdf/", letter_pdf, name="letter_pdf"),
    path("<int:letter_pk>/lamnat/", letter_deliver, name="letter_deliver"),
    path("person/<int:person_pk>/samtycke/", consents, name="consents"),
    path("samtycke/<int:consent_pk>/aterkalla/", consent_withdraw, name="consent_withdraw"),
]

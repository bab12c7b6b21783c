"""Letters to a person about their fixed contacts: list, write, open the PDF, record delivery.

Letters are addressed by their internal number and people by theirs; the PDF's file name is
``brev-<nr>.pdf``, so no personnummer ends up in a URL, a header or a browser's download list.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.services import InvalidInput
from fastkontakt.letters import wording
from fastkontakt.letters.models import DeliveryMethod, Recipient
from fastkontakt.letters.selectors import letter_get, letter_pdf_get, letters_page_get
from fastkontakt.letters.services import letter_create as letter_create_service
from fastkontakt.letters.services import letter_deliver as letter_deliver_service
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
    # Checked by the service, which says what is wrong in Swedish.
    recipient = forms.CharField(max_length=16)
    # Only where to go back to; the service finds the person from the contact.
    person = forms.IntegerField(min_value=1)


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
            recipient=form.cleaned_data["recipient"],
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
        label="Hur", choices=DeliveryMethod.choices, widget=forms.RadioSelect
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
]

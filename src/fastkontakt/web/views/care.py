"""The care page: a person's home care, inpatient stays, SIPs and information transfers.

One page (``web:care``) shows what is recorded, the deadlines the rules set for it, and one
small form per thing to record. Each form posts to ``web:care_record`` (or ``web:care_item``
for a form about one decision, stay or SIP) and works without JavaScript: a saved form
redirects back to the page, a refused one renders the page again with the form's errors. With
htmx the form swaps only its own section, taken from the same full page (``hx-select``), so
there is one rendering path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fastkontakt.access.actors import Actor
from fastkontakt.compliance.selectors import findings_for_person
from fastkontakt.domain import vocabulary
from fastkontakt.domain.errors import InvalidInput
from fastkontakt.domain.rules.engine import Finding
from fastkontakt.registry.models import (
    RESIDENCE_CHOICES,
    HomeCareDecision,
    InpatientStay,
    Sip,
    Staff,
    Unit,
)
from fastkontakt.registry.services.care import (
    DECIDING_ROLES,
    RECORDING_ROLES,
    CareOverview,
    care_overview_get,
    home_care_decision_record,
    home_care_no_contact_reason_record,
    implementation_plan_establish,
    implementation_plan_revise,
    implementation_plan_update_record,
    information_transfer_consent_record,
    information_transfer_record,
    inpatient_stay_admit,
    inpatient_stay_discharge,
    inpatient_stay_notice_record,
    inpatient_stay_ready_record,
    person_residence_record,
    sip_coordinator_set,
    sip_create,
    sip_invitation_record,
)
from fastkontakt.web.forms import DateField, Form
from fastkontakt.web.views.base import actor_of, form_errors_add, translate_domain_errors

SERVICE_LABELS = vocabulary.SERVICES

INVALID_CHOICE = "Välj ett av alternativen i listan."

#: The page's sections, and the rules whose findings each shows as its deadlines.
SECTION_RULES: dict[str, tuple[str, ...]] = {
    "boende": ("residential-care-contact",),
    "hemtjanst": ("home-care-contact",),
    "genomforandeplan": ("plan-initial-update", "plan-revision"),
    "slutenvard": ("discharge-contact", "discharge-sip-invitation"),
    "sip": ("sip-coordinator",),
    "overforingar": ("transfer-consent",),
}


# --- forms -----------------------------------------------------------------------------------


def _date(label: str, *, required: bool = True) -> DateField:
    return DateField(label=label, required=required)


def _unit_choices(units: Sequence[Unit]) -> list[tuple[str, str]]:
    return [(str(u.pk), u.name) for u in units]


def _staff_choices(staff: Sequence[Staff]) -> list[tuple[str, str]]:
    return [(str(s.pk), f"{s.name} ({s.get_profession_display()})") for s in staff]


class CareForm(Form):
    """A form of the page; its unit and staff choices come from the page's overview."""

    def __init__(self, *args: Any, overview: CareOverview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configure(overview)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # Django's Swedish catalogue leaves this message untranslated.
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    def configure(self, overview: CareOverview) -> None:
        """Set the choices that depend on the person and the actor."""

    def _choices(self, name: str, choices: list[tuple[str, str]], *, blank: str = "") -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared below
        field.choices = [("", blank), *choices] if blank else choices

    def pk(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        return int(value) if value else None


class DecisionForm(CareForm):
    unit = forms.ChoiceField(label="Hemtjänstenhet")
    start = _date("Från (första mötet)")
    end = _date("Till och med", required=False)
    services = forms.MultipleChoiceField(
        label="Beviljade insatser",
        choices=list(SERVICE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    no_contact_reason = forms.CharField(
        label="Skäl till att fast omsorgskontakt är obehövlig (om det är uppenbart)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def configure(self, overview: CareOverview) -> None:
        self._choices("unit", _unit_choices(overview.deciding_units))


class ResidenceForm(CareForm):
    unit = forms.ChoiceField(label="Registreras av")
    residence = forms.ChoiceField(
        label="Boende", choices=RESIDENCE_CHOICES, widget=forms.RadioSelect
    )
    residence_from = _date("Bor där sedan", required=False)
    no_contact_reason = forms.CharField(
        label="Skäl till att fast omsorgskontakt i särskilt boende uppenbart är obehövlig "
        "(lämna tomt om den behövs)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def configure(self, overview: CareOverview) -> None:
        self._choices("unit", _unit_choices(overview.residence_units))
        person = overview.person
        self.initial.setdefault("residence", person.residence)
        self.initial.setdefault("residence_from", person.residence_from)
        self.initial.setdefault("no_contact_reason", person.residence_no_contact_reason)


class NoContactReasonForm(CareForm):
    reason = forms.CharField(
        label="Skäl till att fast omsorgskontakt uppenbart är obehövlig",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlanUnitForm(CareForm):
    unit = forms.ChoiceField(label="Hemtjänstenhet")

    def configure(self, overview: CareOverview) -> None:
        self._choices("unit", _unit_choices(overview.plan_units))


class PlanEstablishForm(PlanUnitForm):
    established = _date("Första mötet, planen upprättad")


class PlanUpdateForm(PlanUnitForm):
    updated = _date("Uppdaterad av fast omsorgskontakt")


class PlanRevisionForm(PlanUnitForm):
    revised = _date("Reviderad")


class AdmitForm(CareForm):
    unit = forms.ChoiceField(label="Slutenvårdsenhet")
    admitted = _date("Inskriven")
    outpatient_unit = forms.ChoiceField(
        label="Inskrivningsmeddelande till öppenvårdsenhet", required=False
    )
    needs_municipal_care = forms.BooleanField(
        label="Behöver även kommunala insatser efter utskrivningen", required=False
    )

    def configure(self, overview: CareOverview) -> None:
        self._choices("unit", _unit_choices(overview.wards))
        self._choices(
            "outpatient_unit", _unit_choices(overview.outpatient_units), blank="– inte känt –"
        )


class NoticeForm(CareForm):
    outpatient_unit = forms.ChoiceField(label="Inskrivningsmeddelande till")
    needs_municipal_care = forms.BooleanField(
        label="Behöver även kommunala insatser", required=False
    )

    def configure(self, overview: CareOverview) -> None:
        self._choices("outpatient_unit", _unit_choices(overview.outpatient_units))


class ReadyForm(CareForm):
    ready = _date("Utskrivningsklar")


class DischargeForm(CareForm):
    discharged = _date("Utskriven")


class RecordingUnitForm(CareForm):
    unit = forms.ChoiceField(label="För enheten")

    def configure(self, overview: CareOverview) -> None:
        self._choices("unit", _unit_choices(overview.recording_units))


class SipForm(RecordingUnitForm):
    created = _date("SIP inledd")
    invited = _date("Kallelse skickad", required=False)
    coordinator = forms.ChoiceField(label="Samordningsansvarig", required=False)

    def configure(self, overview: CareOverview) -> None:
        super().configure(overview)
        self._choices(
            "coordinator", _staff_choices(overview.coordinator_choices), blank="– inte utsedd –"
        )


class SipInvitationForm(RecordingUnitForm):
    invited = _date("Kallelse skickad")


class SipCoordinatorForm(RecordingUnitForm):
    coordinator = forms.ChoiceField(label="Samordningsansvarig")

    def configure(self, overview: CareOverview) -> None:
        super().configure(overview)
        self._choices("coordinator", _staff_choices(overview.coordinator_choices))


class TransferForm(RecordingUnitForm):
    recipient = forms.CharField(label="Mottagare", max_length=200)
    transferred = _date("Datum")
    consent = forms.TypedChoiceField(
        label="Personens samtycke",
        choices=[("ja", "Med samtycke"), ("nej", "Utan samtycke")],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )


class TransferConsentForm(RecordingUnitForm):
    consented = forms.BooleanField(label="Personen har samtyckt till överföringen")


# --- what each form records ------------------------------------------------------------------


Save = Callable[[Actor, int, int | None, CareForm], object]


@dataclass(frozen=True, slots=True)
class Action:
    slug: str
    """The last part of the form's URL."""
    form: type[CareForm]
    section: str
    save: Save
    done: str
    """Swedish confirmation."""
    item: bool = False
    """Whether the form is about one decision, stay or SIP (its pk in the URL)."""


def _required(value: int | None) -> int:
    # Only reached for forms whose item pk the URL pattern guarantees.
    if value is None:
        raise Http404
    return value


def _data(form: CareForm) -> dict[str, Any]:
    return form.cleaned_data


ACTIONS: dict[str, Action] = {
    action.slug: action
    for action in (
        Action(
            "boende",
            ResidenceForm,
            "boende",
            lambda actor, person, _, f: person_residence_record(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                residence=_data(f)["residence"],
                residence_from=_data(f)["residence_from"],
                no_contact_reason=_data(f)["no_contact_reason"],
            ),
            "Boendet är registrerat.",
        ),
        Action(
            "bistandsbeslut",
            DecisionForm,
            "hemtjanst",
            lambda actor, person, _, f: home_care_decision_record(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                start=_data(f)["start"],
                end=_data(f)["end"],
                services=_data(f)["services"],
                no_contact_reason=_data(f)["no_contact_reason"],
            ),
            "Biståndsbeslutet är registrerat.",
        ),
        Action(
            "obehovlig-omsorgskontakt",
            NoContactReasonForm,
            "hemtjanst",
            lambda actor, person, item, f: home_care_no_contact_reason_record(
                actor=actor,
                person_pk=person,
                decision_pk=_required(item),
                reason=_data(f)["reason"],
            ),
            "Skälet är dokumenterat.",
            item=True,
        ),
        Action(
            "genomforandeplan",
            PlanEstablishForm,
            "genomforandeplan",
            lambda actor, person, _, f: implementation_plan_establish(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                established=_data(f)["established"],
            ),
            "Genomförandeplanen är registrerad.",
        ),
        Action(
            "uppdatering",
            PlanUpdateForm,
            "genomforandeplan",
            lambda actor, person, _, f: implementation_plan_update_record(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                updated=_data(f)["updated"],
            ),
            "Uppdateringen är registrerad.",
        ),
        Action(
            "revidering",
            PlanRevisionForm,
            "genomforandeplan",
            lambda actor, person, _, f: implementation_plan_revise(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                revised=_data(f)["revised"],
            ),
            "Revideringen är registrerad.",
        ),
        Action(
            "inskrivning",
            AdmitForm,
            "slutenvard",
            lambda actor, person, _, f: inpatient_stay_admit(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                admitted=_data(f)["admitted"],
                outpatient_unit_pk=f.pk("outpatient_unit"),
                needs_municipal_care=_data(f)["needs_municipal_care"],
            ),
            "Inskrivningen är registrerad.",
        ),
        Action(
            "inskrivningsmeddelande",
            NoticeForm,
            "slutenvard",
            lambda actor, person, item, f: inpatient_stay_notice_record(
                actor=actor,
                person_pk=person,
                stay_pk=_required(item),
                outpatient_unit_pk=_required(f.pk("outpatient_unit")),
                needs_municipal_care=_data(f)["needs_municipal_care"],
            ),
            "Inskrivningsmeddelandet är registrerat.",
            item=True,
        ),
        Action(
            "utskrivningsklar",
            ReadyForm,
            "slutenvard",
            lambda actor, person, item, f: inpatient_stay_ready_record(
                actor=actor, person_pk=person, stay_pk=_required(item), ready=_data(f)["ready"]
            ),
            "Beskedet om utskrivningsklar är registrerat.",
            item=True,
        ),
        Action(
            "utskrivning",
            DischargeForm,
            "slutenvard",
            lambda actor, person, item, f: inpatient_stay_discharge(
                actor=actor,
                person_pk=person,
                stay_pk=_required(item),
                discharged=_data(f)["discharged"],
            ),
            "Utskrivningen är registrerad.",
            item=True,
        ),
        Action(
            "sip",
            SipForm,
            "sip",
            lambda actor, person, _, f: sip_create(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                created=_data(f)["created"],
                invited=_data(f)["invited"],
                coordinator_pk=f.pk("coordinator"),
            ),
            "SIP:en är registrerad.",
        ),
        Action(
            "kallelse",
            SipInvitationForm,
            "sip",
            lambda actor, person, item, f: sip_invitation_record(
                actor=actor,
                person_pk=person,
                sip_pk=_required(item),
                unit_pk=_required(f.pk("unit")),
                invited=_data(f)["invited"],
            ),
            "Kallelsen är registrerad.",
            item=True,
        ),
        Action(
            "samordnare",
            SipCoordinatorForm,
            "sip",
            lambda actor, person, item, f: sip_coordinator_set(
                actor=actor,
                person_pk=person,
                sip_pk=_required(item),
                unit_pk=_required(f.pk("unit")),
                coordinator_pk=_required(f.pk("coordinator")),
            ),
            "Samordningsansvarig är registrerad.",
            item=True,
        ),
        Action(
            "informationsoverforing",
            TransferForm,
            "overforingar",
            lambda actor, person, _, f: information_transfer_record(
                actor=actor,
                person_pk=person,
                unit_pk=_required(f.pk("unit")),
                recipient=_data(f)["recipient"],
                transferred=_data(f)["transferred"],
                consent=_data(f)["consent"],
            ),
            "Informationsöverföringen är registrerad.",
        ),
        Action(
            "samtycke",
            TransferConsentForm,
            "overforingar",
            lambda actor, person, item, f: information_transfer_consent_record(
                actor=actor,
                person_pk=person,
                transfer_pk=_required(item),
                unit_pk=_required(f.pk("unit")),
            ),
            "Samtycket är registrerat.",
            item=True,
        ),
    )
}


# --- the page --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A posted form to show again instead of a blank one: where it belongs and its errors."""

    slug: str
    item: int | None
    form: CareForm


@dataclass(frozen=True, slots=True)
class Row:
    """A record of the page with the forms about it (None where nothing is left to record)."""

    record: HomeCareDecision | InpatientStay | Sip
    forms: dict[str, CareForm | None]
    """By a short name the template can look up (``reason``, ``notice``...)."""
    services: tuple[str, ...] = ()
    """A decision's services, in Swedish."""


def _findings_by_section(findings: list[Finding]) -> dict[str, list[Finding]]:
    return {
        section: [f for f in findings if f.rule in rules]
        for section, rules in SECTION_RULES.items()
    }


def _render(
    request: HttpRequest,
    overview: CareOverview,
    *,
    bound: Bound | None = None,
    saved: tuple[str, str] | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    findings = findings_for_person(personal_id=overview.person.personal_id, as_of=today)
    deciding = actor.units_with_role(*DECIDING_ROLES)
    recording = actor.units_with_role(*RECORDING_ROLES)
    can_record = bool(overview.recording_units)
    outpatient = {u.pk for u in overview.outpatient_units}
    # Forms are offered where the services would accept them (the services check again); a
    # posted form is shown with its errors even where it would not be offered any more.
    can_admit = bool(recording & ({u.pk for u in overview.wards} | outpatient))

    def offer(slug: str, offered: bool, item: int | None = None) -> CareForm | None:
        if bound is not None and bound.slug == slug and bound.item == item:
            return bound.form
        if not offered:
            return None
        return ACTIONS[slug].form(overview=overview, prefix=f"{slug}-{item}" if item else slug)

    def at_stay(stay: InpatientStay, *, or_outpatient: bool = False) -> bool:
        units = {stay.unit_id, stay.outpatient_unit_id} | (outpatient if or_outpatient else set())
        return bool(recording & units)

    decisions = [
        Row(
            d,
            {
                "reason": offer(
                    "obehovlig-omsorgskontakt",
                    not d.no_contact_reason and d.unit_id in deciding,
                    d.pk,
                )
            },
            tuple(vocabulary.swedish("service", service) for service in d.services),
        )
        for d in overview.decisions
    ]
    stays = [
        Row(
            s,
            {
                "notice": offer(
                    "inskrivningsmeddelande",
                    s.outpatient_unit_id is None and at_stay(s, or_outpatient=True),
                    s.pk,
                ),
                "ready": offer(
                    "utskrivningsklar",
                    s.ready_for_discharge is None and s.discharged is None and at_stay(s),
                    s.pk,
                ),
                "discharge": offer("utskrivning", s.discharged is None and at_stay(s), s.pk),
            },
        )
        for s in overview.stays
    ]
    sips = [
        Row(
            s,
            {
                "invitation": offer("kallelse", can_record, s.pk),
                "coordinator": offer("samordnare", can_record, s.pk),
            },
        )
        for s in overview.sips
    ]
    transfers = [
        (t, offer("samtycke", can_record and not t.consent, t.pk)) for t in overview.transfers
    ]
    plan = overview.plan
    plan_units = bool(overview.plan_units)
    context = {
        "person": overview.person,
        "overview": overview,
        "today": today,
        "findings": _findings_by_section(findings),
        "decisions": decisions,
        "stays": stays,
        "sips": sips,
        "transfers": transfers,
        "saved": saved,
        "forms": {
            "residence": offer("boende", bool(overview.residence_units)),
            "decision": offer("bistandsbeslut", bool(overview.deciding_units)),
            "plan": offer("genomforandeplan", plan is None and plan_units),
            "plan_update": offer(
                "uppdatering",
                plan is not None and plan.updated_by_contact is None and plan_units,
            ),
            "plan_revision": offer("revidering", plan is not None and plan_units),
            "admit": offer("inskrivning", can_admit),
            "sip": offer("sip", can_record),
            "transfer": offer("informationsoverforing", can_record),
        },
    }
    return render(request, "web/care/page.html", context)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_http_methods(["GET"])
@translate_domain_errors
def care(request: HttpRequest, person_pk: int) -> HttpResponse:
    overview = care_overview_get(actor=actor_of(request), person_pk=person_pk)
    return _render(request, overview)


def _record(request: HttpRequest, person_pk: int, slug: str, item: int | None) -> HttpResponse:
    action = ACTIONS.get(slug)
    if action is None or action.item != (item is not None):
        raise Http404
    actor = actor_of(request)
    # The overview reads the person (404 outside the relationship) and gives the choices the
    # posted form is checked against.
    overview = care_overview_get(actor=actor, person_pk=person_pk, what="care.form")
    form = action.form(request.POST, overview=overview, prefix=f"{slug}-{item}" if item else slug)
    if form.is_valid():
        try:
            action.save(actor, person_pk, item, form)
        except InvalidInput as invalid:
            form_errors_add(form, invalid)
        else:
            if _is_htmx(request):
                fresh = care_overview_get(actor=actor, person_pk=person_pk)
                return _render(request, fresh, saved=(action.section, action.done))
            messages.success(request, action.done)
            return redirect(reverse("web:care", args=[person_pk]) + f"#{action.section}")
    return _render(request, overview, bound=Bound(slug, item, form))


@require_http_methods(["POST"])
@translate_domain_errors
def care_record(request: HttpRequest, person_pk: int, slug: str) -> HttpResponse:
    return _record(request, person_pk, slug, None)


@require_http_methods(["POST"])
@translate_domain_errors
def care_item(request: HttpRequest, person_pk: int, slug: str, item_pk: int) -> HttpResponse:
    return _record(request, person_pk, slug, item_pk)


urlpatterns: list[URLPattern] = [
    path("<int:person_pk>/", care, name="care"),
    path("<int:person_pk>/<slug:slug>/", care_record, name="care_record"),
    path("<int:person_pk>/<slug:slug>/<int:item_pk>/", care_item, name="care_item"),
]

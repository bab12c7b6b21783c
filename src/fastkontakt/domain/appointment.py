"""The checks made when a fixed contact is appointed, and the ranking of the candidates.

An appointment must not create a finding that the rules engine would report. Two layers make
sure of it, both built on the rule packs' own definitions (``rules/lag.py``, ``rules/rutin.py``,
``rules/norrbotten.py``, ``rules/gavleborg.py``):

1. **Explicit checks** of the proposed contact, each with the rule id of ``spec/rules.md`` it
   would break and a message naming the staff member and the person's situation:
   ``contact-staff-at-unit``, ``contact-eligible`` (policies with the pack ``gavleborg``, fast
   vårdkontakt only), ``contact-vacancy`` (employment ended, or ending or a long absence due within
   the horizon), ``omsorgskontakt-profession``, ``lakarkontakt-profession``,
   ``lakarkontakt-listed-unit``, ``life-threatening-physician``, ``one-coordinator`` and
   ``coordinator-setting`` (pack ``norrbotten``).
2. **The engine itself**, run on the person as they are and as they would be after the
   appointment (the new contact added, the contact it replaces ended the day before it starts,
   the coordination it takes over removed from the old holder), on the day the appointment takes
   effect (``max(as_of, start)``). Any finding of a rule in :data:`BREAKABLE_AT_APPOINTMENT` that
   only the second run reports is a refusal, unless an explicit check already reported that rule.
   This is what catches a handover that leaves a home-care decision, a discharge or a request
   without its contact.

Rules that an appointment cannot break, or that every new appointment starts out owing
(``contact-informed``: the letter is sent after the appointment; ``continuity-share``: a new
fast omsorgskontakt has made no visits yet), are not checked here.

Contacts that come into the registry with a new person (the population import) are held to
the same two layers by :func:`import_problems`: each current or future contact gets the
explicit checks as if it were appointed now, against the person's other contacts, and the
engine runs on the person without and with those contacts. Contacts that ended before
``as_of`` are history: they were never appointed through the registry, so they are not checked.

A few problems are not rules of the catalogue but make a proposal meaningless; they have their
own ids: ``unknown-staff``, ``unknown-unit``, ``unknown-contact`` (the contact it replaces or
takes coordination from is not a current one of the right kind), ``coordinating-kind`` (only a
fast vårdkontakt carries coordination responsibility) and ``already-appointed`` (the staff member
already holds that kind of contact at that unit for the person).

Ranking (:func:`rank_candidates`) orders staff by fit and keeps the refused ones: they come last,
each with its problems, so that a manager sees why the person's former contact cannot be chosen
rather than wondering where they went. Staff who have left are offered only when they held a
contact with the person (then refused, with the reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from fastkontakt.domain.calendar import active_on, current
from fastkontakt.domain.model import Contact, ContactKind, Patient, Profession, Staff
from fastkontakt.domain.rules.engine import RULES, Directory, Finding, Policy, evaluate_patient
from fastkontakt.domain.rules.lag import (
    KIND_LABEL,
    REQUIRED_PROFESSION,
    has_required_profession,
    is_licensed_physician,
    works_at,
)
from fastkontakt.domain.rules.norrbotten import coordinator_setting_for
from fastkontakt.domain.rules.rutin import vacancy
from fastkontakt.domain.vocabulary import tensed

__all__ = [
    "BREAKABLE_AT_APPOINTMENT",
    "EXTRA_RULES",
    "AppointmentProblem",
    "Candidate",
    "ContactProblem",
    "Fit",
    "Proposal",
    "appointment_problems",
    "import_problems",
    "rank_candidates",
]

#: Rules of the catalogue an appointment (or the handover it is part of) can break.
BREAKABLE_AT_APPOINTMENT: frozenset[str] = frozenset(
    {
        "contact-on-request",
        "life-threatening-physician",
        "discharge-contact",
        "home-care-contact",
        "omsorgskontakt-profession",
        "lakarkontakt-profession",
        "lakarkontakt-listed-unit",
        "contact-staff-at-unit",
        "one-coordinator",
        "contact-vacancy",
        "coordinator-setting",
        "contact-eligible",
    }
)

#: Problems that are not rules of the catalogue, with what they rest on.
EXTRA_RULES: dict[str, str] = {
    "unknown-staff": "registret: medarbetaren ska finnas i registret",
    "unknown-unit": "registret: enheten ska finnas i registret",
    "unknown-contact": "registret: uppdraget som ersätts ska vara personens och gälla nu",
    "coordinating-kind": "samordningsansvar bärs av en fast vårdkontakt (Region Norrbottens "
    "anvisning om fast vårdkontakt)",
    "already-appointed": "registret: en medarbetare har ett uppdrag av varje slag per enhet "
    "och person",
}

PROFESSION_LABEL: dict[str, str] = {
    "lakare": "läkare",
    "sjukskoterska": "sjuksköterska",
    "specialistsjukskoterska": "specialistsjuksköterska",
    "barnmorska": "barnmorska",
    "fysioterapeut": "fysioterapeut",
    "arbetsterapeut": "arbetsterapeut",
    "dietist": "dietist",
    "logoped": "logoped",
    "kurator": "kurator",
    "psykolog": "psykolog",
    "underskoterska": "undersköterska",
    "vardbitrade": "vårdbiträde",
    "skotare": "skötare",
    "socialsekreterare": "socialsekreterare",
    "administrator": "administratör",
}

#: What each need calls for (domain.md, seed 001), in the order reasons name them.
LIFE_THREATENING = "livshotande tillstånd"
NEED_CALLS_FOR: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("instabilt_sjukdomsforlopp", "instabilt sjukdomsförlopp", frozenset({"lakare"})),
    ("stort_omvardnadsbehov", "stort omvårdnadsbehov", frozenset({"specialistsjukskoterska"})),
    (
        "stora_rehabiliteringsbehov",
        "stora rehabiliteringsbehov",
        frozenset({"fysioterapeut", "arbetsterapeut"}),
    ),
    ("samordningsbehov", "samordningsbehov", frozenset({"administrator"})),
)
#: Kinds whose holder is chosen by the person's needs; the others have a fixed profession or
#: none.
NEEDS_DRIVEN_KINDS: frozenset[str] = frozenset({"fast_vardkontakt", "behandlande_roll"})

_PROPOSED_ID = "(föreslagen)"
_PROFESSION_RULE = {
    "fast_omsorgskontakt": "omsorgskontakt-profession",
    "fast_lakarkontakt": "lakarkontakt-profession",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """An appointment as the form proposes it."""

    kind: ContactKind
    staff: str
    unit: str
    start: date
    coordinating: bool = False
    replaces: str | None = None
    """Id of the person's current contact of the same kind that this one succeeds (a handover);
    it is taken to end the day before ``start``."""
    takes_over_coordination_from: str | None = None
    """Id of the current coordinating fast vårdkontakt whose coordination responsibility moves
    to this one (it stays a fast vårdkontakt, without coordination)."""


@dataclass(frozen=True, slots=True)
class AppointmentProblem:
    """Why a proposal is refused: the rule it would break, in Swedish, and the rule's source."""

    rule: str
    message: str
    source: str


@dataclass(frozen=True, slots=True)
class ContactProblem:
    """A problem of a person's contacts as imported, with the contact it concerns."""

    contact: str | None
    """Id of the contact; None when the finding is about the person as a whole."""
    problem: AppointmentProblem


@dataclass(frozen=True, slots=True)
class Fit:
    """The parts of a candidate's ranking, best first in this order."""

    works_at_unit: bool
    eligible: bool | None
    """Registered as selectable; None for kinds without such a register (only fast
    vårdkontakt has one)."""
    answers: tuple[str, ...]
    """The person's needs (Swedish) that the candidate's profession answers."""
    earlier_contact: bool
    """Held a fixed contact of the person before (or now), or made visits to them."""
    visits: int
    caseload: int
    """People the candidate is a contact for now."""


@dataclass(frozen=True, slots=True)
class Candidate:
    staff: str
    name: str
    profession: Profession
    fit: Fit
    problems: tuple[AppointmentProblem, ...]
    reason: str

    @property
    def refused(self) -> bool:
        return bool(self.problems)


# --- the checks ------------------------------------------------------------------------------


def appointment_problems(
    patient: Patient, proposal: Proposal, directory: Directory, *, as_of: date, policy: Policy
) -> list[AppointmentProblem]:
    """Every reason to refuse ``proposal`` for ``patient``; empty when it may be saved."""
    return _Checker(patient, directory, as_of=as_of, policy=policy).problems(proposal)


def import_problems(
    patient: Patient, directory: Directory, *, as_of: date, policy: Policy
) -> list[ContactProblem]:
    """Every reason to refuse bringing ``patient`` into the registry with the contacts they have.

    Each contact current on ``as_of`` or starting later is checked as an appointment of it
    would be (the explicit checks, against the person's other contacts, on the day it takes
    effect); then every finding of a rule in :data:`BREAKABLE_AT_APPOINTMENT` that the engine
    reports for the person with those contacts and not without them is a problem too, unless
    an explicit check already reported that rule for that contact (or found that the contact
    names staff or a unit that does not exist). Empty when they may come in.
    """
    checked = [
        i for i, contact in enumerate(patient.contacts) if current(contact.end, as_of)
    ]
    found: list[ContactProblem] = []
    unchecked: set[str] = set()  # contacts naming staff or units that do not exist
    for i in checked:
        contact = patient.contacts[i]
        others = patient.contacts[:i] + patient.contacts[i + 1 :]
        checker = _Checker(
            replace(patient, contacts=others), directory, as_of=as_of, policy=policy
        )
        problems, on = checker.explicit(
            Proposal(
                kind=contact.kind,
                staff=contact.staff,
                unit=contact.unit,
                start=contact.start,
                coordinating=contact.coordinating,
            )
        )
        found.extend(ContactProblem(contact.id, problem) for problem in problems)
        if on is None:
            unchecked.add(contact.id)
    checked_set = set(checked)
    history = tuple(c for i, c in enumerate(patient.contacts) if i not in checked_set)

    def breakable(person: Patient) -> list[Finding]:
        return [
            f
            for f in evaluate_patient(person, directory, as_of=as_of, policy=policy)
            if f.rule in BREAKABLE_AT_APPOINTMENT
        ]

    before = {_key(f) for f in breakable(replace(patient, contacts=history))}
    for finding in breakable(patient):
        if _key(finding) in before or finding.contact in unchecked or any(
            known.problem.rule == finding.rule
            and (finding.contact is None or known.contact == finding.contact)
            for known in found
        ):
            continue
        problem = AppointmentProblem(finding.rule, finding.message, RULES[finding.rule].source)
        found.append(ContactProblem(finding.contact, problem))
    return found


class _Checker:
    """The checks for one person; the engine's run on the person as they are is shared."""

    def __init__(
        self, patient: Patient, directory: Directory, *, as_of: date, policy: Policy
    ) -> None:
        self.patient = patient
        self.directory = directory
        self.as_of = as_of
        self.policy = policy
        self.rule_ids = frozenset(rule.id for rule in policy.rules)
        self._before: dict[date, set[tuple[str, str | None, date | None]]] = {}

    def problems(self, proposal: Proposal) -> list[AppointmentProblem]:
        found, on = self.explicit(proposal)
        if on is None:
            return found
        add = _Collector(found, self.rule_ids)
        for finding in self._new_findings(proposal, on):
            if not any(problem.rule == finding.rule for problem in found):
                add(finding.rule, f"Efter utnämningen: {finding.message}")
        return found

    def explicit(self, proposal: Proposal) -> tuple[list[AppointmentProblem], date | None]:
        """The explicit checks (layer 1) and the day they were made on; no day when the
        proposal names what does not exist, and the engine has nothing to run on."""
        found: list[AppointmentProblem] = []
        add = _Collector(found, self.rule_ids)
        staff = self.directory.staff.get(proposal.staff)
        unit = self.directory.units.get(proposal.unit)
        if staff is None:
            add("unknown-staff", f"Medarbetaren {proposal.staff} finns inte i registret.")
        if unit is None:
            add("unknown-unit", f"Enheten {proposal.unit} finns inte i registret.")
        self._check_references(proposal, add)
        if found or staff is None or unit is None:
            return found, None

        on = max(self.as_of, proposal.start)
        label = KIND_LABEL[proposal.kind]
        name = staff.name
        if proposal.coordinating and proposal.kind != "fast_vardkontakt":
            add("coordinating-kind", "Endast en fast vårdkontakt kan ha samordningsansvar, "
                f"inte en {label}.")
        if not works_at(staff, proposal.unit):
            add("contact-staff-at-unit", f"{name} arbetar inte vid {unit.name} och kan inte "
                f"utses till {label} där.")
        if proposal.kind == "fast_vardkontakt" and not staff.eligible:
            add("contact-eligible", f"{name} är inte registrerad som valbar fast vårdkontakt.")
        self._check_vacancy(proposal, staff, on, add)
        self._check_profession(proposal, staff, on, add)
        self._check_coordination(proposal, unit.name, unit.type, on, add)
        if any(
            c.kind == proposal.kind
            and c.staff == proposal.staff
            and c.unit == proposal.unit
            and c.id != proposal.replaces
            and current(c.end, on)
            for c in self.patient.contacts
        ):
            add("already-appointed", f"{name} är redan {label} för {self.patient.name} vid "
                f"{unit.name}.")
        return found, on

    # Each check below mirrors one rule of the packs through the packs' own predicates.

    def _check_references(self, proposal: Proposal, add: _Collector) -> None:
        current_ids = {c.id: c for c in self.patient.contacts if current(c.end, self.as_of)}
        replaced = current_ids.get(proposal.replaces) if proposal.replaces else None
        if proposal.replaces is not None and (replaced is None or replaced.kind != proposal.kind):
            add("unknown-contact", f"{self.patient.name} har ingen gällande "
                f"{KIND_LABEL[proposal.kind]} {proposal.replaces} att ersätta.")
        source = proposal.takes_over_coordination_from
        if source is not None:
            held = current_ids.get(source)
            if held is None or held.kind != "fast_vardkontakt" or not held.coordinating:
                add("unknown-contact", f"{self.patient.name} har ingen gällande fast "
                    f"vårdkontakt med samordningsansvar {source} att ta över från.")

    def _check_vacancy(self, proposal: Proposal, staff: Staff, on: date, add: _Collector) -> None:
        found = vacancy(
            staff,
            proposal.start,
            None,
            as_of=on,
            long_absence_days=self.policy.parameters.long_absence_days,
        )
        horizon = on + timedelta(days=self.policy.parameters.horizon_days)
        if found is None or found.due > horizon:
            return
        label = KIND_LABEL[proposal.kind]
        if found.leaving and found.due < self.as_of:
            message = f"{staff.name} slutade {found.due.isoformat()} och kan inte utses."
        elif found.leaving and found.due < on:
            message = (f"{staff.name} slutar {found.due.isoformat()}, innan uppdraget börjar "
                       f"{proposal.start.isoformat()}, och kan inte utses.")
        elif found.leaving:
            message = (f"{staff.name} slutar {found.due.isoformat()}; uppdraget som {label} "
                       "skulle behöva lämnas över direkt. Utse en efterträdare i stället.")
        else:
            since = tensed(found.due, self.as_of + timedelta(days=1), past="sedan", present="från")
            message = (f"{staff.name} är borta en längre period {since} {found.due.isoformat()}; "
                       f"uppdraget som {label} skulle behöva lämnas över direkt.")
        add("contact-vacancy", message)

    def _check_profession(
        self, proposal: Proposal, staff: Staff, on: date, add: _Collector
    ) -> None:
        kind, name = proposal.kind, staff.name
        profession = PROFESSION_LABEL[staff.profession]
        if not has_required_profession(kind, staff):
            rule = _PROFESSION_RULE[kind]
            required = REQUIRED_PROFESSION[kind][1]
            add(rule, f"{name} är {profession}, inte {required}; endast en {required} kan vara "
                f"{KIND_LABEL[kind]}.")
        if kind == "fast_lakarkontakt" and proposal.unit != self.patient.listed_at:
            listed = self.patient.listed_at
            where = (
                "inte listad vid någon vårdcentral"
                if listed is None
                else f"listad vid {_unit_name(self.directory, listed)}"
            )
            add("lakarkontakt-listed-unit", f"{self.patient.name} är {where}; den fasta "
                "läkarkontakten ska vara läkare vid den vårdcentral där personen är listad.")
        since = self.patient.life_threatening_since
        if kind == "fast_vardkontakt" and since is not None and not is_licensed_physician(staff):
            # Refused only for what the change makes worse: a nurse beside (or before) the
            # physician leaves the finding as it was; a nurse replacing the only physician
            # brings it back.
            def physician_remains(excluded: str | None) -> bool:
                return any(
                    c.kind == "fast_vardkontakt"
                    and c.id != excluded
                    and active_on(c.start, c.end, on)
                    and is_licensed_physician(self.directory.staff.get(c.staff))
                    for c in self.patient.contacts
                )

            if physician_remains(None) and not physician_remains(proposal.replaces):
                what = "inte legitimerad" if staff.profession == "lakare" else profession
                add("life-threatening-physician", f"{name} är {what} och kan inte ersätta "
                    f"den legitimerade läkaren; {self.patient.name} har ett livshotande "
                    f"tillstånd sedan {since.isoformat()} och den fasta vårdkontakten ska då "
                    "vara en legitimerad läkare.")

    def _check_coordination(
        self, proposal: Proposal, unit_name: str, unit_type: str, on: date, add: _Collector
    ) -> None:
        if not (proposal.coordinating and proposal.kind == "fast_vardkontakt"):
            return
        others = [
            c
            for c in self.patient.contacts
            if c.id not in (proposal.replaces, proposal.takes_over_coordination_from)
            and c.kind == "fast_vardkontakt"
            and c.coordinating
            and current(c.end, on)
        ]
        if others:
            names = ", ".join(_staff_name(self.directory, c.staff) for c in others)
            add("one-coordinator", f"{self.patient.name} har redan en fast vårdkontakt med "
                f"samordningsansvar ({names}); den nya kan bara få samordningsansvaret genom "
                "att uttryckligen ta över det.")
        allowed, expected = coordinator_setting_for(self.patient)
        if unit_type not in allowed:
            add("coordinator-setting", f"Den samordnande fasta vårdkontakten för "
                f"{self.patient.name} ska komma från {expected}, inte från {unit_name}.")

    # The engine, before and after.

    def _new_findings(self, proposal: Proposal, on: date) -> list[Finding]:
        before = self._before.get(on)
        if before is None:
            before = {_key(f) for f in self._breakable(self.patient, on)}
            self._before[on] = before
        return [f for f in self._breakable(self._after(proposal), on) if _key(f) not in before]

    def _breakable(self, patient: Patient, on: date) -> list[Finding]:
        return [
            f
            for f in evaluate_patient(patient, self.directory, as_of=on, policy=self.policy)
            if f.rule in BREAKABLE_AT_APPOINTMENT
        ]

    def _after(self, proposal: Proposal) -> Patient:
        """The person as the appointment would leave them."""
        contacts: list[Contact] = []
        for contact in self.patient.contacts:
            if contact.id == proposal.replaces:
                ended = proposal.start - timedelta(days=1)
                if ended < contact.start:
                    continue
                contact = replace(contact, end=ended if contact.end is None else min(
                    contact.end, ended))
            if contact.id == proposal.takes_over_coordination_from:
                contact = replace(contact, coordinating=False)
            contacts.append(contact)
        taken = {c.id for c in self.patient.contacts}
        new_id = _PROPOSED_ID
        while new_id in taken:
            new_id += "'"
        contacts.append(
            Contact(
                id=new_id,
                kind=proposal.kind,
                staff=proposal.staff,
                unit=proposal.unit,
                start=proposal.start,
                coordinating=proposal.coordinating,
            )
        )
        return replace(self.patient, contacts=tuple(contacts))


class _Collector:
    """Adds a problem for a catalogue rule only when the policy has that rule."""

    def __init__(self, found: list[AppointmentProblem], rule_ids: frozenset[str]) -> None:
        self.found = found
        self.rule_ids = rule_ids

    def __call__(self, rule_id: str, message: str) -> None:
        if rule_id in EXTRA_RULES:
            self.found.append(AppointmentProblem(rule_id, message, EXTRA_RULES[rule_id]))
        elif rule_id in self.rule_ids:
            self.found.append(AppointmentProblem(rule_id, message, RULES[rule_id].source))


def _key(finding: Finding) -> tuple[str, str | None, date | None]:
    # The proposed contact's findings are new by their id; patient-level ones by rule and due.
    return (finding.rule, finding.contact, finding.due)


def _staff_name(directory: Directory, staff_id: str) -> str:
    staff = directory.staff.get(staff_id)
    return staff.name if staff is not None else staff_id


def _unit_name(directory: Directory, unit_id: str) -> str:
    unit = directory.units.get(unit_id)
    return unit.name if unit is not None else unit_id


# --- ranking ---------------------------------------------------------------------------------


def rank_candidates(
    patient: Patient,
    kind: ContactKind,
    unit_id: str,
    directory: Directory,
    caseloads: Mapping[str, int],
    *,
    as_of: date,
    policy: Policy,
    start: date | None = None,
    coordinating: bool = False,
    replaces: str | None = None,
    takes_over_coordination_from: str | None = None,
) -> list[Candidate]:
    """Staff who could be appointed, best fit first; refused ones last, with their problems.

    The pool is the current staff of ``unit_id`` and everyone who has held a contact of the
    person. Fit, in order of weight: works at the unit, selectable (fast vårdkontakt), how many
    of the person's needs the profession answers, earlier contact with the person (then the
    number of visits), and the current caseload (``caseloads``: staff id to number of people,
    lower first). Ties go by name, then id, so the order is stable.
    """
    day = start if start is not None else as_of
    checker = _Checker(patient, directory, as_of=as_of, policy=policy)
    earlier = {c.staff for c in patient.contacts}
    visits: dict[str, int] = {}
    for visit in patient.visits:
        visits[visit.staff] = visits.get(visit.staff, 0) + 1
    pool = [
        s
        for s in directory.staff.values()
        if s.id in earlier
        or (works_at(s, unit_id) and (s.employment_end is None or s.employment_end >= as_of))
    ]
    candidates: list[Candidate] = []
    for staff in pool:
        proposal = Proposal(
            kind=kind,
            staff=staff.id,
            unit=unit_id,
            start=day,
            coordinating=coordinating,
            replaces=replaces,
            takes_over_coordination_from=takes_over_coordination_from,
        )
        fit = Fit(
            works_at_unit=works_at(staff, unit_id),
            eligible=staff.eligible if kind == "fast_vardkontakt" else None,
            answers=_answers(patient, kind, staff),
            earlier_contact=staff.id in earlier or staff.id in visits,
            visits=visits.get(staff.id, 0),
            caseload=caseloads.get(staff.id, 0),
        )
        problems = tuple(checker.problems(proposal))
        candidates.append(
            Candidate(
                staff=staff.id,
                name=staff.name,
                profession=staff.profession,
                fit=fit,
                problems=problems,
                reason=_reason(staff, fit, problems),
            )
        )
    candidates.sort(key=_rank)
    return candidates


def _answers(patient: Patient, kind: str, staff: Staff) -> tuple[str, ...]:
    if kind not in NEEDS_DRIVEN_KINDS:
        return ()
    answered: list[str] = []
    if patient.life_threatening_since is not None and is_licensed_physician(staff):
        answered.append(LIFE_THREATENING)
    answered.extend(
        label
        for need, label, professions in NEED_CALLS_FOR
        if need in patient.needs and staff.profession in professions
    )
    return tuple(answered)


def _rank(candidate: Candidate) -> tuple[bool, bool, bool, int, bool, int, int, str, str]:
    fit = candidate.fit
    return (
        candidate.refused,
        not fit.works_at_unit,
        fit.eligible is False,
        -len(fit.answers),
        not fit.earlier_contact,
        -fit.visits,
        fit.caseload,
        candidate.name,
        candidate.staff,
    )


def _reason(staff: Staff, fit: Fit, problems: Iterable[AppointmentProblem]) -> str:
    parts = ["Arbetar på enheten" if fit.works_at_unit else "Arbetar inte på enheten"]
    if fit.eligible is not None:
        parts.append("valbar" if fit.eligible else "inte valbar")
    profession = PROFESSION_LABEL[staff.profession]
    if LIFE_THREATENING in fit.answers:
        profession = "legitimerad " + profession
    if fit.answers:
        profession += " för " + _joined(fit.answers)
    parts.append(profession)
    if fit.earlier_contact:
        parts.append(
            "tidigare kontakt" if not fit.visits else f"tidigare kontakt ({fit.visits} besök)"
        )
    parts.append("1 person" if fit.caseload == 1 else f"{fit.caseload} personer")
    text = ", ".join(parts)
    refusals = [p.message for p in problems]
    if refusals:
        text += ". Kan inte utses: " + " ".join(refusals)
    return text


def _joined(items: tuple[str, ...]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " och " + items[-1]

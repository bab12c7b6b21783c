"""Evaluate the rule catalogue of ``spec/rules.md`` for people on a given day under a policy.

The engine never reads a clock and never touches a database: ``as_of`` is a parameter and the
data arrives as frozen snapshots. Findings come out sorted by patient, rule, due (nulls first),
contact; :func:`evaluate` streams them patient by patient so memory does not grow with the
population when the patients are streamed in id order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from fastkontakt.domain.calendar import age_on
from fastkontakt.domain.identifiers import birth_date_of
from fastkontakt.domain.model import Patient, Staff, Unit
from fastkontakt.domain.rules import gavleborg, lag, norrbotten, rutin
from fastkontakt.domain.rules.base import Context, Parameters, Rule

__all__ = ["POLICIES", "RULES", "Directory", "Finding", "Parameters", "Policy", "evaluate",
           "evaluate_patient", "policy_named"]

PACKS: dict[str, tuple[Rule, ...]] = {
    "lag": lag.RULES,
    "rutin": rutin.RULES,
    "norrbotten": norrbotten.RULES,
    "gavleborg": gavleborg.RULES,
}
RULES: dict[str, Rule] = {rule.id: rule for pack in PACKS.values() for rule in pack}


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    packs: tuple[str, ...]
    parameters: Parameters = Parameters()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return _rules_of(self.packs)


@cache
def _rules_of(packs: tuple[str, ...]) -> tuple[Rule, ...]:
    # Asked once per person evaluated: a region's refresh asks millions of times.
    return tuple(rule for pack in packs for rule in PACKS[pack])


POLICIES: dict[str, Policy] = {
    "national": Policy("national", ("lag", "rutin")),
    "norrbotten": Policy("norrbotten", ("lag", "rutin", "norrbotten")),
    "gavleborg": Policy("gavleborg", ("lag", "rutin", "gavleborg")),
}


def policy_named(name: str) -> Policy:
    """The policy called ``name``; raises ``KeyError`` for an unknown name."""
    return POLICIES[name]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    patient: str
    contact: str | None
    due: date | None
    overdue: bool
    message: str
    source: str

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "patient": self.patient,
            "contact": self.contact,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Directory:
    """The units and staff the patients' data refers to, by id."""

    units: Mapping[str, Unit]
    staff: Mapping[str, Staff]

    @classmethod
    def of(cls, units: Iterable[Unit], staff: Iterable[Staff]) -> Directory:
        return cls({u.id: u for u in units}, {s.id: s for s in staff})


def _sort_key(finding: Finding) -> tuple[str, date, str]:
    # Nulls first: date.min stands in for a null due, "" for a null contact.
    return (finding.rule, finding.due or date.min, finding.contact or "")


def evaluate_patient(
    patient: Patient, directory: Directory, *, as_of: date, policy: Policy
) -> list[Finding]:
    """Every finding for one patient, sorted by rule, due (nulls first), contact."""
    context = Context(
        as_of=as_of,
        parameters=policy.parameters,
        units=directory.units,
        staff=directory.staff,
        age=age_on(birth_date_of(patient.id), as_of),
    )
    horizon = as_of + timedelta(days=policy.parameters.horizon_days)
    findings = [
        Finding(
            rule=rule.id,
            patient=patient.id,
            contact=hit.contact,
            due=hit.due,
            overdue=hit.due is not None and hit.due < as_of,
            message=hit.message,
            source=rule.source,
        )
        for rule in policy.rules
        for hit in rule.check(patient, context)
        if hit.due is None or hit.due <= horizon
    ]
    findings.sort(key=_sort_key)
    return findings


def evaluate(
    patients: Iterable[Patient], directory: Directory, *, as_of: date, policy: Policy
) -> Iterator[Finding]:
    """Findings for many patients, in the order the patients come (sort them by id first)."""
    for patient in patients:
        yield from evaluate_patient(patient, directory, as_of=as_of, policy=policy)

"""Planning data of the home-care units, the plans made from it, and the re-planning jobs.

What the planner needs beside the registry: where each staff member starts the day, their
shifts with breaks, their competences and delegations, each customer's coordinates and the
visits granted by the home-care decision (``VisitDemand``). Whole-day absences are the
registry's ``Absence``; the domain planner has no part-day absence, so neither has this app.

A stored plan (``PlanRun``) keeps the instance it was made for as a
``fastkontakt-planning-instance/1`` document beside its rows: the domain planner's re-planning
compares the old instance with the new one day by day, and the checker verifies a plan against
exactly what it was planned for, not against whatever the tables say today. Its visits, breaks
and continuity figures are rows, so pages can ask for one day or one customer.

Times of day are whole minutes after midnight (``450`` = 07:30), as in the domain.

Every foreign key to the registry cascades: ``seed-demo --replace`` clears the registry
wholesale, and planning data of a unit, person or staff member that is gone means nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fastkontakt.domain.model import VISIT_KINDS
from fastkontakt.domain.planning.model import WEEKDAYS
from fastkontakt.registry.models import (
    VISIT_KIND_CHOICES,
    Absence,
    HomeCareDecision,
    Person,
    Staff,
    Unit,
)

MINUTES_PER_DAY = 24 * 60

#: What a visit can require of every staff member on it.
COMPETENCE_CHOICES = [
    ("underskoterska", _("Undersköterskekompetens")),
    ("lyft", _("Förflyttning med lift")),
]
#: Delegated medical tasks (delegering): one staff member on the visit must hold them.
DELEGATION_CHOICES = [
    ("lakemedel", _("Läkemedelsöverlämning")),
    ("insulin", _("Insulingivning")),
    ("sarvard", _("Enklare sårvård")),
]
COMPETENCES = frozenset(code for code, _label in COMPETENCE_CHOICES)
DELEGATIONS = frozenset(code for code, _label in DELEGATION_CHOICES)
WEEKDAY_LABELS = {
    "mon": "mån",
    "tue": "tis",
    "wed": "ons",
    "thu": "tors",
    "fri": "fre",
    "sat": "lör",
    "sun": "sön",
}
assert tuple(WEEKDAY_LABELS) == WEEKDAYS  # noqa: S101 - the labels follow the domain's order
assert set(VISIT_KINDS) == {kind for kind, _label in VISIT_KIND_CHOICES}  # noqa: S101


def _minutes(field: str) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": MINUTES_PER_DAY})


def _coordinates(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(lat__gte=-90, lat__lte=90) & Q(lon__gte=-180, lon__lte=180),
            name=f"{prefix}_coordinates_in_range",
        )
    ]


class TravelSpeed(models.Model):
    """A unit's travel-time model (``domain.planning.SpeedModel``); without a row the defaults.

    Rural areas drive faster on straighter roads than a town centre; the figures are the
    documented model's three parameters (``docs/planning-formats.md``).
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="travel_speed", verbose_name=_("enhet")
    )
    kmh = models.FloatField(_("km/h dörr till dörr"), default=30.0)
    detour = models.FloatField(_("omvägsfaktor"), default=1.35)
    stop_minutes = models.PositiveSmallIntegerField(_("minuter att parkera och gå in"), default=2)

    class Meta:
        verbose_name = _("restidsmodell")
        verbose_name_plural = _("restidsmodeller")
        constraints = [
            models.CheckConstraint(
                condition=Q(kmh__gte=1, kmh__lte=200)
                & Q(detour__gte=1, detour__lte=5)
                & Q(stop_minutes__lte=120),
                name="travelspeed_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kmh} km/h"


class StartLocation(models.Model):
    """Where staff start and end their working day: usually the group's office."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="start_locations", verbose_name=_("enhet")
    )
    name = models.CharField(_("namn"), max_length=200)
    lat = models.FloatField(_("latitud"))
    lon = models.FloatField(_("longitud"))

    class Meta:
        verbose_name = _("startplats")
        verbose_name_plural = _("startplatser")
        constraints = _coordinates("startlocation")

    def __str__(self) -> str:
        return self.name


class PlanningStaff(models.Model):
    """A staff member who makes the unit's visits, and where their day starts."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="planning_staff", verbose_name=_("enhet")
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="planning", verbose_name=_("medarbetare")
    )
    start_location = models.ForeignKey(
        StartLocation,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("startplats"),
    )

    class Meta:
        verbose_name = _("planerad medarbetare")
        verbose_name_plural = _("planerade medarbetare")
        constraints = [
            models.UniqueConstraint(fields=["unit", "staff"], name="planningstaff_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.unit_id}"


class Qualification(models.Model):
    """A competence or a delegation of a staff member, valid for a period.

    Delegations of medical tasks are time-limited (usually at most a year); a plan only relies
    on a qualification that holds on every day of its horizon.
    """

    class Kind(models.TextChoices):
        COMPETENCE = "competence", _("kompetens")
        DELEGATION = "delegation", _("delegering")

    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("medarbetare"),
    )
    kind = models.CharField(_("slag"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("kod"), max_length=32, choices=[*COMPETENCE_CHOICES, *DELEGATION_CHOICES]
    )
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)

    class Meta:
        verbose_name = _("kompetens eller delegering")
        verbose_name_plural = _("kompetenser och delegeringar")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="competence") & Q(code__in=sorted(COMPETENCES)))
                | (Q(kind="delegation") & Q(code__in=sorted(DELEGATIONS))),
                name="qualification_code_of_its_kind",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="qualification_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Shift(models.Model):
    """A working shift of one day at one unit; it never crosses midnight."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("enhet")
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("medarbetare")
    )
    date = models.DateField(_("datum"))
    start = models.PositiveSmallIntegerField(_("börjar (minuter efter midnatt)"))
    end = models.PositiveSmallIntegerField(_("slutar (minuter efter midnatt)"))

    class Meta:
        verbose_name = _("arbetspass")
        verbose_name_plural = _("arbetspass")
        constraints = [
            models.CheckConstraint(
                condition=_minutes("start") & _minutes("end") & Q(end__gt=F("start")),
                name="shift_within_one_day",
            ),
            models.UniqueConstraint(fields=["staff", "date", "start"], name="shift_unique_start"),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="shift_unit_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.start}-{self.end}"


class ShiftBreak(models.Model):
    """A break of ``minutes`` that must start between ``earliest`` and ``latest``."""

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("arbetspass")
    )
    earliest = models.PositiveSmallIntegerField(_("tidigast"))
    latest = models.PositiveSmallIntegerField(_("senast"))
    minutes = models.PositiveSmallIntegerField(_("minuter"))

    class Meta:
        verbose_name = _("rast")
        verbose_name_plural = _("raster")
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__gte=F("earliest"))
                & Q(minutes__gte=1)
                & _minutes("earliest")
                & _minutes("latest"),
                name="shiftbreak_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min"


class CustomerLocation(models.Model):
    """Where a home-care customer lives, as coordinates (WGS 84); person data."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="location", verbose_name=_("person")
    )
    lat = models.FloatField(_("latitud"))
    lon = models.FloatField(_("longitud"))

    class Meta:
        verbose_name = _("kundens position")
        verbose_name_plural = _("kunders positioner")
        constraints = _coordinates("customerlocation")

    def __str__(self) -> str:
        return f"{self.lat:.4f}, {self.lon:.4f}"


class VisitDemand(models.Model):
    """A visit the decision grants, recurring on some weekdays, starting within a window.

    ``weekdays`` lists ``mon`` ... ``sun`` in week order: all seven for a daily visit, one for a
    weekly one. ``staff_count`` 2 is double staffing; every staff member needs the
    ``competences`` and one of them the ``delegations``.
    """

    decision = models.ForeignKey(
        HomeCareDecision,
        on_delete=models.CASCADE,
        related_name="visit_demands",
        verbose_name=_("biståndsbeslut"),
    )
    code = models.SlugField(_("kod"), max_length=32)
    label = models.CharField(_("benämning"), max_length=100)
    kind = models.CharField(_("typ"), max_length=32, choices=VISIT_KIND_CHOICES)
    weekdays = models.JSONField(_("veckodagar"))
    earliest = models.PositiveSmallIntegerField(_("tidigast start"))
    latest = models.PositiveSmallIntegerField(_("senast start"))
    duration = models.PositiveSmallIntegerField(_("minuter"))
    staff_count = models.PositiveSmallIntegerField(_("antal personal"), default=1)
    competences = models.JSONField(_("kompetenser"), default=list, blank=True)
    delegations = models.JSONField(_("delegeringar"), default=list, blank=True)

    class Meta:
        verbose_name = _("besöksbehov")
        verbose_name_plural = _("besöksbehov")
        constraints = [
            models.UniqueConstraint(fields=["decision", "code"], name="visitdemand_unique_code"),
            models.CheckConstraint(
                condition=Q(latest__gte=F("earliest"))
                & Q(duration__gte=1)
                & Q(staff_count__in=[1, 2])
                & Q(latest__lte=MINUTES_PER_DAY - F("duration")),
                name="visitdemand_window_within_the_day",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class PlanRun(models.Model):
    """One plan of a unit's visits over a horizon, as the planner made it.

    At most one run per unit is ``current``; re-planning supersedes it and points back to it.
    """

    class Status(models.TextChoices):
        CURRENT = "current", _("gällande")
        SUPERSEDED = "superseded", _("ersatt")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="plan_runs", verbose_name=_("enhet")
    )
    start = models.DateField(_("första dag"))
    days = models.PositiveSmallIntegerField(_("antal dagar"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("planerad om från"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.CharField(_("skapad av"), max_length=150)
    instance = models.JSONField(_("planeringsunderlag"))
    # The objective's terms as the plan stands (domain.planning.objective_terms).
    objective = models.BigIntegerField(_("målfunktion"))
    travel_minutes = models.PositiveIntegerField(_("restid (minuter)"))
    visits_not_by_contact = models.PositiveIntegerField(_("besök utan fast omsorgskontakt"))
    new_distinct_staff = models.PositiveIntegerField(_("extra personal per kund"))
    changed_visits = models.PositiveIntegerField(_("ändrade besök"))
    planned_visits = models.PositiveIntegerField(_("planerade besök"))
    unplanned_visits = models.PositiveIntegerField(_("ej planerade besök"))
    seconds = models.FloatField(_("sekunder"))
    # Continuity over the indicator's customers (domain.continuity.continuity_report).
    median_distinct_staff = models.FloatField(_("median antal personal"), null=True)
    median_lower_bound = models.FloatField(_("median undre gräns"), null=True)
    contact_share = models.FloatField(_("andel av möjliga besök av fast omsorgskontakt"), null=True)
    stats = models.JSONField(_("planerarens siffror"), default=dict)

    class Meta:
        verbose_name = _("besöksplan")
        verbose_name_plural = _("besöksplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="current"), name="planrun_one_current_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} +{self.days}"

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


class PlannedVisit(models.Model):
    """One visit of a run: who makes it and when, or (``start`` empty) left unplanned."""

    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="visits", verbose_name=_("plan")
    )
    demand = models.ForeignKey(
        VisitDemand, on_delete=models.CASCADE, related_name="+", verbose_name=_("besöksbehov")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    day = models.DateField(_("datum"))
    start = models.PositiveSmallIntegerField(_("start"), null=True, blank=True)
    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbetare"),
    )
    partner = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("andra medarbetare (dubbelbemanning)"),
    )
    #: Why an unplanned visit could not be planned and what would make room for it
    #: (``domain.planning.explain.Explanation.as_json``); empty for a planned visit.
    explanation = models.JSONField(_("varför ej planerat"), null=True, blank=True)

    class Meta:
        verbose_name = _("planerat besök")
        verbose_name_plural = _("planerade besök")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "demand", "day"], name="plannedvisit_once_per_run"
            ),
            models.CheckConstraint(
                condition=(Q(start__isnull=True) & Q(staff__isnull=True) & Q(partner__isnull=True))
                | (Q(start__isnull=False) & Q(staff__isnull=False)),
                name="plannedvisit_planned_or_not",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "day"], name="plannedvisit_run_day"),
            models.Index(fields=["run", "person"], name="plannedvisit_run_person"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start}"


class PlanAdjustment(models.Model):
    """A coordinator's change of one visit of a plan: who, when, from what to what.

    The plan's rows hold the visit as it is now; these rows keep every change, in order.
    """

    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("plan")
    )
    visit = models.ForeignKey(
        PlannedVisit, on_delete=models.CASCADE, related_name="adjustments",
        verbose_name=_("besök"),
    )
    made_at = models.DateTimeField(_("ändrad"), auto_now_add=True)
    made_by = models.CharField(_("ändrad av"), max_length=150)
    from_start = models.PositiveSmallIntegerField(_("start före"), null=True, blank=True)
    from_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("medarbetare före"),
    )
    from_partner = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("andra medarbetare före"),
    )
    to_start = models.PositiveSmallIntegerField(_("start efter"))
    to_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("medarbetare efter")
    )
    to_partner = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("andra medarbetare efter"),
    )
    travel_before = models.PositiveIntegerField(_("planens restid före (minuter)"))
    travel_after = models.PositiveIntegerField(_("planens restid efter (minuter)"))

    class Meta:
        verbose_name = _("ändring av besöksplan")
        verbose_name_plural = _("ändringar av besöksplaner")
        ordering = ("made_at", "pk")

    def __str__(self) -> str:
        return f"{self.made_at:%Y-%m-%d %H:%M} {self.made_by}"


class PlannedBreak(models.Model):
    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("plan")
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="+", verbose_name=_("medarbetare")
    )
    day = models.DateField(_("datum"))
    start = models.PositiveSmallIntegerField(_("start"))
    minutes = models.PositiveSmallIntegerField(_("minuter"))

    class Meta:
        verbose_name = _("planerad rast")
        verbose_name_plural = _("planerade raster")
        indexes = [models.Index(fields=["run", "day"], name="plannedbreak_run_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.start}"


class CustomerContinuity(models.Model):
    """A customer's continuity in a run, by the national indicator (``domain.continuity``)."""

    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="continuity", verbose_name=_("plan")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    included = models.BooleanField(_("ingår i indikatorn"))
    visits = models.PositiveIntegerField(_("räknade besök"))
    distinct_staff = models.PositiveIntegerField(_("antal olika personal"))
    lower_bound = models.PositiveIntegerField(_("undre gräns"))
    visits_by_contact = models.PositiveIntegerField(_("besök av fast omsorgskontakt"))
    contact_possible = models.PositiveIntegerField(_("besök som kontakten kunde göra"))

    class Meta:
        verbose_name = _("kontinuitet")
        verbose_name_plural = _("kontinuitet")
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="continuity_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.distinct_staff}"


class PlanJob(models.Model):
    """A (re-)planning of a unit, run in the background; see ``planning.jobs``.

    At most one job per unit is queued or running. ``heartbeat_at`` moves while the job runs;
    a job whose heartbeat (or, if never started, whose creation) is older than
    ``STALE_AFTER`` was left behind by a process that died, and no longer blocks a new one.
    """

    STALE_AFTER = timedelta(minutes=2)

    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("planerar")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="plan_jobs", verbose_name=_("enhet")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    message = models.CharField(_("meddelande"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    # The name stays when the account goes (the run records who asked for it).
    created_by_name = models.CharField(_("beställd av (namn)"), max_length=150)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("senaste livstecken"), null=True, blank=True)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    time_limit = models.FloatField(_("tidsgräns (sekunder)"))
    absence = models.ForeignKey(
        Absence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frånvaro som utlöste omplaneringen"),
    )
    base_run = models.ForeignKey(
        PlanRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planeras om från"),
    )
    result_run = models.ForeignKey(
        PlanRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ny plan"),
    )

    class Meta:
        verbose_name = _("omplanering")
        verbose_name_plural = _("omplaneringar")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status__in=["queued", "running"]),
                name="planjob_one_active_per_unit",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="planjob_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.progress} %"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    def stale(self, now: datetime) -> bool:
        """Queued or running, but no sign of life for ``STALE_AFTER``: its process is gone."""
        last = self.heartbeat_at or self.created_at
        return self.active and last < now - self.STALE_AFTER

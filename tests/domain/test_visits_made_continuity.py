"""The national continuity indicator over visits made (``domain.continuity``), by hand."""

from __future__ import annotations

from datetime import date, timedelta

from fastkontakt.domain.continuity import MadeCustomer, StaffedVisit, visits_made_continuity

START = date(2026, 11, 2)


def v(customer: str, day: int, hhmm: str, staff: str, kind: str = "omsorg") -> StaffedVisit:
    hours, minutes = hhmm.split(":")
    return StaffedVisit(
        customer, START + timedelta(days=day), int(hours) * 60 + int(minutes), kind, (staff,)
    )


def test_the_indicator_counts_kinds_and_hours_and_only_customers_with_two_visits_every_day(
) -> None:
    # given: three days; Karin two visits every day (plus a larm, a 06:30 and a 22:00 visit
    # that do not count), Greta one day with a single visit, Olle too young
    customers = [
        MadeCustomer("karin", date(1936, 1, 1), "anna"),
        MadeCustomer("greta", date(1942, 2, 2)),
        MadeCustomer("olle", date(1962, 5, 5), "bo"),
    ]
    visits = [
        *(v("karin", d, "08:00", "anna") for d in range(3)),
        v("karin", 0, "19:30", "bo"), v("karin", 1, "19:30", "cecilia"),
        v("karin", 2, "21:59", "bo"),
        v("karin", 1, "12:00", "dan", "larm"), v("karin", 1, "06:30", "dan"),
        v("karin", 2, "22:00", "dan"), v("karin", 2, "13:00", "dan", "matdistribution"),
        v("greta", 0, "08:00", "bo"), v("greta", 0, "18:00", "bo"), v("greta", 1, "08:00", "bo"),
        v("greta", 1, "18:00", "anna"), v("greta", 2, "08:00", "bo"),
        *(v("olle", d, t, "bo") for d in range(3) for t in ("08:00", "18:00")),
        v("karin", 3, "08:00", "erik"),  # after the period
    ]

    # when
    report = visits_made_continuity(start=START, days=3, customers=customers, visits=visits)

    # then
    rows = {r.customer: (r.included, r.visits, r.distinct_staff, r.visits_by_contact)
            for r in report.customers}
    assert rows == {
        "karin": (True, 6, 3, 3),
        "greta": (False, 5, 2, 0),
        "olle": (False, 6, 1, 6),
    }
    assert report.median_distinct_staff == 3
    assert report.median_contact_share == 0.5
    assert report.visits == 6


def test_without_anyone_in_the_population_there_is_no_median() -> None:
    report = visits_made_continuity(
        start=START, days=1, customers=[MadeCustomer("k", date(1930, 1, 1), "a")],
        visits=[v("k", 0, "08:00", "a")],
    )
    assert (report.median_distinct_staff, report.median_contact_share) == (None, None)
    assert report.customers[0].included is False

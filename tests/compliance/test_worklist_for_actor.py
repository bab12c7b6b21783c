"""The worklist as one member of staff sees it (``compliance.worklists.worklist_for_actor``):
the rows their roles have a form for, of the people they may read, each read logged once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.resolutions import resolution_for
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.compliance.worklists import worklist_for_actor, worklist_get, worklist_units
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.errors import NotAllowed
from fastkontakt.registry.models import Unit
from fastkontakt.registry.services import scenario_load
from tests.access.helpers import make_user


@pytest.mark.django_db
def test_an_actor_without_a_unit_role_has_no_worklist() -> None:
    reviewer = actor_for_user(make_user("granskare", [(Role.LOG_REVIEWER, None)]), request_id="r")
    with pytest.raises(NotAllowed):
        worklist_units(actor=reviewer)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR])
def test_only_rows_the_roles_resolve_of_people_read_and_logged_once(role: str) -> None:
    # given a small demo region and a member of a home-care unit's staff
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=300, seed=1, as_of=today))
    findings_refresh(as_of=today)
    unit = max(
        Unit.objects.filter(type="hemtjanst").order_by("hsa_id"),
        key=lambda u: worklist_get(unit_pk=u.pk, as_of=today).total,
    )
    actor = actor_for_user(make_user("anna", [(role, unit)]), request_id="a")
    AccessLogEntry.objects.all().delete()
    # when
    (only,) = worklist_units(actor=actor)
    seen = worklist_for_actor(actor=actor, unit=only, as_of=today, page_size=500)
    everything = worklist_get(unit_pk=unit.pk, as_of=today, page_size=500)
    # then
    assert only == unit
    assert seen.rows
    assert {row.person_pk for row, _ in seen.rows} <= {row.person_pk for row in everything.rows}
    assert all(way == resolution_for(row.rule, unit.type, frozenset({role}))
               for row, way in seen.rows)
    reads = Counter(
        AccessLogEntry.objects.filter(action="read", what="worklist").values_list(
            "personal_id", flat=True
        )
    )
    assert set(reads.values()) == {1}
    assert len(reads) == len({row.person_pk for row in seen.listing.rows})

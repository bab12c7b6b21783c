"""``registry.services.feeds``: who may feed, progress by chunk, the newer of two versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fastkontakt.access.actors import system_actor
from fastkontakt.registry.models import FeedRecord, Unit
from fastkontakt.registry.services.feeds import (
    FeedForbidden,
    FeedItem,
    UnitFact,
    feed_apply,
    feed_item,
)

REGION = replace(system_actor("cli:test"), region_wide=True)


def _unit(n: int, name: str, hour: int) -> FeedItem:
    hsa = f"SE2321000016-U{n:03d}"
    return feed_item(
        kind="Organization",
        key=hsa,
        updated=datetime(2026, 12, 1, hour, tzinfo=UTC),
        fact=UnitFact(hsa_id=hsa, name=name, type="primarvard"),
        where=f"rad {n}",
    )


@pytest.mark.django_db
def test_an_actor_that_is_not_region_wide_may_not_feed() -> None:
    # when / then
    with pytest.raises(FeedForbidden, match="regionsomfattande"):
        feed_apply(actor=system_actor("cli:test"), items=[_unit(1, "A", 1)])
    assert Unit.objects.count() == 0
    assert FeedRecord.objects.count() == 0


@pytest.mark.django_db
def test_progress_is_reported_per_chunk() -> None:
    # given
    reports: list[tuple[int, int]] = []
    items = [_unit(n, f"Enhet {n}", 1) for n in range(5)]
    # when
    result = feed_apply(
        actor=REGION, items=items, chunk=2, progress=lambda d, t: reports.append((d, t))
    )
    # then
    assert reports == [(2, 5), (4, 5), (5, 5)]
    assert (result.created, Unit.objects.count()) == (5, 5)


@pytest.mark.django_db
def test_of_two_versions_in_one_call_the_newer_is_applied() -> None:
    # when: the newer first, the older after it
    result = feed_apply(actor=REGION, items=[_unit(1, "Ny", 3), _unit(1, "Gammal", 2)])
    # then
    assert (result.created, result.stale, result.unchanged) == (1, 0, 0)
    assert Unit.objects.get().name == "Ny"
    assert FeedRecord.objects.get().source_updated == datetime(2026, 12, 1, 3, tzinfo=UTC)

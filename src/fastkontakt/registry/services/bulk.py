"""Bulk statements over batches: what loading a whole region's rows needs.

Every read and write here is one statement per batch (upserts with ``INSERT … ON CONFLICT``,
lookups by ``IN (…)``), never one per row. Shared by the scenario loader and the population
import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db import models

__all__ = ["BATCH_SIZE", "LOOKUP_CHUNK", "batches", "insert", "lookup", "upsert"]

BATCH_SIZE = 2000
"""Rows per INSERT statement (SQLite splits further by its limit on parameters)."""
LOOKUP_CHUNK = 5000
"""Values per ``IN (…)`` list: well under the parameter limits of SQLite and PostgreSQL."""

_M = TypeVar("_M", bound=models.Model)
_T = TypeVar("_T")


def batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def lookup(model: type[_M], key: str, values: Iterable[str]) -> dict[str, int]:
    """``{key value: pk}`` for those of ``values`` that are in the table."""
    found: dict[str, int] = {}
    for chunk in batches(values, LOOKUP_CHUNK):
        rows = model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk")
        found.update(rows)
    return found


def upsert(
    model: type[_M], objs: Iterable[_M], *, key: str, update_fields: list[str]
) -> dict[str, int]:
    """Insert or update by the unique column ``key``; returns ``{key value: pk}``."""
    pks: dict[str, int] = {}
    for batch in batches(objs, BATCH_SIZE):
        model._default_manager.bulk_create(
            batch,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=[key],
            update_fields=update_fields,
        )
        missing = []
        for obj in batch:
            if obj.pk is None:
                missing.append(getattr(obj, key))
            else:
                pks[getattr(obj, key)] = obj.pk
        # PostgreSQL and SQLite >= 3.35 return the keys of updated rows too; older SQLite not.
        pks.update(lookup(model, key, missing))
    return pks


def insert(model: type[_M], objs: Iterable[_M]) -> int:
    """Insert in batches without holding more than one batch of instances; returns the count."""
    count = 0
    for batch in batches(objs, BATCH_SIZE):
        model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
        count += len(batch)
    return count

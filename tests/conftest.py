"""Shared fixtures: isolating hypothesis examples and capturing the registry's whole state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

RegistryState = dict[str, list[dict[str, Any]]]


@contextmanager
def _rolled_back() -> Iterator[None]:
    # A savepoint inside the test's transaction, always rolled back: each hypothesis example
    # starts from the registry the test started with. Marked as the test case's own block, as
    # Django's TestCase marks its, so that the services' durable transactions run inside it.
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    with block:
        yield
        transaction.set_rollback(True)


@pytest.fixture
def isolated() -> Callable[[], AbstractContextManager[None]]:
    """``with isolated(): ...`` undoes every database write made inside it."""
    return _rolled_back


def _registry_state() -> RegistryState:
    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("registry").get_models()
    }


@pytest.fixture
def registry_state() -> Callable[[], RegistryState]:
    """Every row of every registry table, by model name, in pk order (to compare before/after)."""
    return _registry_state


def row_counts(state: RegistryState) -> dict[str, int]:
    return {name: len(rows) for name, rows in state.items()}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness is for attackers, not for a test suite that makes many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""The web app, and the Swedish names of the third-party apps whose models the admin shows.

django-otp, django-axes and django-tasks-db name their apps and models in English. Their
``Meta`` cannot be changed without migrations in their packages, so the names are set here at
start-up instead: an app's ``verbose_name`` is no part of any migration, and a model's display
names are set on ``_meta`` only (``ModelState`` reads ``_meta.original_attrs``, which keeps
the package's own names, so ``makemigrations --check`` stays clean). The objects' own text
(``__str__``), which the admin shows in titles, breadcrumbs and its log, is Swedish too. The
columns, fields, filters and actions are the admin's own (``web/admin.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.db.models import Model
from django.utils import timezone
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig
from django_tasks_db.apps import TasksAppConfig


class WebConfig(AppConfig):
    name = "fastkontakt.web"
    label = "web"
    verbose_name = "Webbsidor"


def _name(
    model: type[Model], singular: str, plural: str, text: Callable[[Any], str] | None = None
) -> None:
    """Swedish display names for ``model`` (never its migration state, see the module)."""
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural
    if text is not None:
        model.__str__ = text  # type: ignore[method-assign]


def _when(moment: object) -> str:
    if moment is None:
        return "okänd tid"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def _login(entry: Any) -> str:
    who = entry.username or "okänt användarnamn"
    return f"{who} från {entry.ip_address or 'okänd adress'}, {_when(entry.attempt_time)}"


class SwedishTOTPConfig(TOTPConfig):  # type: ignore[misc]
    """django-otp's TOTP devices: the users' code apps."""

    verbose_name = "Tvåstegsinloggning"

    def ready(self) -> None:
        super().ready()
        _name(self.get_model("TOTPDevice"), "kodapp", "kodappar")


class SwedishAxesConfig(AxesConfig):  # type: ignore[misc]
    """django-axes: failed logins and the lockouts they lead to (ADR 0009)."""

    verbose_name = "Inloggningar och spärrar"

    def ready(self) -> None:
        super().ready()
        _name(
            self.get_model("AccessAttempt"),
            "räknade inloggningsförsök",
            "räknade inloggningsförsök",
            lambda entry: f"Misslyckade inloggningar: {_login(entry)}",
        )
        _name(
            self.get_model("AccessFailureLog"),
            "misslyckad inloggning",
            "misslyckade inloggningar",
            lambda entry: f"Misslyckad inloggning: {_login(entry)}",
        )
        _name(
            self.get_model("AccessLog"),
            "inloggning",
            "inloggningar",
            lambda entry: f"Inloggning: {_login(entry)}",
        )


class SwedishTasksConfig(TasksAppConfig):
    """django-tasks-db: the background jobs and their results (ADR 0017)."""

    verbose_name = "Bakgrundsjobb"

    def ready(self) -> None:
        super().ready()
        _name(
            self.get_model("DBTaskResult"),
            "jobb",
            "jobb",
            lambda result: f"Jobb köat {_when(result.enqueued_at)}",
        )

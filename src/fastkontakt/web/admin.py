"""The admin of the third-party apps in Swedish: django-otp's code apps, django-axes' login
records and django-tasks-db's jobs.

Those packages hard-code English labels, help texts, filter titles and actions. Their admins are
unregistered here and registered again as subclasses whose every column, field, fieldset, filter
and action has a Swedish name; fields are shown through ``@admin.display`` callables or a form
with Swedish labels, never through the models' English ``verbose_name`` and ``help_text``
(changing those would need migrations in the packages). The apps' and models' own names are
set in ``web/apps.py``.

``fastkontakt.web`` comes first in ``INSTALLED_APPS``, so this module is imported before the
packages' admin modules: it imports them first, so that their registrations exist to be
replaced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import axes.admin as axes_admin
import django_otp.plugins.otp_totp.admin as otp_admin
import django_tasks_db.admin as tasks_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

EMPTY = "–"


def _titled(base: type[admin.FieldListFilter], title: str) -> type[admin.FieldListFilter]:
    """``base`` (one of the admin's field filters) with a Swedish title instead of the model
    field's English ``verbose_name``."""

    class Titled(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    Titled.__name__ = f"{base.__name__}Svensk"
    return Titled


def _yes_no(value: object) -> str:
    return "Ja" if value else "Nej"


def _or_empty(value: object) -> object:
    return EMPTY if value in (None, "", [], {}) else value


def _moment(value: datetime | None) -> str:
    """A point in time as the admin's own columns write it, in local time ("4 december 2026
    14:47"): a callable's value is shown as it is, so a raw datetime would read in UTC."""
    return EMPTY if value is None else formats.localize(timezone.localtime(value))


# --- django-otp: the users' code apps ---------------------------------------------------------


class TOTPDeviceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TOTPDevice
        fields = (
            "user",
            "name",
            "confirmed",
            "key",
            "step",
            "t0",
            "digits",
            "tolerance",
            "drift",
            "throttling_failure_timestamp",
            "throttling_failure_count",
        )
        labels = {
            "user": "Användare",
            "name": "Namn",
            "confirmed": "Bekräftad",
            "key": "Nyckel",
            "step": "Tidssteg",
            "t0": "Starttid",
            "digits": "Antal siffror",
            "tolerance": "Tolerans",
            "drift": "Klockavvikelse",
            "throttling_failure_timestamp": "Senaste felaktiga kod",
            "throttling_failure_count": "Felaktiga koder i följd",
        }
        help_texts = {
            "user": "Användaren som kodappen hör till.",
            "name": "Ett namn som användaren känner igen kodappen på.",
            "confirmed": "Kodappen är klar att användas.",
            "key": "Den hemliga nyckeln i hexadecimal form, högst 40 byte.",
            "step": "Hur många sekunder varje kod gäller.",
            "t0": "Unixtiden då tidsstegen börjar räknas, oftast 0.",
            "digits": "Hur många siffror en kod har.",
            "tolerance": "Hur många tidssteg före eller efter det aktuella som godtas.",
            "drift": "Hur många tidssteg kodappens klocka är känd att gå fel.",
            "throttling_failure_timestamp": (
                "När den senaste felaktiga koden angavs; tom när den senaste koden var rätt."
            ),
            "throttling_failure_count": "Hur många felaktiga koder som angetts i följd.",
        }


class TOTPDeviceAdmin(otp_admin.TOTPDeviceAdmin):  # type: ignore[misc]
    form = TOTPDeviceForm
    list_display = ["owner", "device_name", "created", "last_used", "is_confirmed"]
    list_display_links = ["owner", "device_name"]
    list_filter = [
        ("created_at", _titled(admin.DateFieldListFilter, "när den lades till")),
        ("last_used_at", _titled(admin.DateFieldListFilter, "senaste användning")),
        ("confirmed", _titled(admin.BooleanFieldListFilter, "bekräftad")),
    ]
    search_help_text = "Sök på användarens användarnamn eller e-postadress."
    readonly_fields = ["created", "last_used", "qrcode_link"]

    def get_fieldsets(self, request: HttpRequest, obj: TOTPDevice | None = None) -> Any:
        names = {
            "Identity": "Användare",
            "Timestamps": "Tidpunkter",
            "Configuration": "Inställningar",
            "State": "Tillstånd",
            "Throttling": "Spärr efter felaktiga koder",
        }
        moments = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                names.get(title, title) if title else None,
                {**options, "fields": [moments.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description="Användare", ordering="user__username")
    def owner(self, device: TOTPDevice) -> str:
        return str(device.user)

    @admin.display(description="Namn", ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return str(device.name)

    @admin.display(description="Tillagd", ordering="created_at")
    def created(self, device: TOTPDevice) -> str:
        return _moment(device.created_at)

    @admin.display(description="Senast använd", ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> str:
        return _moment(device.last_used_at)

    @admin.display(description="Bekräftad", ordering="confirmed", boolean=True)
    def is_confirmed(self, device: TOTPDevice) -> bool:
        return bool(device.confirmed)

    @admin.display(description="QR-kod")
    def qrcode_link(self, device: TOTPDevice) -> str:
        if device.pk is None:
            return EMPTY
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">Visa QR-koden</a>', href)


# --- django-axes: failed logins, lockouts and logins ----------------------------------------


class LockedOutFilter(axes_admin.IsLockedOutFilter):  # type: ignore[misc]
    title = "spärrad"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return (("yes", "Ja"), ("no", "Nej"))


#: Browsers and systems as a user agent names them, in the order they must be looked for (Edge
#: and Opera also say Chrome, Chrome also says Safari).
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_name(user_agent: str | None) -> str:
    """The browser and its system in a few words ("Chrome på Linux"): the full user agent is a
    string of codes (``X11; Linux x86_64``), and the name is what a reader needs. The full
    string stays searchable."""
    if not user_agent or user_agent == "<unknown>":
        return "Okänd webbläsare"
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser is None:
        return "Annan webbläsare" if system is None else f"Webbläsare på {system}"
    return browser if system is None else f"{browser} på {system}"


class _LoginColumns:
    """The columns every login record has, by their Swedish names."""

    @admin.display(description="Tidpunkt", ordering="attempt_time")
    def when(self, entry: Any) -> str:
        return _moment(entry.attempt_time)

    @admin.display(description="IP-adress", ordering="ip_address")
    def address(self, entry: Any) -> object:
        return _or_empty(entry.ip_address)

    @admin.display(description="Användarnamn", ordering="username")
    def user_name(self, entry: Any) -> object:
        return _or_empty(entry.username)

    @admin.display(description="Webbläsare", ordering="user_agent")
    def browser(self, entry: Any) -> str:
        return browser_name(entry.user_agent)

    @admin.display(description="Sida", ordering="path_info")
    def page(self, entry: Any) -> object:
        return _or_empty(entry.path_info)

    @admin.display(description="Godtagna svarsformat")
    def accepts(self, entry: Any) -> object:
        return _or_empty(entry.http_accept)


#: The login forms' fields as django-axes records them (``name=value``, one per line).
SENT_FIELDS: dict[str, str] = {
    "username": "Användarnamn",
    "password": "Lösenord",
    "otp_token": "Kod",
    "next": "Nästa sida",
    "csrfmiddlewaretoken": "Formulärets säkerhetsnyckel",
}


def _sent(text: str) -> object:
    """Fields recorded by django-axes, each by its Swedish label, one per line."""
    pairs = [line.partition("=") for line in text.splitlines() if line]
    if not pairs:
        return EMPTY
    return format_html_join(
        mark_safe("<br>"),  # noqa: S308 - a constant
        "{}: {}",
        ((SENT_FIELDS.get(name, name), value) for name, _, value in pairs),
    )


_ABOUT_THE_REQUEST = ("Om anropet", {"fields": ("browser", "address", "accepts")})
_SEARCH_HELP = "Sök på IP-adress, användarnamn, webbläsare eller sida."


class AccessAttemptAdmin(_LoginColumns, axes_admin.AccessAttemptAdmin):  # type: ignore[misc]
    list_display = ["when", "address", "browser", "user_name", "page", "failures", "status"]
    list_display_links = ["when"]
    list_filter = [
        ("attempt_time", _titled(admin.DateFieldListFilter, "tidpunkt")),
        ("path_info", _titled(admin.AllValuesFieldListFilter, "sida")),
        LockedOutFilter,
    ]
    search_help_text = _SEARCH_HELP
    fieldsets = (
        (None, {"fields": ("user_name", "page", "failures", "expires")}),
        ("Formulärets data", {"fields": ("query_data", "form_data")}),
        _ABOUT_THE_REQUEST,
    )
    readonly_fields = [
        "when",
        "address",
        "user_name",
        "browser",
        "page",
        "accepts",
        "failures",
        "expires",
        "query_data",
        "form_data",
    ]
    actions = ["cleanup_expired_attempts"]

    @admin.display(description="Misslyckade inloggningar", ordering="failures_since_start")
    def failures(self, attempt: AccessAttempt) -> int:
        return int(attempt.failures_since_start)

    @admin.display(description="Gäller till")
    def expires(self, attempt: AccessAttempt) -> object:
        expiration = getattr(attempt, "expiration", None)
        return _moment(expiration.expires_at if expiration is not None else None)

    @admin.display(description="Data i adressen")
    def query_data(self, attempt: AccessAttempt) -> object:
        return _sent(attempt.get_data)

    @admin.display(description="Skickade fält")
    def form_data(self, attempt: AccessAttempt) -> object:
        return _sent(attempt.post_data)

    @admin.display(description="Status")
    def status(self, attempt: AccessAttempt) -> str:
        limit = axes_settings.AXES_FAILURE_LIMIT
        if not isinstance(limit, int) or attempt.failures_since_start >= limit:
            return "Spärrad"
        left = limit - attempt.failures_since_start
        return f"{left} försök kvar" if left != 1 else "1 försök kvar"

    @admin.action(description="Rensa bort utgångna försök")
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"Utgångna försök som rensades bort: {count}.")


class AccessLogAdmin(_LoginColumns, axes_admin.AccessLogAdmin):  # type: ignore[misc]
    list_display = ("when", "logged_out", "address", "user_name", "browser", "page")
    list_display_links = ("when",)
    list_filter = [
        ("attempt_time", _titled(admin.DateFieldListFilter, "inloggning")),
        ("logout_time", _titled(admin.DateFieldListFilter, "utloggning")),
        ("path_info", _titled(admin.AllValuesFieldListFilter, "sida")),
    ]
    search_help_text = _SEARCH_HELP
    fieldsets = (
        (None, {"fields": ("user_name", "page", "when", "logged_out")}),
        _ABOUT_THE_REQUEST,
    )
    readonly_fields = ["when", "logged_out", "address", "user_name", "browser", "page", "accepts"]

    @admin.display(description="Inloggad", ordering="attempt_time")
    def when(self, entry: AccessLog) -> str:
        return _moment(entry.attempt_time)

    @admin.display(description="Utloggad", ordering="logout_time")
    def logged_out(self, entry: AccessLog) -> str:
        return _moment(entry.logout_time)


class AccessFailureLogAdmin(_LoginColumns, axes_admin.AccessFailureLogAdmin):  # type: ignore[misc]
    list_display = ("when", "address", "user_name", "browser", "page", "locked")
    list_display_links = ("when",)
    list_filter = [
        ("attempt_time", _titled(admin.DateFieldListFilter, "tidpunkt")),
        ("locked_out", _titled(admin.BooleanFieldListFilter, "ledde till spärr")),
        ("path_info", _titled(admin.AllValuesFieldListFilter, "sida")),
    ]
    search_help_text = _SEARCH_HELP
    fieldsets = (
        (None, {"fields": ("user_name", "page", "when", "locked_text")}),
        _ABOUT_THE_REQUEST,
    )
    readonly_fields = [
        "when",
        "address",
        "user_name",
        "browser",
        "page",
        "accepts",
        "locked_text",
    ]

    @admin.display(description="Ledde till spärr", ordering="locked_out", boolean=True)
    def locked(self, entry: AccessFailureLog) -> bool:
        return bool(entry.locked_out)

    @admin.display(description="Ledde till spärr")
    def locked_text(self, entry: AccessFailureLog) -> str:
        return _yes_no(entry.locked_out)


# --- django-tasks-db: the background jobs -----------------------------------------------------

#: The project's jobs by the path of their function (``fastkontakt/*/tasks.py``, ``jobs.py``).
TASK_NAMES: dict[str, str] = {
    "fastkontakt.runtime.tasks.nightly_findings": "Nattlig kontroll av brister",
    "fastkontakt.runtime.tasks.reminder_digests": "Dagliga påminnelser",
    "fastkontakt.runtime.tasks.clean_up": "Städning av gamla uppgifter",
    "fastkontakt.runtime.tasks.probe": "Kontroll av jobbkön",
    "fastkontakt.reminders.tasks.deliver_mail": "Skicka påminnelse per e-post",
    "fastkontakt.planning.jobs.replan": "Planera om besök",
    "fastkontakt.letters.tasks.handover_letters": "Skriv brev efter överlämning",
}

#: The jobs' keyword arguments (every job takes ids or its schedule slot, ADR 0017).
ARGUMENT_NAMES: dict[str, str] = {
    "job_pk": "Jobbets nummer",
    "mail_pk": "E-postens nummer",
    "slot": "Schemalagd tid",
    "key": "Nyckel",
    "seconds": "Sekunder",
}

STATUS_NAMES: dict[str, str] = {
    TaskResultStatus.READY: "Väntar",
    TaskResultStatus.RUNNING: "Pågår",
    TaskResultStatus.FAILED: "Misslyckades",
    TaskResultStatus.SUCCESSFUL: "Klart",
}


class TaskStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return list(STATUS_NAMES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(status=self.value()) if self.value() else queryset


class DBTaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    list_display = (  # type: ignore[assignment]
        "job",
        "state",
        "enqueued",
        "started",
        "finished",
        "job_priority",
        "queue",
    )
    list_display_links = ("job",)
    list_filter = (  # type: ignore[assignment]
        TaskStatusFilter,
        ("priority", _titled(admin.AllValuesFieldListFilter, "prioritet")),
        ("queue_name", _titled(admin.AllValuesFieldListFilter, "kö")),
    )
    #: The fields of the result page, in the model's order.
    FIELDS = [
        "job_id",
        "state",
        "enqueued",
        "started",
        "finished",
        "arguments",
        "job_priority",
        "job",
        "function",
        "workers",
        "queue",
        "backend",
        "runs_from",
        "returned",
        "exception",
        "formatted_traceback",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.FIELDS)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return list(self.FIELDS)

    @admin.display(description="Id")
    def job_id(self, result: DBTaskResult[Any, Any]) -> str:
        return str(result.id)

    @admin.display(description="Jobb", ordering="task_path")
    def job(self, result: DBTaskResult[Any, Any]) -> str:
        path = str(result.task_path)
        return TASK_NAMES.get(path, path.rpartition(".")[2])

    @admin.display(description="Funktion i koden")
    def function(self, result: DBTaskResult[Any, Any]) -> str:
        return result.task_path  # type: ignore[no-any-return]

    @admin.display(description="Status", ordering="status")
    def state(self, result: DBTaskResult[Any, Any]) -> str:
        return STATUS_NAMES.get(result.status, str(result.status))

    @admin.display(description="Köat", ordering="enqueued_at")
    def enqueued(self, result: DBTaskResult[Any, Any]) -> str:
        return _moment(result.enqueued_at)

    @admin.display(description="Startat", ordering="started_at")
    def started(self, result: DBTaskResult[Any, Any]) -> str:
        return _moment(result.started_at)

    @admin.display(description="Avslutat", ordering="finished_at")
    def finished(self, result: DBTaskResult[Any, Any]) -> str:
        return _moment(result.finished_at)

    @admin.display(description="Argument")
    def arguments(self, result: DBTaskResult[Any, Any]) -> object:
        given = result.args_kwargs or {}
        pairs = [("Argument", arg) for arg in given.get("args", [])] + [
            (ARGUMENT_NAMES.get(name, name), value)
            for name, value in given.get("kwargs", {}).items()
        ]
        if not pairs:
            return EMPTY
        return format_html_join(mark_safe("<br>"), "{}: {}", pairs)  # noqa: S308 - a constant

    @admin.display(description="Prioritet", ordering="priority")
    def job_priority(self, result: DBTaskResult[Any, Any]) -> int:
        return result.priority  # type: ignore[no-any-return]

    @admin.display(description="Arbetsprocesser")
    def workers(self, result: DBTaskResult[Any, Any]) -> str:
        return ", ".join(result.worker_ids) or EMPTY

    @admin.display(description="Kö", ordering="queue_name")
    def queue(self, result: DBTaskResult[Any, Any]) -> str:
        return result.queue_name  # type: ignore[no-any-return]

    @admin.display(description="Kösystem")
    def backend(self, result: DBTaskResult[Any, Any]) -> str:
        return result.backend_name  # type: ignore[no-any-return]

    @admin.display(description="Körs tidigast")
    def runs_from(self, result: DBTaskResult[Any, Any]) -> str:
        return EMPTY if result.run_after == get_date_max() else _moment(result.run_after)

    @admin.display(description="Resultat")
    def returned(self, result: DBTaskResult[Any, Any]) -> object:
        return _or_empty(result.return_value)

    @admin.display(description="Fel")
    def exception(self, result: DBTaskResult[Any, Any]) -> object:
        return _or_empty(result.exception_class_path)

    @admin.display(description="Felets spår i koden")
    def formatted_traceback(self, result: DBTaskResult[Any, Any]) -> str:
        if not result.traceback:
            return EMPTY
        return format_html("<pre>{}</pre>", result.traceback)


for _model, _admin in (
    (TOTPDevice, TOTPDeviceAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (DBTaskResult, DBTaskResultAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)

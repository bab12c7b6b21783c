"""Every error of the API as an ``OperationOutcome`` with the right HTTP status.

Views raise :class:`FhirError` (or let a domain error through); the exception handlers
installed by :func:`install_exception_handlers` turn each into an OperationOutcome, and
:func:`outcome_response` serves the URL-level errors (404 for unknown paths under ``/fhir/``,
405) the same way. Nothing the API answers is a traceback or an HTML page: a database that is
down or busy is answered 503 with ``Retry-After``, an unexpected exception is logged and
answered 500 with a generic outcome.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from fastkontakt.domain.errors import DomainError, NotAllowed, NotFound, Refusal, VersionConflict
from fastkontakt.fhir.mappers.codes import RULE

FHIR_JSON = "application/fhir+json"
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of an outcome: FHIR's issue type, a message, and what it concerns."""

    code: str
    diagnostics: str
    expression: str | None = None
    rule: str | None = None
    """Id of the rule (``spec/rules.md``, ``domain.appointment``) a business-rule issue names."""
    severity: str = "error"


class FhirError(Exception):
    """An error answered as an OperationOutcome with ``status``."""

    def __init__(
        self, status: int, issues: Sequence[Issue], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.status = status
        self.issues = list(issues)
        self.headers = headers or {}


#: A search body Django cannot take apart as a form.
UNREADABLE_FORM = Issue(
    code="structure",
    diagnostics="Kroppen kan inte läsas som formulär. Sökparametrar skickas som "
    "application/x-www-form-urlencoded i UTF-8 (multipart/form-data kräver en boundary).",
)


def fhir_error(
    status: int, code: str, diagnostics: str, expression: str | None = None
) -> FhirError:
    return FhirError(status, [Issue(code=code, diagnostics=diagnostics, expression=expression)])


def operation_outcome(issues: Sequence[Issue]) -> OperationOutcome:
    return OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity=issue.severity,
                code=issue.code,
                diagnostics=issue.diagnostics,
                expression=[issue.expression] if issue.expression else None,
                details=CodeableConcept(coding=[Coding(system=RULE, code=issue.rule)])
                if issue.rule
                else None,
            )
            for issue in issues
        ]
    )


def outcome_response(
    status: int, issues: Sequence[Issue], headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(
        operation_outcome(issues).model_dump_json(exclude_none=True),
        status=status,
        content_type=FHIR_JSON,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found_response(what: str = "Resursen finns inte.") -> HttpResponse:
    return outcome_response(404, [Issue(code="not-found", diagnostics=what)])


def database_unavailable_response() -> HttpResponse:
    """503 with ``Retry-After``: the database is down or busy; the request may be repeated."""
    return outcome_response(
        503,
        [
            Issue(
                code="transient",
                diagnostics="Databasen är inte tillgänglig just nu; försök igen om en stund.",
            )
        ],
        {"Retry-After": str(settings.FASTKONTAKT_RETRY_AFTER_SECONDS)},
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500`` under ``/fhir/``: what escaped the API's own handlers (middleware)."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable_response()
    return outcome_response(
        500, [Issue(code="exception", diagnostics="Internt fel; händelsen är loggad.")]
    )


def _validation_issues(exc: ValidationError) -> list[Issue]:
    issues = []
    for error in exc.errors:
        # ninja locates by where the value came from ("query", "form", "body"); a search
        # parameter's FHIR expression is its own name, as fhir.search says.
        parts = [part for part in error.get("loc", ()) if part != "body"]
        if parts and parts[0] in ("query", "form"):
            parts = parts[1:]
        location = ".".join(str(part) for part in parts)
        issues.append(
            Issue(
                code="invalid",
                diagnostics=str(error.get("msg", "ogiltigt värde")),
                expression=location or None,
            )
        )
    return issues or [Issue(code="invalid", diagnostics="Ogiltig begäran.")]


def install_exception_handlers(api: NinjaAPI) -> None:
    """Answer every exception that reaches the API with an OperationOutcome."""

    def on_fhir_error(request: HttpRequest, exc: FhirError) -> HttpResponse:
        return outcome_response(exc.status, exc.issues, exc.headers)

    def on_authentication(request: HttpRequest, exc: Exception) -> HttpResponse:
        return outcome_response(
            401,
            [
                Issue(
                    code="login", diagnostics="Saknad eller ogiltig token (Authorization: Bearer)."
                )
            ],
            {"WWW-Authenticate": 'Bearer realm="fhir"'},
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "not-found" if exc.status_code == 404 else "processing"
        return outcome_response(exc.status_code, [Issue(code=code, diagnostics=str(exc))])

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return outcome_response(400, _validation_issues(exc))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # One answer for everything not found, whatever the reason: an object of another unit,
        # or of a person outside the care relationships, must read exactly as an unknown id.
        return not_found_response()

    def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return outcome_response(403, [Issue(code="forbidden", diagnostics=str(exc))])

    def on_refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
        # One translation for every refusal: each problem an issue at its path, the rule
        # named where there is one; input that does not hold is "invariant", the rest
        # "business-rule" (nothing was written either way).
        code = "invariant" if exc.about_input else "business-rule"
        return outcome_response(
            422,
            [
                Issue(
                    code=code,
                    diagnostics=problem.message,
                    expression=problem.path or None,
                    rule=problem.rule,
                )
                for problem in exc.problems
            ],
        )

    def on_conflict(request: HttpRequest, exc: VersionConflict) -> HttpResponse:
        return outcome_response(409, [Issue(code="conflict", diagnostics=str(exc))])

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return outcome_response(422, [Issue(code="business-rule", diagnostics=str(exc))])

    def on_unreadable_form(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Django takes a form body apart when a view asks for its fields; one it cannot read
        # (multipart/form-data without a boundary, a charset other than UTF-8, too many
        # fields) is the client's error, not ours.
        logger.info("FHIR API: unreadable form body: %s", exc)
        return outcome_response(400, [UNREADABLE_FORM])

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return outcome_response(
            413, [Issue(code="too-costly", diagnostics="Formuläret är för stort.")]
        )

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("FHIR API: unexpected error", exc_info=exc)
        return outcome_response(
            500, [Issue(code="exception", diagnostics="Internt fel; händelsen är loggad.")]
        )

    def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("FHIR API: database unavailable", exc_info=exc)
        return database_unavailable_response()

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, on_exception),
        (DomainError, on_domain_error),
        (Refusal, on_refusal),
        (VersionConflict, on_conflict),
        (NotAllowed, on_not_allowed),
        (NotFound, on_not_found),
        (Http404, on_not_found),
        (HttpError, on_http_error),
        (AuthenticationError, on_authentication),
        (ValidationError, on_validation),
        (FhirError, on_fhir_error),
        (OperationalError, on_database_unavailable),
        (InterfaceError, on_database_unavailable),
        (MultiPartParserError, on_unreadable_form),
        (BadRequest, on_unreadable_form),
        (SuspiciousOperation, on_unreadable_form),
        (RequestDataTooBig, on_too_big),
    ]
    # ninja picks the handler of the most specific class in the exception's MRO.
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)

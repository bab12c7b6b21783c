"""What every request of the FHIR API passes before its view (``fhir.urls``): the formats it
may ask for and send, and the parameters of a search.

- **Formats.** The API speaks JSON only: XML asked for (``Accept``, ``_format``) is 406, an XML
  body 415. ``HEAD`` is answered as ``GET`` without the body.
- **Search parameters** are checked against what the resource declares (``fhir.capability``):
  an unknown one, an unsupported modifier or value is a 400 naming it under
  ``Prefer: handling=strict``, and otherwise (lenient, FHIR's default) ignored and left out of
  the ``self`` link. What clients send is brought to the declared form first: the
  type-qualified chain ``patient:Patient.identifier`` is ``patient.identifier``, the type
  modifier ``patient:Patient=1`` is ``patient=Patient/1``, a reference to this server's base
  URL is relative, ``_summary=count`` is a page of none, and ``_count`` above the cap is capped.
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError

from fastkontakt.fhir.capability import SearchDeclaration, search_declaration, sort_keys
from fastkontakt.fhir.outcomes import UNREADABLE_FORM, FhirError, Issue, fhir_error
from fastkontakt.fhir.search import MAX_COUNT

_XML = frozenset({"xml", "text/xml", "application/xml", "application/fhir+xml"})
_JSON = frozenset(
    {
        "json",
        "application/json",
        "application/fhir+json",
        "application/json+fhir",  # what DSTU2-era clients send
        "*/*",
        "application/*",
    }
)
_SEARCH_PATH = re.compile(r"^/fhir/(?P<type>[A-Z][A-Za-z]+)(?P<post>/_search)?/?$")
_CHAIN = re.compile(r"^(?P<param>[a-z][A-Za-z-]*):(?P<type>[A-Z][A-Za-z]+)(?P<rest>\..+)?$")
_ELEMENT = re.compile(r"^[a-z][A-Za-z0-9]*$")
RESULT_VALUES = {
    "_summary": frozenset({"count", "false"}),
    "_total": frozenset({"none", "estimate", "accurate"}),
}


def _media(text: str) -> str:
    return text.split(";", 1)[0].strip().lower()


def prefer(request: HttpRequest) -> dict[str, str]:
    """The ``Prefer`` header's preferences (``handling=strict, return=minimal``)."""
    preferences: dict[str, str] = {}
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            preferences[name.strip().lower()] = value.strip().strip('"').lower()
    return preferences


def format_refusal(request: HttpRequest) -> FhirError | None:
    """406 when the client accepts only XML, 415 when it sends XML; None when JSON will do."""
    content_type = _media(request.headers.get("Content-Type", ""))
    if request.method in ("POST", "PUT", "PATCH") and (
        content_type in _XML or content_type.endswith("+xml")
    ):
        return fhir_error(
            415, "not-supported", "Bara JSON tas emot (application/fhir+json), inte XML."
        )
    asked = [_media(v) for v in request.GET.getlist("_format")]
    if asked and not any(value in _JSON for value in asked):
        return fhir_error(
            406, "not-supported", "Bara JSON kan lämnas (_format=json).", expression="_format"
        )
    accept = request.headers.get("Accept", "")
    if accept.strip():
        kinds = [_media(v) for v in accept.split(",") if v.strip() and not _refused_q(v)]
        if not any(kind in _JSON for kind in kinds):
            return fhir_error(
                406, "not-supported", "Bara JSON kan lämnas (Accept: application/fhir+json)."
            )
    return None


def _refused_q(media_range: str) -> bool:
    for param in media_range.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                return float(value) == 0
            except ValueError:
                return False
    return False


def search_prepare(request: HttpRequest) -> None:
    """Check and normalise the parameters of a search in place (see the module docstring);
    raises a 400 :class:`FhirError` under ``Prefer: handling=strict``."""
    match = _SEARCH_PATH.match(request.path)
    if match is None:
        return
    is_post = bool(match["post"])
    if (request.method != "GET" or is_post) and not (is_post and request.method == "POST"):
        return
    declaration = search_declaration(match["type"])
    if declaration is None:
        return
    try:
        params = request.POST if is_post else request.GET
    except RequestDataTooBig as too_big:
        raise fhir_error(413, "too-costly", "Formuläret är för stort.") from too_big
    except (MultiPartParserError, BadRequest, SuspiciousOperation) as unreadable:
        # Django reads a form body once: after a failure it is empty, so the 400 is given here.
        raise FhirError(400, [UNREADABLE_FORM]) from unreadable
    strict = prefer(request).get("handling") == "strict"
    base = request.build_absolute_uri("/fhir/")
    kept = QueryDict(mutable=True)
    issues: list[Issue] = []
    for raw_name, values in params.lists():
        name, values = _normalised(raw_name, values, declaration, base)
        for value in values:
            problem = _problem(name, value, declaration)
            if problem is None:
                kept.appendlist(name, value)
            else:
                issues.append(
                    Issue(
                        code="not-supported",
                        diagnostics=f"{raw_name}: {problem}",
                        expression=raw_name,
                        severity="error" if strict else "warning",
                    )
                )
    if strict and issues:
        raise FhirError(400, issues)
    # Lenient: the Bundle says what was ignored (``rendering.searchset``), as the self link does.
    request.fhir_ignored = issues  # type: ignore[attr-defined]
    if kept.get("_summary") == "count":
        kept.setlist("_count", ["0"])
    count = kept.get("_count")
    if count is not None and count.isascii() and count.isdigit() and int(count) > MAX_COUNT:
        kept.setlist("_count", [str(MAX_COUNT)])
    kept._mutable = False
    if is_post:
        request.POST = kept  # type: ignore[assignment]
    else:
        request.GET = kept  # type: ignore[assignment]


def _normalised(
    name: str, values: list[str], declaration: SearchDeclaration, base: str
) -> tuple[str, list[str]]:
    chain = _CHAIN.match(name)
    if chain is not None:
        param, kind, rest = chain["param"], chain["type"], chain["rest"]
        # ``patient:Patient.identifier`` is the declared ``patient.identifier``; a chain through
        # another type (``patient:Group.identifier``) is not.
        if rest and kind.lower() == param.lower() and f"{param}{rest}" in declaration.params:
            name = f"{param}{rest}"
        elif not rest and declaration.params.get(param) == "reference":
            name = param
            values = [
                ",".join(v if "/" in v else f"{kind}/{v}" for v in value.split(","))
                for value in values
            ]
    if declaration.params.get(name) == "reference":
        values = [
            ",".join(v.removeprefix(base) for v in value.split(",")) for value in values
        ]
    return name, values


def _problem(name: str, value: str, declaration: SearchDeclaration) -> str | None:
    """Why the server cannot honour ``name=value``, None when it can."""
    if name in declaration.paging:
        return None
    if name == "_include":
        if value in declaration.includes:
            return None
        supported = ", ".join(declaration.includes) or "inga"
        return f"_include stöder {supported}"
    if name not in declaration.params:
        return "sökparametern stöds inte här"
    if name in RESULT_VALUES and value not in RESULT_VALUES[name]:
        return f"värdet stöds inte (stöds: {', '.join(sorted(RESULT_VALUES[name]))})"
    if name == "_sort" and value not in sort_keys(declaration.params):
        return f"kan sortera på en av {', '.join(sort_keys(declaration.params))}"
    if name == "_elements" and not all(_ELEMENT.match(e) for e in value.split(",")):
        return "elementnamn åtskilda med kommatecken"
    return None

"""What every operation shares: the calling client's actor, FHIR responses and search bundles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError as PydanticValidationError

from fastkontakt.access.actors import Actor
from fastkontakt.domain.json_input import InvalidJson, json_decode, json_text_checked
from fastkontakt.fhir.clients import client_actor, client_allows
from fastkontakt.fhir.models import ApiClient
from fastkontakt.fhir.outcomes import FHIR_JSON, FhirError, Issue, fhir_error
from fastkontakt.fhir.search import Page

_R = TypeVar("_R", bound=Resource)
#: A population of 10 000 people is about 8 MB of JSON.
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Elements whose text may run over several lines: narrative, annotations, descriptions.
MULTILINE_ELEMENTS = frozenset({"div", "note", "description", "comment"})


def _needed(request: HttpRequest, resource: str, access: str) -> str:
    """The SMART v2 permission (ADR 0023) the request needs on ``resource``: a read of one
    resource ``r``, a search (and what it includes) ``s``, a create ``c``, an update ``u``, a
    delete ``d``; a transaction may create and update, so it needs ``cu``."""
    if access == "write":
        if request.method == "POST":
            return "cu" if request.path.rstrip("/").endswith("/fhir") else "c"
        return "d" if request.method == "DELETE" else "u"
    match = request.resolver_match
    one = match is not None and "id" in match.kwargs and f"/{resource}/" in request.path
    return "r" if one else "s"


def actor_for(request: HttpRequest, resource: str, access: str = "read") -> Actor:
    """The calling client as an actor; 403 unless its scopes allow ``access`` to ``resource``."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    needed = _needed(request, resource, access)
    if not client_allows(client, resource, needed):
        raise fhir_error(
            403, "forbidden", f"Klienten saknar behörigheten system/{resource}.{needed}."
        )
    return client_actor(client, request_id=getattr(request, "request_id", ""))


def actor_for_all(
    request: HttpRequest, resources: Sequence[tuple[str, str]], access: str = "read"
) -> Actor:
    """``actor_for`` for several resources at once, given as (expression, resource type):
    403 naming the first expression of each type the client's scopes do not allow."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    refused: dict[str, str] = {}
    for expression, resource in resources:
        needed = _needed(request, resource, access)
        if resource not in refused and not client_allows(client, resource, needed):
            refused[resource] = expression
    if refused:
        raise FhirError(
            403,
            [
                Issue(
                    code="forbidden",
                    diagnostics="Klienten saknar behörigheten "
                    f"system/{resource}.{_needed(request, resource, access)}.",
                    expression=expression,
                )
                for resource, expression in refused.items()
            ],
        )
    return client_actor(client, request_id=getattr(request, "request_id", ""))


def fhir_response(
    resource: Resource, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(
        resource.model_dump_json(exclude_none=True), status=status, content_type=FHIR_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


def _link(request: HttpRequest, relation: str, page: Page, offset: int) -> BundleLink:
    params = request.POST if request.method == "POST" else request.GET
    query = [
        (k, v) for k, values in params.lists() for v in values if k not in ("_offset", "_count")
    ]
    query += [("_count", str(page.count)), ("_offset", str(offset))]
    path = request.path.removesuffix("/_search")
    return BundleLink(
        relation=relation, url=f"{request.build_absolute_uri(path)}?{urlencode(query)}"
    )


def searchset(
    request: HttpRequest,
    *,
    total: int,
    page: Page,
    matches: Sequence[Resource],
    includes: Iterable[Resource] = (),
) -> HttpResponse:
    """A searchset Bundle with ``self``/``first``/``previous``/``next`` links by offset."""
    base = base_url(request)
    links = [_link(request, "self", page, page.offset), _link(request, "first", page, 0)]
    if page.count and page.offset > 0:
        links.append(_link(request, "previous", page, max(0, page.offset - page.count)))
    if page.count and page.offset + page.count < total:
        links.append(_link(request, "next", page, page.offset + page.count))

    def entry(resource: Resource, mode: str) -> BundleEntry:
        return BundleEntry(
            fullUrl=f"{base}{resource.get_resource_type()}/{resource.id}",
            resource=resource,
            search=BundleEntrySearch(mode=mode),
        )

    bundle = Bundle(
        type="searchset",
        total=total,
        link=links,
        entry=[entry(r, "match") for r in matches] + [entry(r, "include") for r in includes]
        or None,
    )
    return fhir_response(bundle)


def read_resource(request: HttpRequest, model: type[_R]) -> _R:
    """The request body as an R4B ``model``; 400 naming what does not hold.

    Every string of the body follows the text rule of ADR 0011 (refused characters are a 400
    naming the element; the rest is read in NFC), wherever in the resource it is.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= MAX_BODY_BYTES:
        raise fhir_error(413, "too-costly", f"Kroppen får vara högst {MAX_BODY_BYTES} byte.")
    try:
        # Read from the stream rather than ``request.body``: Django's form-upload limit
        # (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) is far below an import of a population.
        data = json_decode(request.read(length))
    except InvalidJson:
        raise fhir_error(400, "structure", "Kroppen är inte giltig JSON.") from None
    expected = model.get_resource_type()
    if not isinstance(data, dict) or data.get("resourceType") != expected:
        raise fhir_error(400, "structure", f"Kroppen ska vara en {expected}-resurs.")
    data, problems = json_text_checked(data, expected, multiline_under=MULTILINE_ELEMENTS)
    if problems:
        raise FhirError(
            400,
            [
                Issue(code="invalid", diagnostics=problem.message, expression=problem.path)
                for problem in problems[:20]
            ],
        )
    try:
        return model.model_validate(data)
    except PydanticValidationError as invalid:
        raise FhirError(
            400,
            [
                Issue(
                    code="structure",
                    diagnostics=str(error.get("msg", "ogiltigt värde")),
                    expression=".".join(str(part) for part in error.get("loc", ())) or None,
                )
                for error in invalid.errors()[:20]
            ],
        ) from None

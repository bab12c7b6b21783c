"""What every page needs: the acting user as an ``Actor`` and the translation of domain errors
(``NotFound`` and ``NotAllowed`` to 404 and 403, ``InvalidInput`` to form errors)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.domain.errors import NotAllowed, NotFound, Problem, Refusal


def actor_of(request: HttpRequest) -> Actor:
    """The acting user of this request, built once."""
    actor: Actor | None = getattr(request, "_actor", None)
    if actor is None:
        actor = actor_for_user(request.user, request_id=getattr(request, "request_id", ""))
        request._actor = actor  # type: ignore[attr-defined]
    return actor


def translate_domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``NotFound`` answers 404 and ``NotAllowed`` 403, with the site's own error pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(str(error)) from None
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None

    return wrapped


def form_errors_add(form: forms.Form, refused: Refusal) -> None:
    """Show a service's refusal on the form: each problem on its field where the form has one,
    the others above the form."""
    for problem in refused.problems:
        form.add_error(problem.path if problem.path in form.fields else None, problem.message)


def refusal_shown(
    form: forms.Form,
    refused: Refusal,
    elsewhere: Callable[[str], bool] = lambda path: False,
) -> list[Problem]:
    """Show on the form what is about its fields or about nothing the page lists, and return
    the rest for the page to show where it belongs: problems that name a rule (with the rule
    and its source) and problems located at something the page lists (``elsewhere``: a
    handover's contacts)."""
    rest = []
    for problem in refused.problems:
        if problem.path in form.fields:
            form.add_error(problem.path, problem.message)
        elif problem.rule is not None or elsewhere(problem.path):
            rest.append(problem)
        else:
            form.add_error(None, problem.message)
    return rest

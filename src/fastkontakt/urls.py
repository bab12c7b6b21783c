"""URL configuration: the pages, the region's OpenID Connect login, the admin, and the answer
to errors that no view answered."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from mozilla_django_oidc import views as oidc_views

from fastkontakt.access.middleware import second_factor_not_required
from fastkontakt.fhir import outcomes as fhir_outcomes
from fastkontakt.web.views import errors as web_errors
from fastkontakt.web.views import health

admin.site.site_header = "Fast kontakt"
admin.site.site_title = "Fast kontakt"
admin.site.index_title = "Administration"


def _public(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    return login_not_required(second_factor_not_required(view))


def _oidc(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The region's login routes answer 404 unless its provider is configured: unconfigured,
    mozilla-django-oidc would redirect to an empty endpoint or fail on the callback."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def server_error(request: HttpRequest) -> HttpResponseBase:
    """Errors no view answered (raised in middleware, say): each interface says it its way."""
    if request.path.startswith("/fhir/"):
        return fhir_outcomes.server_error(request)
    return web_errors.server_error(request)


handler500 = server_error


def favicon(request: HttpRequest) -> HttpResponseBase:
    # Resolved per request: in production the name has a content hash, known only once
    # `collectstatic` has run (after the URLs are first loaded, by `migrate`'s checks).
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))

urlpatterns = [
    path("", include("fastkontakt.web.urls")),
    # The admin signs in through the site's login, with its second factor.
    path(
        "admin/login/",
        _public(RedirectView.as_view(pattern_name="web:login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    # Browsers ask for it on pages that name no icon (the admin's).
    path("favicon.ico", _public(favicon)),
    path("fhir/", include("fastkontakt.fhir.urls")),
    # The person's own pages (issue 16), with their own sign-in and session.
    path("invanare/", include("fastkontakt.citizen.urls")),
    path("health/live", _public(health.live), name="health_live"),
    path("health/ready", _public(health.ready), name="health_ready"),
    path("metrics", _public(health.metrics), name="metrics"),
    path(
        "oidc/authenticate/",
        _public(_oidc(oidc_views.OIDCAuthenticationRequestView.as_view())),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        _public(_oidc(oidc_views.OIDCAuthenticationCallbackView.as_view())),
        name="oidc_authentication_callback",
    ),
]

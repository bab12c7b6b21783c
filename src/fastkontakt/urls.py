"""URL configuration: the pages, the region's OpenID Connect login, and the admin."""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http.response import HttpResponseBase
from django.urls import include, path
from django.views.generic import RedirectView
from mozilla_django_oidc import views as oidc_views

from fastkontakt.access.middleware import second_factor_not_required

admin.site.site_header = "Fast kontakt"
admin.site.site_title = "Fast kontakt"
admin.site.index_title = "Administration"


def _public(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    return login_not_required(second_factor_not_required(view))


urlpatterns = [
    path("", include("fastkontakt.web.urls")),
    # The admin signs in through the site's login, with its second factor.
    path(
        "admin/login/",
        _public(RedirectView.as_view(pattern_name="web:login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("fhir/", include("fastkontakt.fhir.urls")),
    path(
        "oidc/authenticate/",
        _public(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        _public(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]

"""A URL configuration for the error-page tests: the project's, plus views that fail."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from fastkontakt.urls import handler500
from fastkontakt.urls import urlpatterns as project_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("ett fel i en vy")


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest("trasig begäran")


urlpatterns = [path("test/krasch/", crash), path("test/felaktig/", bad), *project_urlpatterns]

__all__ = ["handler500", "urlpatterns"]

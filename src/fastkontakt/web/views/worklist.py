"""Placeholder: the unit worklist page comes with issue 3."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path


def worklist(request: HttpRequest) -> HttpResponse:
    return redirect("web:home")


urlpatterns: list[URLPattern] = [path("", worklist, name="worklist")]

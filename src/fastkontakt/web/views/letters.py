"""Placeholder: filled in by the work on this area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

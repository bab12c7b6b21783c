"""Content-Security-Policy without 'unsafe-inline', and Permissions-Policy, on every answer;
and no template carries inline script or style that the policy would block (issue 11, 8a).
The browser test (tests/browser/test_content_security_policy.py) watches Chromium enforce it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from fastkontakt.access.models import Role
from tests.access.helpers import make_user, signed_in
from tests.factories import UnitFactory

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
PERMISSIONS = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), "
    "usb=()"
)
SOURCE = Path(__file__).resolve().parents[2] / "src" / "fastkontakt"
#: Rendered into PDFs by WeasyPrint only (which fetches nothing), never served as a page.
PDF_ONLY = {
    SOURCE / "letters" / "templates" / "letters" / "letter.html",
    SOURCE / "citizen" / "templates" / "citizen" / "accesslog_pdf.html",
}
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx eval": re.compile(r"\b(?:data-)?hx-(?:on|vars)\b|js:", re.I),
}


@pytest.mark.django_db
def test_every_kind_of_answer_carries_the_policies() -> None:
    # given
    user = make_user("anna", [(Role.STAFF, UnitFactory()), (Role.SYSTEM_ADMIN, None)])
    user.is_staff = True
    user.save()
    client = signed_in(user)

    # when
    answers = {
        "login": Client().get(reverse("web:login")),
        "home": client.get(reverse("web:home")),
        "search": client.get(reverse("web:search")),
        "not found": client.get("/personer/999999/"),
        "admin": client.get(reverse("admin:index")),
        "fhir": Client().get("/fhir/metadata"),
        "redirect": Client().get(reverse("web:home")),
    }

    # then
    assert {name: r.status_code for name, r in answers.items()} == {
        "login": 200,
        "home": 200,
        "search": 200,
        "not found": 404,
        "admin": 200,
        "fhir": 200,
        "redirect": 302,
    }
    for response in answers.values():
        assert response["Content-Security-Policy"] == CSP
        assert response["Permissions-Policy"] == PERMISSIONS
    assert "'unsafe-inline'" not in CSP
    assert "'unsafe-eval'" not in CSP


def test_no_served_template_has_inline_script_or_style() -> None:
    # given
    templates = sorted(set(SOURCE.glob("**/templates/**/*.html")) - PDF_ONLY)

    # when
    found = [
        f"{path.relative_to(SOURCE)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]

    # then
    assert len(templates) > 40
    assert found == []


def test_htmx_is_configured_for_the_policy() -> None:
    # when
    base = (SOURCE / "web" / "templates" / "web" / "base.html").read_text(encoding="utf-8")

    # then
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"""
        """"allowEval":false,"allowScriptTags":false}'>"""
    ) in base

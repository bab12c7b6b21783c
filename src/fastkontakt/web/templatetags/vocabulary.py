"""``{% load vocabulary %}``: codes by their Swedish names, personnummer with their hyphen.

``{{ finding.rule|sv:"rule" }}``, ``{{ person.personal_id|personnummer }}``,
``{{ entry.flags|log_flags }}``, ``{{ n|count:"uppdrag är överlämnat,uppdrag är överlämnade" }}``.
"""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from fastkontakt.domain.identifiers import personal_id_display
from fastkontakt.domain.vocabulary import LOG_WHAT, count_phrase, swedish, swedish_flags, tensed

register = template.Library()


@register.filter
def sv(code: object, table: str) -> str:
    """The Swedish name of ``code``; an unknown code fails the page (and the tests) loudly."""
    if code is None or code == "":
        return ""
    return swedish(table, str(code))


@register.filter
def personnummer(number: object) -> str:
    return personal_id_display("" if number is None else str(number))


@register.filter
def log_flags(flags: object) -> str:
    return swedish_flags(str(flags or ""))


@register.filter
def log_what(what: object) -> str:
    # Log entries are history: a value written by an older version stays readable rather than
    # breaking the review (every value the code writes today has a name: tests/domain).
    text = str(what or "")
    return LOG_WHAT.get(text, text)


@register.filter
def count(number: object, forms: str) -> str:
    """``number`` and the singular or plural of ``forms`` ("singular,plural")."""
    singular, _, plural = forms.partition(",")
    return count_phrase(int(str(number)), singular, plural or singular)


@register.filter
def sv_list(codes: object, table: str) -> str:
    """A list of codes as their Swedish names, comma-separated."""
    return ", ".join(swedish(table, str(code)) for code in (codes or []))  # type: ignore[attr-defined]


@register.filter
def tense(day: object, forms: str) -> str:
    """``{{ end|tense:"slutade,slutar" }}``: the past form once ``day`` is before today."""
    past, _, present = forms.partition(",")
    if not isinstance(day, date):
        return present
    return tensed(day, timezone.localdate(), past=past, present=present)


#: The admin's yes/no icons carry Python's ``True``/``False`` as their text alternative.
_ADMIN_ICON_ALTS = (
    ('alt="True"', 'alt="Ja"'),
    ('alt="False"', 'alt="Nej"'),
    ('alt="None"', 'alt="Okänt"'),
)


@register.filter
def admin_swedish_icons(cell: object) -> str:
    """A cell of an admin list with its yes/no icons described in Swedish."""
    html = str(cell)
    for english, swedish_alt in _ADMIN_ICON_ALTS:
        html = html.replace(english, swedish_alt)
    # the cell was rendered (and escaped) by the admin; only attribute values changed
    return mark_safe(html)  # noqa: S308

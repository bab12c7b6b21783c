"""The base of every form on the staff pages: typed text follows the text rule of ADR 0011.

Every form of ``web.views`` derives from :class:`Form` (a test walks the modules to keep it
so). After Django has cleaned the fields, the text sent for each field is checked by
``domain.text.text_problem``: a refused character (a control character, a bidi override, a
zero-width space...) is the field's one error, naming the character, and the form is not
valid, so nothing is saved; text that passes is kept in NFC. A ``Textarea`` field is free text
over several lines, where tab and line breaks are allowed.

:class:`DateField` is the one date field of every page (ISO dates only, each refusal naming
the field).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms

from fastkontakt.domain.text import text_normalised, text_problem


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        yield from (item for item in value if isinstance(item, str))


class Form(forms.Form):
    """A Django form whose text values are checked and normalised once, here."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if field.disabled:
                continue
            # What was sent, not what cleaning made of it: a refused character is named even
            # where the field would have refused the value anyway (NUL, an unknown choice).
            multiline = isinstance(field.widget, forms.Textarea)
            problem = next(
                (
                    found
                    for text in _strings(self[name].data)
                    if (found := text_problem(text, multiline=multiline)) is not None
                ),
                None,
            )
            if problem is not None:
                self.errors.pop(name, None)
                self.add_error(name, problem)
            elif isinstance(value := self.cleaned_data.get(name), str):
                self.cleaned_data[name] = text_normalised(value)


# --- dates -----------------------------------------------------------------------------------

#: What an HTML date picker sends, and the one form a typed date may take: ``2026-12-01``.
#: ``12/2/2025`` is February or December depending on who reads it, so it is refused, not read.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateInput(forms.DateInput):
    """The browser's date picker, showing and sending ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """The one date field of the pages: an ISO date (``2026-12-01``) and nothing else.

    Every refusal names the field by its label and says what is wrong with the date, in
    Swedish. A required date is required: a form that wants it to default to today sets that
    as the field's initial value, so the user sees it and sends it, and an empty field is
    refused rather than silently saved as today.
    """

    widget = DateInput

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label=label, required=required, **kwargs)
        self.error_messages["required"] = f"Ange ett datum i fältet ”{label}”."

    def to_python(self, value: object) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if not _ISO_DATE.fullmatch(text):
            raise forms.ValidationError(
                f"”{self.label}”: skriv datumet som år-månad-dag, till exempel 2026-12-01 "
                f"(”{text[:20]}” går inte att läsa som ett datum).",
                code="invalid",
            )
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(
                f"”{self.label}”: {text} finns inte i kalendern.", code="invalid"
            ) from None

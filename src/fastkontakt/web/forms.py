"""The base of every form on the staff pages: typed text follows the text rule of ADR 0011.

Every form of ``web.views`` derives from :class:`Form` (a test walks the modules to keep it
so). After Django has cleaned the fields, the text sent for each field is checked by
``domain.text.text_problem``: a refused character (a control character, a bidi override, a
zero-width space...) is the field's one error, naming the character, and the form is not
valid, so nothing is saved; text that passes is kept in NFC. A ``Textarea`` field is free text
over several lines, where tab and line breaks are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

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

"""What a Swedish user must not read on a page: rule ids and personnummer without a hyphen.

A simple version: the browser walk (``tests/browser/test_every_page.py``) calls
:func:`screen_text_problems` on each page's visible text. A fuller one (English words too) is
written in parallel and replaces this module, keeping its interface.
"""

from __future__ import annotations

import re

from fastkontakt.domain.rules import RULES

_RULE_ID = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(rule) for rule in sorted(RULES, key=len, reverse=True))
    + r")(?![\w-])"
)
#: Twelve digits that are not part of a longer number: 195807095566, not 19580709-5566.
_PERSONAL_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def screen_text_problems(text: str) -> list[str]:
    """One line per problem found in ``text``, in the order found; empty when it reads right."""
    problems = [f"regel-id på skärmen: {m.group(1)}" for m in _RULE_ID.finditer(text)]
    problems += [
        f"personnummer utan bindestreck: {m.group(0)}" for m in _PERSONAL_ID.finditer(text)
    ]
    return problems

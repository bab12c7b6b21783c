"""Decoding a JSON document from outside: every failure one located problem, never a traceback.

Python's :mod:`json` raises ``ValueError`` (not ``JSONDecodeError``) for an integer of more
than 4 300 digits and ``RecursionError`` for deep nesting, and accepts a lone surrogate written
as the escape ``"\\ud800"``. The scenario reader, the planning readers and the FHIR API decode
through :func:`json_decode`: a number too long to be anything is kept as a :class:`LongNumber`
that the readers then refuse at its path like any other value of the wrong type, and the
strings are checked by :mod:`fastkontakt.domain.text` where they are read, or, for a document
read as a whole (a FHIR resource), everywhere at once by :func:`json_text_checked`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from fastkontakt.domain.errors import DomainError, Problem
from fastkontakt.domain.text import text_normalised, text_problem, text_shown

__all__ = ["MAX_DIGITS", "InvalidJson", "LongNumber", "json_decode", "json_text_checked"]

#: No number in any of our formats has more digits; longer ones are not converted at all
#: (converting is quadratic in the digits, and over 4 300 Python refuses).
MAX_DIGITS: Final = 40


class InvalidJson(DomainError):
    """The document is not JSON (or not UTF-8); :attr:`problem` says where, at path ``$``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problem = Problem("$", message)


class LongNumber:
    """Stands in for an integer of more than :data:`MAX_DIGITS` digits."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<ett tal med {self.digits} siffror>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LongNumber) and other.digits == self.digits

    def __hash__(self) -> int:
        return hash((LongNumber, self.digits))


def _integer(text: str) -> int | LongNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else LongNumber(digits)


def json_decode(
    data: str | bytes,
    *,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """The JSON value of ``data``; bytes are UTF-8 (a byte-order mark is allowed).

    Raises :class:`InvalidJson` naming the byte, line or column where decoding failed.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidJson(f"invalid UTF-8 at byte {error.start}") from None
    try:
        return json.loads(data, object_pairs_hook=object_pairs_hook, parse_int=_integer)
    except json.JSONDecodeError as error:
        raise InvalidJson(
            f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise InvalidJson("invalid JSON: nested too deeply") from None


def json_text_checked(
    document: Any, root: str, *, multiline_under: frozenset[str] = frozenset()
) -> tuple[Any, list[Problem]]:
    """``document`` with every string in NFC, and a problem per refused string, key or number.

    Paths start at ``root`` (``Patient.name[0].text``); strings anywhere under a key of
    ``multiline_under`` may hold tab and line breaks (ADR 0011).
    """
    problems: list[Problem] = []

    def walk(value: Any, path: str, multiline: bool) -> Any:
        if isinstance(value, str):
            problem = text_problem(value, multiline=multiline)
            if problem is not None:
                problems.append(Problem(path, problem))
                return value
            return text_normalised(value)
        if isinstance(value, LongNumber):
            message = f"Talet har {value.digits} siffror; inget tal här har fler än {MAX_DIGITS}."
            problems.append(Problem(path, message))
            return value
        if isinstance(value, list):
            return [walk(item, f"{path}[{index}]", multiline) for index, item in enumerate(value)]
        if isinstance(value, dict):
            checked = {}
            for key, item in value.items():
                problem = text_problem(key)
                if problem is not None:
                    problems.append(Problem(f"{path}.{text_shown(key)}", problem))
                    continue
                checked[key] = walk(item, f"{path}.{key}", multiline or key in multiline_under)
            return checked
        return value

    return walk(document, root, False), problems

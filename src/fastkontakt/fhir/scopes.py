"""SMART system scopes: parsing the v2 (``system/CareTeam.rs``) and v1 (``system/CareTeam.read``)
forms into permissions, and the grant a client gets (what it asked for that it is allowed).

A permission is a resource type (or ``*``) and a set of the SMART v2 letters ``c r u d s``
(create, read, update, delete, search). The v1 forms are read as v2: ``read`` = ``rs``,
``write`` = ``cud``, ``*`` = ``cruds``. ``AuditEvent`` is covered only when named (``system/*.rs``
does not read the access log) and only for reading. Pure Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LETTERS = "cruds"
_V1 = {"read": "rs", "write": "cud", "*": LETTERS}
_SCOPE = re.compile(r"system/(\*|[A-Z][A-Za-z]{0,63})\.(read|write|\*|c?r?u?d?s?)")
AUDIT = "AuditEvent"

Permissions = dict[str, frozenset[str]]


def scope_permission(scope: str) -> tuple[str, frozenset[str]] | None:
    """``(resource or "*", letters)`` of one scope; ``None`` when it is not a system scope this
    server knows (a v2 scope with letters out of order, a query, ``patient/`` or ``user/``)."""
    match = _SCOPE.fullmatch(scope)
    if match is None or not match.group(2):
        return None
    resource, kind = match.groups()
    return resource, frozenset(_V1.get(kind, kind))


def permissions(scopes: Iterable[str]) -> Permissions:
    """The union of the permissions of ``scopes``, by resource type; unknown scopes give none."""
    found: dict[str, set[str]] = {}
    for scope in scopes:
        parsed = scope_permission(scope)
        if parsed is not None:
            found.setdefault(parsed[0], set()).update(parsed[1])
    return {resource: frozenset(letters) for resource, letters in found.items()}


def allows(granted: Permissions, resource: str, needed: str) -> bool:
    """Whether ``granted`` holds every letter of ``needed`` for ``resource``."""
    letters = set(granted.get(resource, frozenset()))
    if resource != AUDIT:
        letters |= granted.get("*", frozenset())
    return set(needed) <= letters


def scope_text(resource: str, letters: Iterable[str]) -> str:
    """The v2 form: ``system/<resource>.<letters in cruds order>``."""
    chosen = set(letters)
    return f"system/{resource}.{''.join(c for c in LETTERS if c in chosen)}"


def grant(requested: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The scopes to grant: each requested scope cut down to what ``allowed`` permits.

    A requested scope wholly allowed is granted as written (so a v1 client gets v1 scopes
    back); one partly allowed is granted in the v2 form with the allowed letters; a wildcard
    asked for where only named types are allowed becomes those types. Unknown scopes give
    nothing. The result may be empty.
    """
    may = permissions(allowed)
    granted: list[str] = []
    for scope in requested:
        parsed = scope_permission(scope)
        if parsed is None:
            continue
        resource, letters = parsed
        if resource == "*":
            everywhere = letters & may.get("*", frozenset())
            if everywhere == letters:
                granted.append(scope)
                continue
            if everywhere:
                granted.append(scope_text("*", everywhere))
            for named, named_letters in sorted(may.items()):
                extra = (letters & named_letters) - everywhere
                if named not in ("*", AUDIT) and extra:
                    granted.append(scope_text(named, extra))
            continue
        wide = may.get("*", frozenset()) if resource != AUDIT else frozenset()
        allowed_here = letters & (may.get(resource, frozenset()) | wide)
        if allowed_here == letters:
            granted.append(scope)
        elif allowed_here:
            granted.append(scope_text(resource, allowed_here))
    return list(dict.fromkeys(granted))

"""Domain errors, in one place with one problem shape (``Problem``: where, what in Swedish,
and the rule when there is one). Each interface translates them once: form errors on a page
(``web.views.base.refusal_shown``), an ``OperationOutcome`` with the right status in the API
(``fhir.outcomes``), one line per problem and exit status 2 on the command line.

A ``Refusal`` means nothing was written; its problems say why. ``InvalidInput`` is about the
input itself (a form's values, a resource's fields); the other refusals are about what the
registry's rules allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with input, located by its JSON path (e.g. ``patients[3].contacts[0].staff``)."""

    path: str
    message: str
    #: The id of the rule (``spec/rules.md``, ``domain.appointment``) the problem breaks, if any.
    rule: str | None = None
    #: Where the rule comes from (a statute, a routine), for a problem that names a rule.
    source: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidIdentifier(DomainError, ValueError):
    """A personnummer, samordningsnummer or HSA-id that does not hold."""


class NotFound(DomainError):
    """What was asked for does not exist, or the asker may not know that it does.

    A person outside the user's care relationships is answered exactly as one who does not
    exist, so that the answer itself discloses nothing (inre sekretess).
    """


class NotAllowed(DomainError):
    """The acting user's roles do not permit this action."""


class Refusal(DomainError):
    """Nothing was written; carries every problem found, each located by its path."""

    #: True when the problems are with the input itself, false when with the registry's rules.
    about_input: bool = False

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(
            message if message is not None else "; ".join(str(p) for p in self.problems)
        )


class InvalidInput(Refusal):
    """A form's values (or a request's fields) do not hold; one problem per field."""

    about_input = True


class InvalidScenario(InvalidInput):
    """A scenario document broke the format; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "\n".join(str(p) for p in problems))


class ChangeRefused(Refusal):
    """A change the registry refuses as it stands (it would rewrite history, say)."""


class AppointmentRefused(Refusal):
    """The appointment would break a rule (``domain.appointment``); each problem names it and
    its source. The path is empty: the proposal as a whole is refused."""


#: Where a handover's problem about one of its contacts is located: ``successors[<pk>]``.
SUCCESSOR_PATH = "successors[{pk}]"


class HandoverRefused(Refusal):
    """Some of a handover's appointments would break rules; each problem is located at the
    contact it is about (``successors[<pk>]``)."""

    @property
    def by_contact(self) -> dict[int, list[Problem]]:
        found: dict[int, list[Problem]] = {}
        for problem in self.problems:
            pk = contact_pk_of(problem.path)
            if pk is not None:
                found.setdefault(pk, []).append(problem)
        return found


def contact_pk_of(path: str) -> int | None:
    """The contact pk of a ``successors[<pk>]`` path, else None."""
    inner = path.removeprefix("successors[").removesuffix("]")
    return int(inner) if path.startswith("successors[") and inner.isdigit() else None


class VersionConflict(DomainError):
    """The change was made against a version of the data that is no longer current."""

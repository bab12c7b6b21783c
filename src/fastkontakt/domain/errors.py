"""Domain errors. Each interface translates them once (form errors, OperationOutcome, exit 2)."""

from __future__ import annotations

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

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidScenario(DomainError):
    """A scenario document broke the format; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class InvalidIdentifier(DomainError, ValueError):
    """A personnummer, samordningsnummer or HSA-id that does not hold."""


class NotFound(DomainError):
    """What was asked for does not exist, or the asker may not know that it does.

    A person outside the user's care relationships is answered exactly as one who does not
    exist, so that the answer itself discloses nothing (inre sekretess).
    """


class NotAllowed(DomainError):
    """The acting user's roles do not permit this action."""


class ChangeRefused(DomainError):
    """A change the registry refuses as it stands (it would rewrite history, say); nothing was
    written. Carries every problem found, each located by its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class VersionConflict(DomainError):
    """The change was made against a version of the data that is no longer current."""

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

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidScenario(DomainError):
    """A scenario document broke the format; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class InvalidIdentifier(DomainError, ValueError):
    """A personnummer, samordningsnummer or HSA-id that does not hold."""

"""The rules engine: one module per pack (``lag``, ``rutin``, ``norrbotten``, ``gavleborg``).

Public interface: :func:`evaluate`, :func:`evaluate_patient`, :class:`Directory`,
:class:`Finding`, :func:`policy_named` and :data:`POLICIES`.
"""

from fastkontakt.domain.rules.engine import (
    POLICIES,
    RULES,
    Directory,
    Finding,
    Parameters,
    Policy,
    evaluate,
    evaluate_patient,
    policy_named,
)

__all__ = [
    "POLICIES",
    "RULES",
    "Directory",
    "Finding",
    "Parameters",
    "Policy",
    "evaluate",
    "evaluate_patient",
    "policy_named",
]

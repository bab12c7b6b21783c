"""Home-care visit planning: the problem model, file formats, the planner and its checker.

Pure Python with OR-Tools; nothing here imports Django or the apps. The small interface the
rest of the system uses::

    plan(instance, *, time_limit, weights, previous_plan=None) -> Plan
    check_plan(plan) -> list[Problem]
"""

from fastkontakt.domain.planning.checker import check_plan
from fastkontakt.domain.planning.model import (
    Absence,
    Break,
    Customer,
    Instance,
    Location,
    Plan,
    PlannedBreak,
    PlannedVisit,
    Shift,
    SpeedModel,
    StaffMember,
    Visit,
    VisitDemand,
    Weights,
)
from fastkontakt.domain.planning.planner import Planner, objective_terms, plan

__all__ = [
    "Absence",
    "Break",
    "Customer",
    "Instance",
    "Location",
    "Plan",
    "PlannedBreak",
    "PlannedVisit",
    "Planner",
    "Shift",
    "SpeedModel",
    "StaffMember",
    "Visit",
    "VisitDemand",
    "Weights",
    "check_plan",
    "objective_terms",
    "plan",
]

"""What every page shows besides its own content: an emergency access while it lasts."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from fastkontakt.access.selectors import OpenEmergencyAccess, emergency_access_open


def emergency_access(request: HttpRequest) -> dict[str, list[OpenEmergencyAccess]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"open_emergency_accesses": []}
    return {
        "open_emergency_accesses": emergency_access_open(user_id=user.pk, now=timezone.now())
    }

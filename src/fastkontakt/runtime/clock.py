"""The one clock of the apps and interfaces: today's date in the region's time zone.

The rules engine never reads a clock (``as_of`` is a parameter); everything above it that needs
"today" asks here, in ``TIME_ZONE`` (Europe/Stockholm), so the date never depends on the
server's own zone or on which module asks.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """Today's date in Stockholm."""
    # Imported here: the command line imports this module, and its planning commands run on
    # files without starting Django (tests/cli/test_plan_command.py).
    from django.utils import timezone

    return timezone.localdate()

"""Writes to the registry, one module per purpose.

- :mod:`.scenario`: loading and replacing whole scenario files (``fastkontakt load``).
- :mod:`.population`: importing new people and the directory they need (the FHIR import).
- :mod:`.contacts`: appointing, ending and handing over fixed contacts.
- :mod:`.care`: home care, discharge, SIPs and information transfers recorded from the pages.
"""

from fastkontakt.registry.services.scenario import (
    LoadSummary,
    RegistryConflict,
    scenario_load,
    scenario_replace,
)

__all__ = ["LoadSummary", "RegistryConflict", "scenario_load", "scenario_replace"]

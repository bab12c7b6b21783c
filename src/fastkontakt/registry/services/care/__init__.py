"""Home care, discharge, SIPs and information transfers: the writes behind the care page.

They record exactly what the rules look at (``spec/rules.md``): a home-care decision and its
documented reason that a fast omsorgskontakt is obviously unnecessary (``home-care-contact``),
the implementation plan drawn up at the first meeting, its update by the fast omsorgskontakt
and its revisions (``plan-initial-update``, ``plan-revision``), an inpatient stay with the
admission notice to the outpatient unit and the ready-for-discharge notice
(``discharge-contact``, ``discharge-sip-invitation``), SIPs with their invitation and
coordinator (``sip-coordinator``), and information transfers with or without consent
(``transfer-consent``).

Every service follows the path of :mod:`.contacts`:

1. **Validate the input** that needs no database (dates, texts, choices): one Swedish
   :class:`~fastkontakt.access.services.InvalidInput` problem per field.
2. **Check the role** at the unit concerned (``require_role``) and **the care relationship**
   (``person_read``: a person outside it is answered exactly as one who does not exist). Where
   the unit is a parameter the role comes first, so a refused actor reads nothing; where it is
   the unit of a record of the person (a decision, a stay), the person comes first, so that a
   record of someone outside the relationship answers 404 like one that does not exist.
3. **Check the input against what is recorded** (a plan already drawn up, a discharge before
   the admission...) and 4. **write and log the write** (``person_write_log``), in one
   transaction with the person's row locked: a refusal leaves nothing saved, and a write that
   rolls back leaves no log entry. The read of step 2 is logged outside that transaction, so
   a refused attempt stays in the access log.

Events (meetings, notices, admissions, invitations, transfers) cannot be recorded ahead of the
day they happen; a home-care decision is a period and may start ahead, as an appointment may.
One module per record type (``home_care``, ``plans``, ``stays``, ``sips``, ``transfers``), the
checks they share (``checks``) and the page's read (``overview``); this package exports them all.
"""

from __future__ import annotations

from fastkontakt.registry.services.care.checks import (
    DECIDING_ROLES,
    MUNICIPAL_UNIT_TYPES,
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
    RECORDING_ROLES,
)
from fastkontakt.registry.services.care.home_care import (
    home_care_decision_record,
    home_care_no_contact_reason_record,
    person_residence_record,
)
from fastkontakt.registry.services.care.overview import (
    CareOverview,
    care_overview_get,
)
from fastkontakt.registry.services.care.plans import (
    implementation_plan_establish,
    implementation_plan_revise,
    implementation_plan_update_record,
)
from fastkontakt.registry.services.care.sips import (
    sip_coordinator_set,
    sip_create,
    sip_invitation_record,
)
from fastkontakt.registry.services.care.stays import (
    inpatient_stay_admit,
    inpatient_stay_discharge,
    inpatient_stay_notice_record,
    inpatient_stay_ready_record,
)
from fastkontakt.registry.services.care.transfers import (
    information_transfer_consent_record,
    information_transfer_record,
)

__all__ = [
    "CareOverview",
    "DECIDING_ROLES",
    "MUNICIPAL_UNIT_TYPES",
    "REASON_MAX_LENGTH",
    "REASON_MIN_LENGTH",
    "RECORDING_ROLES",
    "care_overview_get",
    "home_care_decision_record",
    "home_care_no_contact_reason_record",
    "implementation_plan_establish",
    "implementation_plan_revise",
    "implementation_plan_update_record",
    "information_transfer_consent_record",
    "information_transfer_record",
    "inpatient_stay_admit",
    "inpatient_stay_discharge",
    "inpatient_stay_notice_record",
    "inpatient_stay_ready_record",
    "person_residence_record",
    "sip_coordinator_set",
    "sip_create",
    "sip_invitation_record",
]

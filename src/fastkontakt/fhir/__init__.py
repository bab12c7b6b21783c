"""The FHIR R4 API (IHE Dynamic Care Team Management)."""

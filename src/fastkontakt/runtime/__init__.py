"""Running the application for a region: the background worker, the schedule, health and
metrics, JSON logs (ADR 0017, ADR 0018)."""

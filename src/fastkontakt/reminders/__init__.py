"""Reminder mail: each user's daily digest of overdue and due-soon findings (ADR 0017)."""

"""Fast kontakt: the one register of every fixed contact a person has in health and elderly care."""

"""Home-care visit planning: shifts, visit demand and stored plans, fed to ``domain.planning``."""

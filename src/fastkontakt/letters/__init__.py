"""Written information to the person about their fixed contacts: PDF letters and their delivery."""

"""Pure Python domain core: identifiers, calendar arithmetic, the scenario model and the rules.

Nothing here imports Django or any other part of the project (enforced by import-linter).
"""

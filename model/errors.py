"""Errors a user can act on (the CLI maps each to a short message and exit code 2)."""


class ModelSetupError(Exception):
    """The scenario asks for something the data cannot express (e.g. a rule with no measure to meet it)."""

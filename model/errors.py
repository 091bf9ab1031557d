"""Errors a user can act on (the CLI maps each to a short message and exit code 2), and the one hint they share."""

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    """' (did you mean 'x'?)' for the option closest to ``word`` (difflib ratio >= ``cutoff``), or ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


class ModelSetupError(Exception):
    """The scenario asks for something the data cannot express (e.g. a rule with no measure to meet it)."""


class CommandLineError(Exception):
    """A command-line option that cannot be used as given (e.g. a dask scheduler that cannot be reached)."""


class ScenarioError(Exception):
    """A mistake in a scenario file or override; the message says where and how to fix it."""


class YamlSyntaxError(ScenarioError):
    """Text that is not YAML (a ``--set`` value that is not YAML is taken as text)."""

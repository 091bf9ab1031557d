"""The one study pipeline: load -> resolve -> candidates -> model -> persistent solver, each step once, on demand.

A run and every study (sweep, MACC, alternatives, rules-cost, uncertainty) start from a :class:`Pipeline` and
differ only in what they vary: a target level, the cost cap, a lifted rule, a sample's data. What a cluster
worker receives is the resolved :class:`~model.resolve.ModelData` (model/studies/parallel.py), from which it
makes its own pipeline: no file of the client's is read there.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .resolve import ModelData


class Pipeline:
    """``md`` resolved; ``given_candidates``: candidates another pipeline built from the same data (they do not
    depend on rules or target levels); ``loaded``: the scenario as read, when this pipeline read it."""

    @classmethod
    def load(cls, scenario: Path | str, overrides: list[str] | tuple = (), inputs: Path | str | None = None,
             dataset=None) -> "Pipeline":
        """Read the scenario (with ``extends:`` and ``--set``) and the dataset (``dataset``: one already read, for
        several scenarios on the same data), and resolve them."""
        from .inputs import load_dataset
        from .resolve import resolve
        from .scenario import load_scenario

        loaded = load_scenario(scenario, list(overrides))
        return cls(resolve(dataset if dataset is not None else load_dataset(inputs), loaded), loaded=loaded)

    def __init__(self, md: ModelData, given_candidates=None, loaded=None):
        self.md, self.given_candidates, self.loaded = md, given_candidates, loaded

    @cached_property
    def candidates(self):
        """Every candidate project (:class:`model.candidates.Candidates`)."""
        from .candidates import build_candidates

        return self.given_candidates if self.given_candidates is not None else build_candidates(self.md)

    @cached_property
    def model(self):
        """The Pyomo model (:class:`model.build.BuiltModel`)."""
        from .build import build_model

        return build_model(self.md, self.candidates)

    @cached_property
    def solver(self):
        """One HiGHS instance with the scenario's settings, kept for re-solves (:class:`model.solve.Solver`)."""
        from .solve import Solver

        return Solver.from_scenario(self.model)

    def varied(self, md: ModelData) -> "Pipeline":
        """A pipeline for ``md`` (the same data with a rule lifted or a target hardened) that reuses these
        candidates: they depend on the data and the measures, not on rules or target levels."""
        return Pipeline(md, given_candidates=self.candidates, loaded=self.loaded)

"""``ersim validate``: everything a run would refuse that can be found without solving.

The scenario (schema, names against the dataset), the dataset, the uncertain parameters ``ersim uncertainty``
would draw, and the model itself: its candidates and constraint rows are built (a rule with no measure to meet
it is found here) and handed to HiGHS, whose numbers are checked (nan, infinite or huge costs and coefficients,
named by candidate) and whose options are set, but HiGHS is not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .inputs import Dataset, load_dataset
from .scenario import LoadedScenario, load_scenario


@dataclass(frozen=True)
class Checked:
    """What was checked: the scenario, the dataset and the size of the model a run would solve."""

    loaded: LoadedScenario
    dataset: Dataset
    candidates: int
    columns: int
    rows: int
    warnings: tuple[str, ...] = ()  # ModelData.warnings: what a run would say before solving


def check_scenario(path: Path | str, overrides: list[str] | None = None, inputs: Path | None = None,
                   model: bool = True) -> Checked:
    """Check ``path`` with ``overrides`` against the dataset in ``inputs`` as far as a run goes before solving;
    raises the error a run would (ScenarioError, InputDataError, ModelSetupError, HighsOptionError, ...).
    ``model=False``: the scenario and the dataset only (sizes 0), twice as fast."""
    loaded = load_scenario(path, overrides)  # first, before Pyomo is imported: a hostile file is refused at once
    ds = load_dataset(inputs)
    from .resolve import resolve

    md = resolve(ds, loaded)
    block = loaded.scenario.uncertainty
    if block is not None and block.parameters:  # what `ersim uncertainty` would refuse after loading
        from .studies.uncertainty import check_parameters

        check_parameters([p.model_dump() for p in block.parameters], ds, loaded.resolved, loaded)
    if not model:
        return Checked(loaded, ds, 0, 0, 0, tuple(md.warnings))
    from .build import build_model  # Pyomo and HiGHS: only when the model is built
    from .candidates import build_candidates
    from .solve import Solver

    cands = build_candidates(md)
    bm = build_model(md, cands)
    solver = Solver.from_scenario(bm)
    return Checked(loaded, ds, len(bm.candidates), solver.n_cols, solver.n_rows, tuple(md.warnings))

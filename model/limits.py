"""Upper bounds on the work one command may ask for, in one place: the scenario schema and the command line
both obey them, so a typo (``--samples 1000000``) or a hostile file is refused at once with the cap named,
instead of running for hours or out of memory. No imports: ``cli.py`` reads them at start-up."""

#: Monte Carlo samples (``uncertainty.samples``, ``--samples``): each is a full solve
MAX_SAMPLES = 10_000
#: levels of one cost curve (``--steps``, ``--values``): each is a MILP re-solve
MAX_SWEEP_LEVELS = 500
#: near-optimal alternatives (``--count``): each is a MILP solve on a growing model
MAX_ALTERNATIVES = 20
#: the largest ``--slack`` of ``ersim alternatives``, a fraction of the optimum's cost (10 = 1,000 % dearer)
MAX_SLACK = 10.0
#: sweep fractions (``--from``, ``--to``) of a target's level
MAX_SWEEP_FRACTION = 100.0
#: dask workers started on this machine (``--workers``)
MAX_WORKERS = 256
#: a random seed numpy accepts (``--seed``, ``uncertainty.seed``)
MAX_SEED = 2 ** 32 - 1

"""Studies built on single runs: cost curves, MACC, comparisons, near-optimal alternatives, Monte Carlo."""

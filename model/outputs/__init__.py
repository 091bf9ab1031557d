"""Figures, exports and the HTML report of finished runs (read through model.rundir only)."""

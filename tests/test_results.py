"""Result tables of a solve: the notes on target rows."""

from __future__ import annotations

from model.results import _target_note


def test_a_price_missing_after_the_time_limit_says_so():
    class Row:
        kind = "hard"

    assert "time limit" in _target_note(Row, True, float("nan"), "time_limit")
    assert _target_note(Row, True, float("nan"), "optimal") == "met; price not available"
    assert _target_note(Row, True, 0.0, "optimal").startswith("met; not binding")
    # base's NOx 2025 row: its own dual 0, its 2023 milestone binding
    assert _target_note(Row, True, 0.0, "optimal", 16_588.0) == "met; its milestones bind (the marginal cost counts them)"

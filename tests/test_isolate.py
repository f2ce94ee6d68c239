"""The isolated child's stages: each gets its own time budget, and what a stage sent survives what comes
after it (a timeout, an exit)."""

from __future__ import annotations

import time

from grader.isolate import run_isolated, warm_up


def test_each_stage_has_its_own_budget() -> None:
    warm_up()
    outcome = run_isolated("tests.helpers.targets:two_slow_stages", 1.2, timeout=2.0)
    assert (outcome.status, outcome.stages, outcome.value) == ("ok", ["built", "traced"], "ran")
    assert outcome.seconds > 2.0  # longer than one budget in all, within each stage's


def test_a_stage_that_never_ends_keeps_what_came_before_it() -> None:
    start = time.monotonic()
    outcome = run_isolated("tests.helpers.targets:stuck_after_one_stage", timeout=1.0)
    assert (outcome.status, outcome.stages) == ("timeout", ["built"])
    assert time.monotonic() - start < 1.0 + 5

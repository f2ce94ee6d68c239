"""Targets for grader.isolate's tests: importable functions the isolated child runs."""

import time

from grader.isolate import send_stage


def two_slow_stages(seconds: float) -> str:
    send_stage("built")
    time.sleep(seconds)
    send_stage("traced")
    time.sleep(seconds)
    return "ran"


def stuck_after_one_stage() -> None:
    send_stage("built")
    while True:
        time.sleep(0.05)

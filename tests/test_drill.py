"""The formula drill: questions are functions of their seed, answers come from grader.formulas, the worked
solution ends on the answer, and the SQLite history keeps every committed answer through a crash."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from grader import formulas as f
from grader.drill import KINDS, DrillLog, make_question, parse_answer
from tests.conftest import ROOT


def _expected(kind: str, facts: dict) -> int:
    if kind == "conv_output":
        return f.conv_output_size(facts["size"], facts["kernel"], facts["stride"], facts["padding"])
    if kind == "pool_output":
        return f.pool_output_size(facts["size"], facts["kernel"], facts["stride"], ceil_mode=facts["ceil_mode"])
    if kind == "conv_params":
        return f.conv_params(facts["in"], facts["out"], facts["kernel"], bias=facts["bias"])
    if kind == "linear_params":
        return f.linear_params(facts["in"], facts["out"])
    return f.receptive_field([tuple(layer) for layer in facts["layers"]])


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_answers_with_the_formula_library_and_shows_its_working(kind):
    for seed in range(200):
        question = make_question(seed, kind)
        facts = question.facts
        expected = _expected(kind, facts)
        assert question.answer == expected, (seed, facts)
        for lang in ("en", "zh-TW"):
            steps = question.solution(lang)
            assert len(steps) >= 2 and steps[-1].replace(",", "").endswith(f"= {question.answer}"), (seed, steps)
            assert question.ask(lang).endswith(("?", "？")), question.ask(lang)


def test_a_seed_gives_the_same_question_and_its_kind_is_drawn_apart_from_its_facts():
    for seed in range(300):
        question = make_question(seed)
        assert make_question(seed) == question
        assert make_question(seed, question.kind) == question
    assert len({make_question(seed).kind for seed in range(100)}) == len(KINDS)
    with pytest.raises(ValueError, match="unknown question kind"):
        make_question(1, "nope")


@pytest.mark.parametrize("given, value", [
    ("55", 55), (" 1,792 ", 1792), ("4 096", 4096), ("55.0", 55), (55, 55), (55.0, 55),
    ("5.5", None), ("", None), ("abc", None), (None, None), (True, None),
])
def test_answers_are_read_as_learners_write_them(given, value):
    assert parse_answer(given) == value


def test_the_history_records_each_answer_with_its_score(tmp_path):
    log = DrillLog(tmp_path / "drill.sqlite3")
    first, second = make_question(1, "linear_params"), make_question(2, "conv_output")
    assert log.record(first, str(first.answer)) is True
    assert log.record(second, "0", lang="zh-TW") is False
    assert log.score() == (1, 2)
    assert log.by_kind() == {"linear_params": (1, 1), "conv_output": (0, 1)}
    newest, oldest = log.history()
    assert (newest.kind, newest.given, newest.correct, newest.question) == ("conv_output", "0", False, second.ask("zh-TW"))
    assert (oldest.seed, oldest.answer, oldest.correct) == (1, first.answer, True)
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_crash_in_the_middle_of_a_write_loses_nothing_recorded_before_it(tmp_path):
    """A child records three answers, then dies (os._exit) inside the fourth answer's transaction,
    after its INSERT and before its COMMIT: the three are there, the fourth is not, the file is sound."""
    path = tmp_path / "drill.sqlite3"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from grader.drill import DrillLog, make_question
        log = DrillLog({str(path)!r})
        for seed in (1, 2, 3):
            question = make_question(seed)
            log.record(question, str(question.answer))
        conn = log.connect()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO answers (at, kind, seed, question, given, answer, correct) "
                     "VALUES (0, 'conv_output', 4, 'q', '1', 1, 1)")
        os._exit(1)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    log = DrillLog(path)
    assert [entry.seed for entry in log.history()] == [3, 2, 1]
    assert log.score() == (3, 3)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    question = make_question(5)  # and the file takes new answers
    log.record(question, str(question.answer))
    assert log.score() == (4, 4)

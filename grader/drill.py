"""The formula drill: randomized questions with worked solutions, and a history that survives a crash.

A question is a pure function of its seed (``make_question(seed)``), so a page can rebuild it on every
rerun and the history can say exactly what was asked. Every answer comes from ``grader.formulas``;
the worked solution substitutes the question's numbers into the formula, step by step.

The history is an SQLite file in ``grader.progress.data_dir()`` (``drill.sqlite3``) in WAL mode with
``synchronous=FULL``: each answer is one transaction, so a crash in the middle of a write loses that
answer at most, never one recorded before it.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from grader import formulas as f
from grader import worked
from grader.text import LANGS, join_list, normalize_lang, t

__all__ = ["KINDS", "Question", "make_question", "parse_answer", "DrillLog", "Entry", "DB_NAME"]

KINDS = ("conv_output", "pool_output", "conv_params", "linear_params", "receptive_field")
DB_NAME = "drill.sqlite3"

# Sizes, kernels and channel counts the course's networks actually use.
_SIZES = (13, 14, 27, 28, 32, 55, 56, 112, 224, 227)
_KERNELS = (1, 3, 5, 7, 11)
_CHANNELS_IN = (1, 3, 6, 16, 64, 96, 128, 192, 256, 384, 512)
_CHANNELS_OUT = (6, 16, 32, 64, 96, 128, 192, 256, 384, 512, 1000)
_FEATURES_IN = (84, 120, 400, 1024, 4096, 9216, 25088)
_FEATURES_OUT = (10, 84, 120, 1000, 4096)
_RF_LAYERS = ((3, 1), (3, 1), (3, 1), (5, 1), (2, 2), (3, 2), (7, 2), (1, 1), (11, 4))


@dataclass(frozen=True)
class Question:
    kind: str
    seed: int
    facts: dict[str, object]
    answer: int
    prompt: dict[str, str]  # lang -> the question
    steps: dict[str, list[str]] = field(default_factory=dict)  # lang -> the worked solution, line by line

    def ask(self, lang: str = "en") -> str:
        return self.prompt[normalize_lang(lang)]

    def solution(self, lang: str = "en") -> list[str]:
        return self.steps[normalize_lang(lang)]

    def is_right(self, given: object) -> bool:
        return parse_answer(given) == self.answer


def parse_answer(given: object) -> int | None:
    """What a learner types: ``55``, ``1,792``, `` 4 096 ``, ``55.0``; None when it is not a whole number."""
    if isinstance(given, bool):
        return None
    if isinstance(given, int):
        return given
    if isinstance(given, float):
        return int(given) if given.is_integer() else None
    text = str(given or "").strip().replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _asked(key: str, **facts: object) -> dict[str, str]:
    return {lang: t(key, lang, **facts) for lang in LANGS}


def _worked(formula: Callable[..., worked.Worked], *numbers: object, **options: object) -> dict[str, list[str]]:
    """The worked solution in each language, one step per line (grader.worked)."""
    return {lang: formula(*numbers, **options, lang=lang).lines() for lang in LANGS}


# -- the generators: each draws its facts from rng and returns a Question, or None to draw again -------
def _conv_output(rng: random.Random, seed: int) -> Question | None:
    w, k, s, p = rng.choice(_SIZES), rng.choice(_KERNELS), rng.choice((1, 1, 2, 4)), rng.choice((0, 0, 1, 2, 3))
    if k > w + 2 * p or (s == 4 and k < 7) or p > k // 2 or (k >= 7 and w < 55):
        return None
    answer = f.conv_output_size(w, k, s, p)
    return Question("conv_output", seed, {"size": w, "kernel": k, "stride": s, "padding": p}, answer,
                    _asked("drill.ask.conv_output", k=k, s=s, p=p, w=w), _worked(worked.conv_size, w, k, s, p))


def _pool_output(rng: random.Random, seed: int) -> Question | None:
    w, k = rng.choice(_SIZES), rng.choice((2, 3, 3))
    s = rng.choice((2, 2, 1)) if k == 3 else 2
    ceil = k == 3 and s == 2 and rng.random() < 0.3  # ZFNet's pools; with F >= S the edge rule never bites
    if k > w:
        return None
    answer = f.pool_output_size(w, k, s, ceil_mode=ceil)
    key = "drill.ask.pool_output_ceil" if ceil else "drill.ask.pool_output"
    return Question("pool_output", seed, {"size": w, "kernel": k, "stride": s, "ceil_mode": ceil}, answer,
                    _asked(key, k=k, s=s, w=w), _worked(worked.pool_size, w, k, s, ceil=ceil))


def _conv_params(rng: random.Random, seed: int) -> Question | None:
    i, o, k = rng.choice(_CHANNELS_IN), rng.choice(_CHANNELS_OUT), rng.choice(_KERNELS)
    bias = rng.random() < 0.8
    answer = f.conv_params(i, o, k, bias=bias)
    key = "drill.ask.conv_params" if bias else "drill.ask.conv_params_no_bias"
    return Question("conv_params", seed, {"in": i, "out": o, "kernel": k, "bias": bias}, answer,
                    _asked(key, k=k, i=i, o=o), _worked(worked.conv_params, i, o, k, bias))


def _linear_params(rng: random.Random, seed: int) -> Question | None:
    i, o = rng.choice(_FEATURES_IN), rng.choice(_FEATURES_OUT)
    answer = f.linear_params(i, o)
    return Question("linear_params", seed, {"in": i, "out": o}, answer, _asked("drill.ask.linear_params", i=i, o=o),
                    _worked(worked.linear_params, i, o))


def _receptive_field(rng: random.Random, seed: int) -> Question | None:
    layers = [rng.choice(_RF_LAYERS) for _ in range(rng.choice((2, 3, 3, 4)))]
    answer = f.receptive_field(layers)
    stack = [f"{k}x{k}/{s}" for k, s in layers]
    asked = {lang: t("drill.ask.receptive_field", lang, stack=join_list(stack, lang)) for lang in LANGS}
    return Question("receptive_field", seed, {"layers": [list(layer) for layer in layers]}, answer, asked,
                    _worked(worked.receptive_field, layers))


_GENERATORS: dict[str, Callable[[random.Random, int], Question | None]] = {
    "conv_output": _conv_output,
    "pool_output": _pool_output,
    "conv_params": _conv_params,
    "linear_params": _linear_params,
    "receptive_field": _receptive_field,
}


def make_question(seed: int, kind: str | None = None) -> Question:
    """The question for ``seed`` (of ``kind``, or a kind drawn from the seed): the same seed, the same question."""
    # the kind is drawn apart from the facts, so make_question(seed) == make_question(seed, its kind)
    chosen = kind or random.Random(f"kind:{seed}").choice(KINDS)
    rng = random.Random(seed)
    if chosen not in _GENERATORS:
        raise ValueError(f"unknown question kind {chosen!r}; kinds: {', '.join(KINDS)}")
    while True:
        question = _GENERATORS[chosen](rng, seed)
        if question is not None:
            return question


# -- the history ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    id: int
    at: float  # unix time
    kind: str
    seed: int
    question: str
    given: str
    answer: int
    correct: bool


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       REAL    NOT NULL,
    kind     TEXT    NOT NULL,
    seed     INTEGER NOT NULL,
    question TEXT    NOT NULL,
    given    TEXT    NOT NULL,
    answer   INTEGER NOT NULL,
    correct  INTEGER NOT NULL
)
"""


class DrillLog:
    """The drill's history in one SQLite file; a connection per call, so any thread may use it."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from grader.progress import data_dir

            path = data_dir() / DB_NAME
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self.connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file
            conn.execute(_SCHEMA)

    def connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; record() opens and commits its own.
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")  # a committed answer is on disk before record() returns
        return conn

    def record(self, question: Question, given: object, lang: str = "en") -> bool:
        """Store one answer in its own transaction; returns whether it was right."""
        correct = question.is_right(given)
        row = (time.time(), question.kind, question.seed, question.ask(lang), str(given), question.answer, int(correct))
        with closing(self.connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT INTO answers (at, kind, seed, question, given, answer, correct) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return correct

    def history(self, limit: int = 20) -> list[Entry]:
        """The latest answers, newest first."""
        with closing(self.connect()) as conn:
            rows = conn.execute("SELECT id, at, kind, seed, question, given, answer, correct FROM answers "
                                "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Entry(*row[:7], bool(row[7])) for row in rows]

    def score(self) -> tuple[int, int]:
        """(right, answered) over the whole history."""
        with closing(self.connect()) as conn:
            right, total = conn.execute("SELECT COALESCE(SUM(correct), 0), COUNT(*) FROM answers").fetchone()
        return int(right), int(total)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """(right, answered) per question kind, for the kinds answered at least once."""
        with closing(self.connect()) as conn:
            rows = conn.execute("SELECT kind, SUM(correct), COUNT(*) FROM answers GROUP BY kind").fetchall()
        return {kind: (int(right), int(total)) for kind, right, total in rows}

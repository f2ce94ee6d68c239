"""What every page shares: the chosen language, and the grader's reports cached on the learner's files.

Grading always goes through ``grader.pipeline.grade`` / ``grade_worksheet``, which run the learner's
code in an isolated child process with a time and a memory limit: a file that hangs or crashes gives
a report, never a frozen page. A report is cached under the file's path, modification time and size,
so saving a file is all it takes for the next run of a page to grade it again.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

import grader.chapters
from grader.chapters import Chapter
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from grader.pipeline import grade, grade_worksheet
from grader.progress import data_dir
from grader.report import Report
from grader.text import LANGS

__all__ = ["saved_language", "save_language", "current_lang", "limits", "stamp", "shown", "model_report", "worksheet_report",
           "grade_all", "chapter_result", "run_count", "bump_run", "md"]

Stamp = tuple[str, int, int]


def saved_language() -> str:
    """The language the learner chose last time (``app.json`` in the data folder), else English."""
    try:
        lang = json.loads((data_dir() / "app.json").read_text()).get("language")
    except (OSError, ValueError, AttributeError):
        return "en"
    return lang if lang in LANGS else "en"


def save_language(lang: str) -> None:
    path = data_dir() / "app.json"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".app-")
    with os.fdopen(fd, "w") as file:
        json.dump({"language": lang}, file)
    os.replace(tmp, path)  # a crash never leaves half a file


def current_lang() -> str:
    """The language chosen in the sidebar (kept by the router in ``language``); English until one is chosen."""
    return st.session_state.get("language") or "en"


def limits() -> tuple[float, int]:
    """The grader's time (s) and memory (MB) limits: CNN_DOJO_TIMEOUT / CNN_DOJO_MEMORY_MB, or its defaults."""
    timeout = float(os.environ.get("CNN_DOJO_TIMEOUT") or DEFAULT_TIMEOUT)
    memory = int(os.environ.get("CNN_DOJO_MEMORY_MB") or DEFAULT_MEMORY_MB)
    return timeout, memory


def stamp(path: Path) -> Stamp:
    """(path, mtime in ns, size): the cache key of a learner's file; a missing file has its own stamp."""
    try:
        info = path.stat()
    except OSError:
        return (str(path), 0, -1)
    return (str(path), info.st_mtime_ns, info.st_size)


def shown(path: Path) -> str:
    """A learner's file as they know it: relative to the course folder."""
    try:
        return str(path.resolve().relative_to(grader.chapters.ROOT.resolve()))
    except ValueError:
        return str(path)


@st.cache_data(show_spinner=False, max_entries=128)
def _model_report(chapter_id: str, file: Stamp, lang: str, timeout: float, memory_mb: int, run: int) -> Report:
    return grade(chapter_id, file[0], lang, worksheet=False, timeout=timeout, memory_mb=memory_mb)


@st.cache_data(show_spinner=False, max_entries=128)
def _worksheet_report(chapter_id: str, file: Stamp, lang: str, timeout: float, memory_mb: int) -> Report:
    return grade_worksheet(chapter_id, file[0], lang, timeout=timeout, memory_mb=memory_mb)


def run_count(chapter: Chapter) -> int:
    """0, or the token of the learner's last "Run the check" (part of the cache key)."""
    return st.session_state.get(f"run:{chapter.id}", 0)


def bump_run(chapter_id: str) -> None:
    """The "Run the check" button: grade again even when the file did not change. The token is new to
    the whole server (the cache is shared by every session), so the click always grades."""
    st.session_state[f"run:{chapter_id}"] = time.time_ns()


def model_report(chapter: Chapter, lang: str | None = None) -> Report:
    """The grader's report on the learner's model file (``exercises/<chapter>/<file>``)."""
    timeout, memory = limits()
    return _model_report(chapter.id, stamp(chapter.exercise_path()), lang or current_lang(), timeout, memory,
                         run_count(chapter))


def worksheet_report(chapter: Chapter, lang: str | None = None) -> Report:
    """The grader's report on the learner's worksheet (``exercises/<chapter>/worksheet.py``)."""
    timeout, memory = limits()
    return _worksheet_report(chapter.id, stamp(chapter.worksheet_path()), lang or current_lang(), timeout, memory)


def grade_all(chapters: list[Chapter], lang: str | None = None, *, models_only: bool = False) -> None:
    """Fill the cache for several chapters; the pages then read the reports from it. Gradings run side by
    side only on a machine with cores to spare (one per 4 CPUs): each child's torch uses several cores,
    and a grading slowed down by another one could hit the time limit on a correct model."""
    lang = lang or current_lang()
    timeout, memory = limits()
    jobs = [(_model_report, (c.id, stamp(c.exercise_path()), lang, timeout, memory, run_count(c))) for c in chapters]
    if not models_only:
        jobs += [(_worksheet_report, (c.id, stamp(c.worksheet_path()), lang, timeout, memory)) for c in chapters]
    jobs.reverse()  # the later chapters' models are the slow ones: start them first
    context = get_script_run_ctx()

    def call(job):
        add_script_run_ctx(threading.current_thread(), context)
        function, args = job
        return function(*args)

    with ThreadPoolExecutor(max_workers=max(1, min(4, (os.cpu_count() or 1) // 4))) as pool:
        list(pool.map(call, jobs))


def chapter_result(chapter: Chapter, lang: str | None = None) -> Report:
    """The whole chapter as ``grade()`` scores it: the worksheet's checks, then the model's."""
    sheet, model = worksheet_report(chapter, lang), model_report(chapter, lang)
    return Report(chapter.id, model.path, model.lang, sheet.checks + model.checks, seconds=sheet.seconds + model.seconds,
                  models=model.models, output=sheet.output + model.output)


def _plain(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "*_$<#[]|~":
        text = text.replace(char, "\\" + char)
    return text


def md(text: str) -> str:
    """The grader's plain text as Markdown: `code` stays code; * _ $ < # outside it are shown as typed
    ("16*5*5", "W_out", a "$" that is not LaTeX), and line breaks stay line breaks."""
    parts = text.split("`")
    tail = parts.pop() if len(parts) % 2 == 0 else None  # after an unmatched backtick: plain text
    for index in range(0, len(parts), 2):  # the even parts are outside backticks
        parts[index] = _plain(parts[index])
    joined = "`".join(parts) + ("\\`" + _plain(tail) if tail is not None else "")
    return joined.replace("\n", "  \n")

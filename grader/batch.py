"""``python -m grader batch``: grade a whole class, in parallel, resumably.

    find the submissions (grader.submissions)  ->  skip those already graded (ResultStore)
    -> grade the rest on workers (inline, local processes, or Dask)  ->  save each result as it comes
    -> exports (grader.exports)

Each grading is ``grader.pipeline.grade`` / ``grade_worksheet``, with their isolation: a hang, crash,
``os._exit`` or memory bomb costs its own submission only. A worker process starts the grader's
forkserver once (``warm_up``) and reuses it, and its torch and reference traces, for every submission.

Resumable: one JSON per student and chapter, written atomically (a temporary file, then a rename) as
soon as its grading is known, under a key that hashes the submitted files, the grader's version and
the settings. A rerun skips what has the same key; Ctrl-C or ``kill -9`` loses at most the gradings in
flight. On Dask, a task whose worker is lost is rescheduled by the scheduler on another worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.chapters import Chapter, get_chapter
from grader.isolate import DEFAULT_MEMORY_MB
from grader.scoring import DEFAULT, Scoring
from grader.submissions import MODEL, WORKSHEET, Submission, find_submissions
from grader.text import normalize_lang, t

__all__ = ["GradingTask", "BatchResult", "BatchInterrupted", "make_tasks", "write_atomically", "ResultStore", "run_batch", "grade_task", "prepare_worker", "grader_version",
           "task_key", "NOT_SUBMITTED", "RESULT_FORMAT", "BatchError"]

RESULT_FORMAT = 1
NOT_SUBMITTED = "not_submitted"  # a check's kind when the file it needs was not handed in
ATTEMPTS = 3  # a task whose worker died this many times is reported, not saved (a rerun tries again)


class BatchError(Exception):
    """The batch cannot go on (a bad folder, a cluster that cannot be reached, workers of another grader)."""


# -- what a worker is given, and what it answers ------------------------------------------------------
@dataclass(frozen=True)
class GradingTask:
    submission: Submission
    lang: str
    timeout: float
    memory_mb: int
    key: str
    grader_version: str
    scoring: Scoring = DEFAULT  # the course's points and partial-credit rule (course.toml), as nbgrader grades


_VERSION: str | None = None


def grader_version() -> str:
    """cnn-dojo's version and a hash of the grader's and the reference zoo's sources: any change to what
    grades gives a new version, and the results graded before it are graded again."""
    global _VERSION
    if _VERSION is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("cnn-dojo")
        except PackageNotFoundError:
            release = "0"
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent
        for folder in (package, package.parent / "solutions"):
            for path in sorted(folder.rglob("*.py")):
                digest.update(str(path.relative_to(folder.parent)).encode())
                digest.update(path.read_bytes())
        _VERSION = f"{release}+{digest.hexdigest()[:12]}"
    return _VERSION


def task_key(submission: Submission, lang: str, timeout: float, memory_mb: int, version: str,
             scoring: Scoring = DEFAULT) -> str:
    """What a result is valid for: the submitted files, the grader, the language, the limits and the scoring."""
    text = json.dumps([submission.digest(), version, lang, timeout, memory_mb,
                       json.dumps(asdict(scoring), sort_keys=True)])
    return hashlib.sha256(text.encode()).hexdigest()


_PREPARED = False


def prepare_worker() -> None:
    """Once per worker process: start the grader's forkserver (it imports torch and the reference zoo)
    and import the pipeline, so every grading after the first only forks."""
    global _PREPARED
    if _PREPARED:
        return
    import multiprocessing

    # Dask starts its workers as daemonic processes, which multiprocessing forbids to have children; the
    # grader's children are stopped by the grader itself (time limit) and die with the worker's group.
    multiprocessing.current_process()._config.pop("daemon", None)  # type: ignore[attr-defined]
    from grader import isolate

    _preload_in_forkserver(isolate, WORKER_PRELOAD)
    isolate.warm_up()
    importlib.import_module("grader.pipeline")  # the worker's own half of each grading (torch, the zoo)
    _PREPARED = True


# torch imports torch._dynamo lazily, the first time a learner's model runs certain ops on the meta
# device (nn.ReLU through torch._refs): 1.3 to 4 s, paid again by every grading child, because each is
# forked from a forkserver that never imported it. Imported once in the forkserver, it costs nothing.
WORKER_PRELOAD = ("torch._dynamo",)


def _preload_in_forkserver(isolate: Any, modules: tuple[str, ...]) -> None:
    """Add ``modules`` to what the grader's forkserver imports before it forks (only before it starts)."""
    from multiprocessing import forkserver

    get_context = getattr(isolate, "_get_context", None)
    preload = list(getattr(isolate, "_PRELOAD", ()))
    if get_context is None or not preload:
        return  # the grader changed how it starts its server: nothing to add to
    get_context()  # the grader's own context and preload list, set once
    forkserver.set_forkserver_preload([*preload, *(m for m in modules if m not in preload)])


_WARM_CHAPTERS: set[str] = set()


def _warm_chapter(chapter: Chapter) -> None:
    """The reference traces of a chapter, once per worker (not inside the first learner's time)."""
    if chapter.id in _WARM_CHAPTERS:
        return
    from grader import reference

    for spec in chapter.models:
        reference.for_spec(spec)
    _WARM_CHAPTERS.add(chapter.id)


def _not_submitted(chapter: Chapter, check_ids: list[str], message: str, scoring: Scoring) -> list[dict[str, Any]]:
    return [{"id": check_id, "passed": False, "points": 0, "max_points": scoring.max_points(chapter, check_id),
             "kind": NOT_SUBMITTED, "layer": None, "suspect": None, "message": message, "hints": [message]}
            for check_id in check_ids]


def _relabel(checks: list[Any], prefixes: list[str]) -> list[dict[str, Any]]:
    """The checks as dicts, with the scratch folder's path taken out of every message: the student reads
    the file's name in their own folder ("lenet.py", "exercises/ch01_lenet/lenet.py")."""

    def clean(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    out = []
    for check in checks:
        data = check.to_dict()
        data["message"] = clean(data["message"])
        data["hints"] = [clean(hint) for hint in data["hints"]]
        out.append(data)
    return out


def _scratch_prefixes(folder: Path) -> list[str]:
    prefixes = {str(folder) + os.sep, str(folder.resolve()) + os.sep}
    with contextlib.suppress(ValueError):
        relative = folder.resolve().relative_to(Path.cwd().resolve())
        prefixes.add(str(relative) + os.sep)
    return sorted(prefixes, key=len, reverse=True)


def _missing_message(submission: Submission, role: str, chapter: Chapter, lang: str) -> str:
    if submission.problem:
        return t("batch.unreadable", lang, problem=submission.problem)
    name = Path(chapter.file).name if role == MODEL else "worksheet.py"
    if submission.empty:
        return t("batch.nothing", lang, chapter=chapter.id, looked=", ".join(submission.looked_for))
    return t("batch.missing", lang, name=name)


def grade_task(task: GradingTask) -> dict[str, Any]:
    """Grade one submission (its worksheet, then its model) and answer the result record. Runs on a worker."""
    if not task.submission.empty:
        prepare_worker()
    from grader.pipeline import grade, grade_worksheet
    from grader.worksheets import WORKSHEETS

    submission, lang = task.submission, task.lang
    chapter = get_chapter(submission.chapter)
    if not submission.empty:
        _warm_chapter(chapter)
    start = time.monotonic()
    checks: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cnn-dojo-batch-") as scratch:
        folder = Path(scratch)
        prefixes = _scratch_prefixes(folder)

        def place(role: str) -> Path | None:
            file = submission.file(role)
            if file is None:
                return None
            path = folder / file.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.text, encoding="utf-8")
            return path

        blanks = [f"worksheet.{blank.name}" for blank in WORKSHEETS.get(chapter.id, ())]
        if blanks:
            sheet = place(WORKSHEET)
            if sheet is None:
                checks += _not_submitted(chapter, blanks, _missing_message(submission, WORKSHEET, chapter, lang),
                                         task.scoring)
            else:
                report = grade_worksheet(chapter.id, sheet, lang, timeout=task.timeout, memory_mb=task.memory_mb,
                                         scoring=task.scoring)
                checks += _relabel(report.checks, prefixes)
        model = place(MODEL)
        if model is None:
            checks += _not_submitted(chapter, chapter.check_ids(), _missing_message(submission, MODEL, chapter, lang),
                                     task.scoring)
        else:
            # chapter 0's random cases from a seed of the submission: a rerun gives the same feedback
            report = grade(chapter.id, model, lang, worksheet=False, timeout=task.timeout, memory_mb=task.memory_mb,
                           seed=int(task.key[:8], 16), scoring=task.scoring)
            checks += _relabel(report.checks, prefixes)
    return {
        "format": RESULT_FORMAT, "student": submission.student, "chapter": chapter.id, "key": task.key,
        "grader_version": grader_version(), "lang": lang, "timeout": task.timeout, "memory_mb": task.memory_mb,
        "files": [file.name for file in submission.files], "source": submission.source,
        "score": sum(c["points"] for c in checks), "max_score": sum(c["max_points"] for c in checks),
        "checks": checks, "seconds": round(time.monotonic() - start, 3), "worker": os.getpid(),
        "graded_at": round(time.time(), 3),
    }


# -- where the results live ---------------------------------------------------------------------------
class ResultStore:
    """OUT/<student>/<chapter>.json, one per student and chapter, each written atomically."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)

    def path(self, student: str, chapter: str) -> Path:
        return self.out / student / f"{chapter}.json"

    def load(self, student: str, chapter: str) -> dict[str, Any] | None:
        try:
            record = json.loads(self.path(student, chapter).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and record.get("format") == RESULT_FORMAT else None

    def save(self, record: dict[str, Any]) -> Path:
        path = self.path(record["student"], record["chapter"])
        write_atomically(path, json.dumps(record, ensure_ascii=False, indent=1))
        return path

    def records(self) -> list[dict[str, Any]]:
        """Every result under OUT, by student then course order."""
        found = []
        if not self.out.is_dir():
            return found
        for path in sorted(self.out.glob("*/ch*.json")):
            record = self.load(path.parent.name, path.stem)
            if record is not None and record.get("student") == path.parent.name:
                found.append(record)
        return sorted(found, key=lambda r: (r["student"], r["chapter"]))


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it: a reader (or a rerun after kill -9)
    sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    finally:  # after os.replace the temporary name is gone; otherwise it is a half-written file
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# -- the workers ----------------------------------------------------------------------------------------
Done = Callable[[GradingTask, "dict[str, Any] | BaseException"], None]


def _kill_own_group(*_: Any) -> None:
    with contextlib.suppress(OSError):
        os.killpg(0, signal.SIGKILL)
    os._exit(1)


def _init_local_worker(parent: int) -> None:
    """A local worker: its own process group (a terminal's Ctrl-C reaches the batch command only, which
    then stops the workers: no grading is cut short and mistaken for the learner's crash), and a watch
    on the batch command: if it is gone (kill -9), the worker takes its forkserver and children with it."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _kill_own_group)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        _kill_own_group()

    threading.Thread(target=watch, name="cnn-dojo-parent-watch", daemon=True).start()
    prepare_worker()


class _InlineRunner:
    """Grade in this process, one submission at a time (a small machine, the Gradescope container)."""

    def run(self, tasks: list[GradingTask], done: Done) -> None:
        for task in tasks:
            done(task, grade_task(task))


class _LocalRunner:
    """N worker processes on this machine; a worker that dies has its tasks given to a new pool."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, tasks: list[GradingTask], done: Done) -> None:
        import multiprocessing

        attempts = {id(task): 0 for task in tasks}
        pending = list(tasks)
        while pending:
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_local_worker, initargs=(os.getpid(),))
            futures: dict[Future[dict[str, Any]], GradingTask] = {}
            all_answered = False
            try:
                for task in pending:
                    futures[pool.submit(grade_task, task)] = task
                pending = []
                remaining = set(futures)
                while remaining:
                    finished, remaining = wait(remaining, timeout=1.0, return_when=FIRST_COMPLETED)
                    for future in finished:
                        task = futures[future]
                        try:
                            answer = future.result()
                        except BrokenProcessPool as error:  # a worker died: try the task again
                            attempts[id(task)] += 1
                            if attempts[id(task)] >= ATTEMPTS:
                                done(task, error)
                            else:
                                pending.append(task)
                        except Exception as error:  # noqa: BLE001 - reported with the submission, not saved
                            done(task, error)
                        else:
                            done(task, answer)
                all_answered = not pending
            finally:  # Ctrl-C, an error or tasks to retry: kill the workers and the gradings in flight
                if all_answered:
                    pool.shutdown(wait=True)
                else:
                    self._stop(pool)

    @staticmethod
    def _stop(pool: ProcessPoolExecutor) -> None:
        """Kill every worker's process group (the worker, its forkserver, the gradings in flight)."""
        processes = dict(getattr(pool, "_processes", None) or {})
        for pid in processes:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        pool.shutdown(wait=False, cancel_futures=True)


class _WarmUpPlugin:
    """A Dask worker plugin: every worker prepares itself (forkserver, torch) as soon as it starts."""

    name = "cnn-dojo-warm-up"

    def setup(self, worker: Any) -> None:
        prepare_worker()


class _DaskRunner:
    """The same tasks on a Dask distributed cluster: ``tcp://host:8786``, or ``local:N`` for a LocalCluster
    of N single-threaded worker processes on this machine."""

    def __init__(self, address: str) -> None:
        self.address = address

    def _connect(self) -> tuple[Any, Any]:
        from distributed import Client, LocalCluster

        cluster = None
        if self.address.startswith("local:"):
            try:
                count = int(self.address.split(":", 1)[1])
            except ValueError:
                raise BatchError(f"--scheduler local:N needs a number of workers, got {self.address!r}") from None
            cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            try:
                client = Client(self.address, timeout=30)
            except OSError as error:
                raise BatchError(f"cannot reach the Dask scheduler at {self.address}: {error}") from None
        from distributed.diagnostics.plugin import WorkerPlugin

        plugin = type("CnnDojoWarmUp", (_WarmUpPlugin, WorkerPlugin), {})()
        with contextlib.suppress(Exception):  # an old scheduler without plugins: the first task prepares
            client.register_plugin(plugin, name=_WarmUpPlugin.name)
        return client, cluster

    def run(self, tasks: list[GradingTask], done: Done) -> None:
        from distributed import as_completed

        client, cluster = self._connect()
        try:
            futures = {client.submit(grade_task, task, key=f"cnn-dojo-{task.submission.student}-"
                                     f"{task.submission.chapter}-{task.key[:16]}", pure=False): task
                       for task in tasks}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a killed worker, a lost scheduler
                    done(task, error)
                else:
                    done(task, result)
                future.release()
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=10)
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close(timeout=10)


# -- the batch --------------------------------------------------------------------------------------------
@dataclass
class BatchResult:
    total: int = 0  # submissions in the batch
    skipped: int = 0  # already graded, same key
    graded: int = 0  # graded and saved by this run
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (student, chapter, why) not graded
    interrupted: bool = False
    seconds: float = 0.0
    chapters: list[str] = field(default_factory=list)


def make_tasks(submissions: Iterable[Submission], lang: str, timeout: float, memory_mb: int,
               scoring: Scoring = DEFAULT) -> list[GradingTask]:
    version = grader_version()
    return [GradingTask(s, lang, timeout, memory_mb, task_key(s, lang, timeout, memory_mb, version, scoring), version,
                        scoring)
            for s in submissions]


def run_batch(
    root: Path,
    out: Path,
    chapters: list[str] | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    lang: str = "en",
    timeout: float = 20.0,
    memory_mb: int = DEFAULT_MEMORY_MB,
    scoring: Scoring = DEFAULT,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Grade every submission under ``root`` for ``chapters`` (None: every chapter handed in) into ``out``.

    ``workers``: local worker processes (default: one per core; 0 grades in this process);
    ``scoring``: the course's points and partial-credit rule (grader.scoring; the default is nbgrader's);
    ``scheduler``: a Dask scheduler's address, or ``local:N``. ``on_start(to_grade, skipped)`` and
    ``on_result(record)`` report progress. Ctrl-C raises KeyboardInterrupt after stopping the workers;
    everything saved before it stays."""
    lang = normalize_lang(lang)
    start = time.monotonic()
    try:
        submissions = find_submissions(Path(root), chapters)
    except NotADirectoryError as error:
        raise BatchError(str(error)) from None
    store = ResultStore(Path(out))
    result = BatchResult(total=len(submissions), chapters=sorted({s.chapter for s in submissions}))
    tasks = []
    for task in make_tasks(submissions, lang, timeout, memory_mb, scoring):
        saved = store.load(task.submission.student, task.submission.chapter)
        if saved is not None and saved.get("key") == task.key:
            result.skipped += 1
        else:
            tasks.append(task)
    if on_start is not None:
        on_start(len(tasks), result.skipped)

    def done(task: GradingTask, answer: dict[str, Any] | BaseException) -> None:
        sub = task.submission
        if isinstance(answer, BaseException):
            result.failed.append((sub.student, sub.chapter, f"{type(answer).__name__}: {answer}"))
            return
        if answer.get("grader_version") != task.grader_version:
            raise BatchError(f"a worker runs another cnn-dojo ({answer.get('grader_version')}, here "
                             f"{task.grader_version}): install the same checkout on every worker")
        store.save(answer)
        result.graded += 1
        if on_result is not None:
            on_result(answer)

    runner: Any
    if scheduler:
        runner = _DaskRunner(scheduler)
    elif workers == 0 or not tasks:
        runner = _InlineRunner()
    else:
        runner = _LocalRunner(min(workers or os.cpu_count() or 1, len(tasks)))
    try:
        runner.run(tasks, done)
    except KeyboardInterrupt:
        result.interrupted = True
    result.seconds = time.monotonic() - start
    if result.interrupted:
        raise BatchInterrupted(result)
    return result


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C: the workers are stopped; ``result`` says what was saved before."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__()
        self.result = result


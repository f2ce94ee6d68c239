"""``python -m grader VERB ...``: the command line. Verbs only parse, call the API, and render.

Every verb takes ``--lang`` (default: ``CNN_DOJO_LANG``, else English) for what it prints, errors included;
the help is written in ``CNN_DOJO_LANG``'s language (argparse's own "usage:" and "options:" stay English)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.diagnose import load_finding, outcome_finding
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from grader.text import LANGS, default_lang, join_list, normalize_lang, pad, t, width

__all__ = ["main"]


class UsageError(Exception):
    """Bad command-line input: exit code 2 with a clear message."""


def _parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_shape", default_lang(), text=text)) from None
    if not shape or any(v < 1 for v in shape):
        raise argparse.ArgumentTypeError(t("cli.small_shape", default_lang(), text=text))
    return shape


def _chapter(name: str, lang: str):  # -> grader.chapters.Chapter
    from grader.chapters import CHAPTERS, get_chapter

    try:
        return get_chapter(name)
    except KeyError:
        raise UsageError(t("cli.no_chapter", lang, name=name, known=join_list((c.id for c in CHAPTERS), lang))) from None


def _summary(args: argparse.Namespace) -> int:
    """A zoo model, or a learner's class (path/to/file.py::Class), traced in the grader's isolated child.
    A learner's class from a chapter's file is built as the chapter builds it, on the chapter's input."""
    from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, run_isolated, warm_up

    warm_up()
    path, shape, build_args, build_kwargs = None, args.input, (), {}
    if "::" in args.model:
        file, _, name = args.model.partition("::")
        if not Path(file).is_file():
            raise UsageError(f"{file}: no such file")
        spec = _chapter_spec(name)
        if spec is not None:
            shape = shape or spec.input_shape
            build_args, build_kwargs = spec.args, dict(spec.kwargs)
        if shape is None:
            raise UsageError(t("cli.summary_input", args.lang, model=args.model))
        path, label = str(Path(file).resolve()), args.model
    else:
        import solutions
        from grader.reference import in_edition

        if in_edition():
            raise UsageError(t("edition.no_reference", default_lang(), what=f"summary {args.model}") +
                             " (summary path/to/file.py::ClassName --input C,H,W works on your own model)")
        try:
            info = solutions.get_model_info(args.model)
        except KeyError:
            known = join_list(solutions.list_models(), args.lang)
            raise UsageError(t("cli.no_model", args.lang, name=args.model, known=known)) from None
        name, label, shape = info.name, info.name, args.input or info.input_shape
    form = "json" if args.json else "torchsummary" if args.torchsummary else "table"
    outcome = run_isolated("grader.probe:summarise", path, name, tuple(shape), build_args, build_kwargs, form,
                           timeout=DEFAULT_TIMEOUT, memory_mb=DEFAULT_MEMORY_MB)
    if outcome.status != "ok":
        finding = outcome_finding(outcome.status, args.model, args.lang, timeout=DEFAULT_TIMEOUT,
                                  memory_mb=DEFAULT_MEMORY_MB, exit_code=outcome.exit_code, signal=outcome.signal)
        raise UsageError(finding.message)
    answer = outcome.value
    if "json" in answer:
        print(json.dumps(answer["json"]))
        return 0
    if "text" not in answer:  # the file or the class could not be loaded or built
        raise UsageError(load_finding(answer["error"], args.model, name, args.lang, DEFAULT_MEMORY_MB).message)
    if form == "table":
        print(t("cli.summary", args.lang, model=label, shape="x".join(map(str, shape))))
    print(answer["text"], end="" if form == "torchsummary" else "\n")
    if answer.get("error") is not None:  # the forward pass stopped: the table shows what ran
        error = answer["error"]
        print(t("cli.summary_stopped", args.lang, rows=answer["rows"],
                message=load_finding(error, args.model, name, args.lang, DEFAULT_MEMORY_MB).message))
        return 1
    return 0


def _chapter_spec(name: str) -> Any:
    """The chapter model a learner's class is, by its name (LeNet5 is chapter 1's; Inception chapter 6's)."""
    from grader.chapters import CHAPTERS

    return next((spec for chapter in CHAPTERS for spec in chapter.models if spec.class_name == name), None)


def _check(args: argparse.Namespace) -> int:
    from grader.isolate import warm_up

    warm_up()  # the child's torch import overlaps with ours
    from grader.pipeline import grade

    chapter = _chapter(args.chapter, args.lang)
    if args.path is not None and not args.path.endswith(".py"):
        raise UsageError(t("cli.not_py", args.lang, path=args.path))
    report = grade(chapter.id, path=args.path, lang=args.lang, timeout=args.timeout, memory_mb=args.memory_mb)
    if args.json:
        print(report.to_json())
    else:
        print(report.render_text(hints=args.hints, color=sys.stdout.isatty()))
    return 0 if report.passed else 1


def _list(args: argparse.Namespace) -> int:
    from grader.isolate import warm_up

    warm_up()
    from grader.progress import chapter_status

    bar_width = 24
    rows = chapter_status(args.lang)
    statuses = [t(f"status.{row.status}", args.lang) for row in rows]
    columns = max(width(t(f"status.{name}", args.lang)) for name in ("done", "in progress", "not started"))
    for row, status in zip(rows, statuses):
        report = row.report
        filled = round(bar_width * report.score / report.max_score) if report.max_score else 0
        bar = "#" * filled + "." * (bar_width - filled)
        print(f"{row.chapter.id:<16} [{bar}] {report.score:>3}/{report.max_score:<3} {pad(status, columns)}  "
              f"{t(row.chapter.title, args.lang)}")
    upcoming = next((row for row in rows if row.status != "done"), None)
    if upcoming is not None:
        print("\n" + t("cli.next", args.lang, short=upcoming.chapter.id[:4], chapter=upcoming.chapter.id))
    else:
        print("\n" + t("cli.all_done", args.lang))
    return 0


def _hint(args: argparse.Namespace) -> int:
    from grader.isolate import warm_up

    warm_up()
    from grader.pipeline import grade
    from grader.progress import next_hint_level

    chapter = _chapter(args.chapter, args.lang)
    report = grade(chapter.id, args.path, args.lang, worksheet=args.path is None)
    check = report.first_failure()
    if check is None:
        print(t("cli.no_hint", args.lang, chapter=chapter.id))
        return 0
    level = next_hint_level(chapter.id, check)
    print(check.explain(args.lang, level, with_id=True, of_total=True))
    if level < len(check.hints):
        print("  " + t("cli.more_hints", args.lang, level=level + 1))
    return 1


def _watch(args: argparse.Namespace) -> int:
    import time

    from grader.isolate import warm_up

    warm_up()
    from grader.chapters import CHAPTERS
    from grader.pipeline import grade
    from grader.progress import status_of

    chapters = [_chapter(args.chapter, args.lang)] if args.chapter else list(CHAPTERS)

    def snapshot() -> dict[Path, float]:
        folders = {chapter.exercise_path().parent for chapter in chapters}
        return {p: p.stat().st_mtime for folder in folders for p in folder.glob("*.py") if p.is_file()}

    print(t("cli.watching", args.lang), flush=True)
    seen: dict[Path, float] = {}
    working_on: str | None = None  # the chapter shown last time
    try:
        while True:
            now = snapshot()
            if now != seen:
                seen = now
                current, done = None, {}
                for chapter in chapters:  # the first chapter that is not done, as rustlings does
                    report = grade(chapter.id, None, args.lang, worksheet=True)
                    if status_of(report) != "done" or len(chapters) == 1:
                        current = report
                        break
                    done[chapter.id] = report
                print("\033[2J\033[H" if sys.stdout.isatty() else "\n", end="")
                if working_on in done:  # the chapter just finished: say so before moving on
                    finished = done[working_on]
                    print(t("cli.chapter_done", args.lang, chapter=working_on, score=finished.score,
                            max=finished.max_score, next=current.chapter if current else "-") + "\n")
                working_on = current.chapter if current is not None else None
                if current is None:
                    print(t("cli.all_done", args.lang))
                else:
                    print(current.render_text(hints=args.hints, color=sys.stdout.isatty()))
                print("\n" + t("cli.watch_again", args.lang, time=time.strftime("%H:%M:%S")), flush=True)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("\n" + t("cli.stopped", args.lang))
        return 0


def _render_training(result: Any, lang: str) -> str:
    """The finished run as text: the epochs beside the reference's, the scores, the confusion matrix, the
    misclassified digits."""
    columns = (("epoch", 5), ("loss", 8), ("train", 10), ("test", 10), ("reference", 14))
    lines = [" ".join(" " * (size - width(t(f"train.col.{name}", lang))) + t(f"train.col.{name}", lang)
                      for name, size in columns)]
    reference = {entry["epoch"]: entry for entry in (result.reference or {}).get("history", [])}
    for entry in result.history:
        ref = reference.get(entry["epoch"])
        ref_text = f"{ref['test_accuracy']:>10.1%}" if ref else f"{'-':>10}"
        lines.append(f"{entry['epoch']:>5} {entry['loss']:>8.4f} {entry['train_accuracy']:>10.1%} "
                     f"{entry['test_accuracy']:>10.1%} {ref_text:>14}")
    lines.append("")
    if result.stopped:
        lines.append(t("train.stopped", lang, epochs=result.epochs, asked=result.epochs_asked))
    lines.append(t("train.result", lang, model=result.model, test=result.test_accuracy, train=result.train_accuracy,
                   epochs=result.epochs, seconds=result.seconds))
    if result.reference:
        lines.append(t("train.reference_result", lang, model=result.model, test=result.reference["test_accuracy"],
                       seconds=result.reference["seconds"]))
    lines += ["", t("train.confusion", lang), "      " + "".join(f"{digit:>5}" for digit in range(10))]
    for digit, row in enumerate(result.confusion):
        lines.append(f"{digit:>5} " + "".join(f"{count:>5}" if count else f"{'.':>5}" for count in row))
    total = sum(map(sum, result.confusion))
    lines += ["", t("train.misclassified", lang, count=result.misclassified_count, total=total)]
    for item in result.misclassified[:12]:
        lines.append("  " + t("train.misclassified_one", lang, index=item["test_index"], label=item["label"],
                              predicted=item["predicted"]))
    return "\n".join(lines)


def _train(args: argparse.Namespace) -> int:
    from grader.isolate import warm_up

    warm_up()
    from grader.chapters import get_chapter
    from grader.digits import load_digits32
    from grader.train import TrainJob, recipe_for

    try:
        chapter = get_chapter(args.chapter)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    recipe = recipe_for(chapter.id)
    if recipe is None:
        raise UsageError(t("train.not_trainable", args.lang, chapter=chapter.id))
    if args.path is not None and not args.path.endswith(".py"):
        raise UsageError(f"--path must name a .py file, got {args.path!r}")
    if args.epochs is not None and args.epochs < 1:
        raise UsageError("--epochs must be at least 1")
    job = TrainJob(chapter.id, args.path, epochs=args.epochs, seed=args.seed, lang=args.lang,
                   reference=not args.no_reference, timeout=args.timeout, memory_mb=args.memory_mb)
    data = load_digits32()
    err = sys.stderr
    if recipe.learner:
        print(t("train.checking", args.lang), file=err, flush=True)
        model = t("train.yours", args.lang, model=recipe.model, path=job.path)
    else:
        print(t("train.zoo_model", args.lang, model=recipe.model), file=err, flush=True)
        model = recipe.model
    job.start()
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=err)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TextColumn("{task.fields[note]}"), TimeElapsedColumn())
    tasks: dict[str, Any] = {}  # "learner", "reference": their progress bars, added when their run starts
    try:
        with Progress(*columns, console=console, transient=not console.is_terminal) as bar:
            while not job.done:
                which = "reference" if job.stage == "reference" else "learner"
                if job.stage in ("training", "reference") and which not in tasks:
                    if which == "learner":
                        line = t("train.training", args.lang, model=model, train=len(data.train), test=len(data.test),
                                 epochs=job.epochs, seed=job.seed) + "\n" + t("train.stop_hint", args.lang)
                    else:
                        bar.update(tasks["learner"], completed=1.0)
                        line = t("train.reference_training", args.lang, model=recipe.model)
                    bar.console.print(line, highlight=False, markup=False)
                    tasks[which] = bar.add_task(recipe.model if which == "learner" else
                                                t("train.chart.reference_loss", args.lang), total=1.0, note="")
                if which in tasks:
                    history = job.history(which)
                    note = ""
                    if history:
                        last = history[-1]
                        note = t("train.progress", args.lang, epoch=last["epoch"], epochs=job.epochs,
                                 loss=last["loss"], test=last["test_accuracy"])
                    bar.update(tasks[which], completed=job.fraction(which), note=note)
                job.wait(0.2)
    except KeyboardInterrupt:  # a second Ctrl-C ends the command at once
        print("\n" + t("train.stopping", args.lang), file=err, flush=True)
        job.stop()
    result = job.wait()
    assert result is not None
    if args.json:
        if result.ok:
            print(json.dumps(result.to_dict()))
        else:
            print(json.dumps({"chapter": result.chapter, "model": result.model, "status": result.status,
                              "check": result.check, "message": result.message}, ensure_ascii=False))
    elif result.ok:
        print(_render_training(result, args.lang))
        print("\n" + t("train.look_inside", args.lang, number=chapter.number))
    if not result.ok:
        print(result.message, file=err)
        if result.output.strip():
            print(result.output.strip()[-1500:], file=err)
        return 1
    return 0


def _not_in_edition(what: str) -> None:
    from grader.reference import in_edition

    if in_edition():
        raise UsageError(t("edition.no_reference", default_lang(), what=what))


def _student_edition(args: argparse.Namespace) -> int:
    _not_in_edition("student-edition")
    from grader.edition import build_student_edition

    try:
        out = build_student_edition(args.out, force=args.force)
    except (FileExistsError, RuntimeError) as error:
        raise UsageError(str(error)) from None
    print(t("edition.wrote", args.lang, out=out))
    print(t("edition.next", args.lang, out=out))
    return 0


def _nbgrader(args: argparse.Namespace) -> int:
    _not_in_edition("nbgrader")
    from grader.nbgrader_course import build_course

    for name in args.chapter or ():
        _chapter(name, args.lang)  # an unknown chapter, in the learner's language
    limits = {}  # the generator's defaults unless given
    if args.cell_timeout is not None:
        limits["cell_timeout"] = args.cell_timeout
    if args.grader_timeout is not None:
        limits["grader_timeout"] = args.grader_timeout
    try:
        written = build_course(args.course_dir, lang=args.lang, course_id=args.course_id, chapters=args.chapter,
                               force=args.force, **limits)
    except (KeyError, ValueError, FileExistsError) as error:  # the course generator's own words (for instructors)
        raise UsageError(error.args[0]) from None
    course = Path(args.course_dir)
    for path in written:
        print(t("cli.wrote", args.lang, path=path))
    print("\n" + t("cli.nbgrader_next", args.lang, course=course))
    return 0


def _lang(text: str) -> str:
    try:
        return normalize_lang(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _course_scoring(path: str | None) -> Any:
    """The scoring of the course config the instructor named (course.toml, as ``nbgrader`` writes it); none
    named: the default rule, partial credit as in the nbgrader course."""
    from grader.scoring import DEFAULT, load_scoring

    if path is None:
        return DEFAULT
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such file (the course config, course.toml)")
    try:
        return load_scoring(path)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _batch(args: argparse.Namespace) -> int:
    from grader.batch import BatchError, BatchInterrupted, run_batch
    from grader.exports import write_exports

    lang, out = args.lang, Path(args.out)
    chapters = None if args.chapter == "all" else [args.chapter]
    if chapters:
        from grader.chapters import get_chapter

        try:
            get_chapter(args.chapter)
        except KeyError as error:
            raise UsageError(error.args[0]) from None
    if args.workers is not None and args.workers < 0:
        raise UsageError("--workers must be 0 (grade in this process) or more")
    scoring = _course_scoring(args.course)
    progress = None if args.quiet else _BatchProgress(lang)
    try:
        result = run_batch(Path(args.dir), out, chapters, workers=args.workers, scheduler=args.scheduler, lang=lang,
                           timeout=args.timeout, memory_mb=args.memory_mb, scoring=scoring,
                           on_start=progress.start if progress else None,
                           on_result=progress.advance if progress else None)
    except BatchError as error:
        raise UsageError(str(error)) from None
    except KeyboardInterrupt as stop:  # BatchInterrupted once the workers were started
        if progress:
            progress.stop()
        write_exports(out, gradescope=args.gradescope)
        graded = stop.result.graded if isinstance(stop, BatchInterrupted) else 0
        print(t("batch.interrupted", lang, graded=graded, out=out), file=sys.stderr)
        return 130
    finally:
        if progress:
            progress.stop()
    written = write_exports(out, gradescope=args.gradescope)
    for student, chapter, why in result.failed:
        print(t("batch.failed", lang, student=student, chapter=chapter, why=why), file=sys.stderr)
    if not args.quiet:
        print(t("batch.summary", lang, seconds=result.seconds, graded=result.graded, skipped=result.skipped,
                failed=len(result.failed)))
        for path in written[:3]:
            print(t("batch.wrote", lang, path=path))
        print(t("batch.next", lang, out=out))
    return 1 if result.failed else 0


class _BatchProgress:
    """The batch's progress bar on stderr (rich): counts, elapsed time and an ETA."""

    def __init__(self, lang: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.lang = lang
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("·"),
                            TimeElapsedColumn(), TextColumn("· ETA"), TimeRemainingColumn(),
                            TextColumn("{task.fields[last]}"), console=Console(stderr=True), transient=False)
        self.task = None

    def start(self, todo: int, skipped: int) -> None:
        if skipped:
            self.bar.console.print(t("batch.skipped", self.lang, skipped=skipped))
        self.task = self.bar.add_task(t("batch.progress", self.lang), total=todo, last="")
        self.bar.start()

    def advance(self, record: dict) -> None:
        if self.task is not None:
            last = f"{record['student']} {record['chapter']} {record['score']}/{record['max_score']}"
            self.bar.update(self.task, advance=1, last=last)

    def stop(self) -> None:
        self.bar.stop()


def _report(args: argparse.Namespace) -> int:
    from grader.class_report import ClassResults, render_html, render_text

    out = Path(args.out)
    results = ClassResults.load(out)
    if not results.records:
        raise UsageError(t("class.empty", args.lang, out=out))
    print(render_text(results, args.lang))
    path = out / "report.html"
    from grader.batch import write_atomically

    write_atomically(path, render_html(results, args.lang))
    print("\n" + t("class.wrote", args.lang, path=path))
    return 0


def _gradescope(args: argparse.Namespace) -> int:
    from grader.chapters import get_chapter
    from grader.gradescope import build_bundle

    try:
        chapter = get_chapter(args.chapter)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    _course_scoring(args.course)  # a config with a mistake is refused now, not on Gradescope
    path = build_bundle(chapter.id, Path(args.zip), lang=args.lang, timeout=args.timeout, memory_mb=args.memory_mb,
                        course=Path(args.course) if args.course else None)
    print(t("gradescope.wrote", args.lang, path=path))
    return 0


def _gradescope_run(args: argparse.Namespace) -> int:
    from grader.gradescope import run_autograder

    report = run_autograder(Path(args.root), args.chapter, lang=args.lang, timeout=args.timeout,
                            memory_mb=args.memory_mb, scoring=_course_scoring(args.course))
    print(json.dumps({"score": report["score"], "tests": len(report["tests"])}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    lang = default_lang()  # the help's language; each verb's --lang defaults to it too

    def say(key: str) -> str:
        return t(f"cli.help.{key}", lang)

    def add_lang(verb: argparse.ArgumentParser, help_key: str = "lang") -> None:
        verb.add_argument("--lang", type=_lang, choices=LANGS, default=lang, help=say(help_key))

    def add_class_grading(verb: argparse.ArgumentParser, timeout: float, timeout_key: str) -> None:
        """The options every verb that grades a class shares: language, limits and the course's scoring."""
        add_lang(verb)
        verb.add_argument("--timeout", type=float, default=timeout, help=say(timeout_key))
        verb.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help=say("memory"))
        verb.add_argument("--course", metavar="COURSE_TOML", help=say("course"))

    parser = argparse.ArgumentParser(prog="python -m grader", description=t("cli.help", lang))
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    summary = verbs.add_parser("summary", help=say("summary"))
    summary.add_argument("model", help=say("model"))
    summary.add_argument("--input", type=_parse_shape, metavar="C,H,W", help=say("input"))
    output = summary.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=say("json"))
    output.add_argument("--torchsummary", action="store_true", help=say("torchsummary"))
    add_lang(summary)
    summary.set_defaults(run=_summary)

    check = verbs.add_parser("check", help=say("check"))
    check.add_argument("chapter", help=say("chapter"))
    check.add_argument("--path", help=say("path"))
    check.add_argument("--json", action="store_true", help=say("json"))
    add_lang(check)
    check.add_argument("--hints", type=int, choices=range(4), default=1, metavar="0-3", help=say("hints"))
    check.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help=say("timeout"))
    check.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help=say("memory"))
    check.set_defaults(run=_check)

    listing = verbs.add_parser("list", help=say("list"))
    add_lang(listing)
    listing.set_defaults(run=_list)

    hint = verbs.add_parser("hint", help=say("hint"))
    hint.add_argument("chapter", help=say("chapter"))
    hint.add_argument("--path", help=say("path"))
    add_lang(hint)
    hint.set_defaults(run=_hint)

    watch = verbs.add_parser("watch", help=say("watch"))
    watch.add_argument("chapter", nargs="?", help=say("watch_chapter"))
    add_lang(watch)
    watch.add_argument("--hints", type=int, choices=range(4), default=1, metavar="0-3", help=say("hints"))
    watch.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    watch.set_defaults(run=_watch)

    training = verbs.add_parser("train", help=say("train"))
    training.add_argument("chapter", help=say("train_chapter"))
    training.add_argument("--path", help=say("train_path"))
    training.add_argument("--epochs", type=int, help=say("epochs"))
    training.add_argument("--seed", type=int, default=0, help=say("seed"))
    training.add_argument("--json", action="store_true", help=say("json"))
    training.add_argument("--no-reference", action="store_true", help=say("no_reference"))
    add_lang(training)
    training.add_argument("--timeout", type=float, help=say("train_timeout"))
    training.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help=say("memory"))
    training.set_defaults(run=_train)

    course = verbs.add_parser("nbgrader", help=say("nbgrader"))
    course.add_argument("course_dir", help=say("course_dir"))
    add_lang(course, "notes_lang")
    course.add_argument("--course-id", default="cnn-dojo", help=say("course_id"))
    course.add_argument("--chapter", action="append", metavar="CHAPTER", help=say("only_chapter"))
    course.add_argument("--cell-timeout", type=int, help=say("cell_timeout"))
    course.add_argument("--grader-timeout", type=float, help=say("grader_timeout"))
    course.add_argument("--force", action="store_true", help=say("force"))
    course.set_defaults(run=_nbgrader)

    batch = verbs.add_parser("batch", help=say("batch"))
    batch.add_argument("dir", help=say("batch_dir"))
    batch.add_argument("--chapter", required=True, help=say("batch_chapter"))
    batch.add_argument("--out", required=True, help=say("batch_out"))
    batch.add_argument("--workers", type=int, help=say("batch_workers"))
    batch.add_argument("--scheduler", metavar="ADDRESS", help=say("batch_scheduler"))
    batch.add_argument("--gradescope", action="store_true", help=say("batch_gradescope"))
    batch.add_argument("--quiet", action="store_true", help=say("batch_quiet"))
    add_class_grading(batch, DEFAULT_TIMEOUT, "timeout")
    batch.set_defaults(run=_batch)

    report = verbs.add_parser("report", help=say("report"))
    report.add_argument("out", help=say("report_out"))
    add_lang(report)
    report.set_defaults(run=_report)

    gradescope = verbs.add_parser("gradescope", help=say("gradescope"))
    gradescope.add_argument("chapter", help=say("chapter"))
    gradescope.add_argument("zip", help=say("gradescope_zip"))
    add_class_grading(gradescope, 60.0, "gradescope_timeout")
    gradescope.set_defaults(run=_gradescope)

    run = verbs.add_parser("gradescope-run", help=say("gradescope_run"))
    run.add_argument("chapter", help=say("chapter"))
    run.add_argument("--root", default="/autograder", help=say("gradescope_root"))
    add_class_grading(run, 60.0, "gradescope_timeout")
    run.set_defaults(run=_gradescope_run)

    edition = verbs.add_parser("student-edition", help=say("student_edition"))
    edition.add_argument("out", help=say("edition_out"))
    edition.add_argument("--force", action="store_true", help=say("edition_force"))
    add_lang(edition)
    edition.set_defaults(run=_student_edition)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 on a usage error
    try:
        return args.run(args)
    except UsageError as error:
        print(t("cli.error", args.lang, message=error), file=sys.stderr)
        return 2

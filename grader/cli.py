"""``python -m grader VERB ...``: the command line. Verbs only parse, call the API, and render."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.diagnose import load_finding, outcome_finding
from grader.isolate import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from grader.text import LANGS, default_lang, pad, t

__all__ = ["main"]


class UsageError(Exception):
    """Bad command-line input: exit code 2 with a clear message."""


def _parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected C,H,W such as 3,224,224, got {text!r}") from None
    if not shape or any(v < 1 for v in shape):
        raise argparse.ArgumentTypeError(f"every size must be at least 1, got {text!r}")
    return shape


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

        try:
            info = solutions.get_model_info(args.model)
        except KeyError as error:
            raise UsageError(error.args[0]) from None
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
        print(f"{label}  input {'x'.join(map(str, shape))}")
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
    from grader.chapters import get_chapter
    from grader.pipeline import grade

    try:
        chapter = get_chapter(args.chapter)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if args.path is not None and not args.path.endswith(".py"):
        raise UsageError(f"--path must name a .py file, got {args.path!r}")
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

    width = 24
    rows = chapter_status(args.lang)
    for row in rows:
        report = row.report
        filled = round(width * report.score / report.max_score) if report.max_score else 0
        bar = "#" * filled + "." * (width - filled)
        title = row.chapter.title["zh-TW" if args.lang == "zh-TW" else "en"]
        status = t(f"status.{row.status}", args.lang)
        print(f"{row.chapter.id:<16} [{bar}] {report.score:>3}/{report.max_score:<3} {pad(status, 12)} {title}")
    upcoming = next((row for row in rows if row.status != "done"), None)
    if upcoming is not None:
        print("\n" + t("cli.next", args.lang, short=upcoming.chapter.id[:4], chapter=upcoming.chapter.id))
    else:
        print("\n" + t("cli.all_done", args.lang))
    return 0


def _hint(args: argparse.Namespace) -> int:
    from grader.isolate import warm_up

    warm_up()
    from grader.chapters import get_chapter
    from grader.pipeline import grade
    from grader.progress import next_hint_level

    try:
        chapter = get_chapter(args.chapter)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    report = grade(chapter.id, args.path, args.lang, worksheet=args.path is None)
    check = report.first_failure()
    if check is None:
        print(t("cli.no_hint", args.lang, chapter=chapter.id))
        return 0
    level = next_hint_level(chapter.id, check)
    print(check.explain(args.lang, level, prefix=f"{check.id}: ", of_total=True))
    if level < len(check.hints):
        print("  " + t("cli.more_hints", args.lang, level=level + 1))
    return 1


def _watch(args: argparse.Namespace) -> int:
    import time

    from grader.isolate import warm_up

    warm_up()
    from grader.chapters import CHAPTERS, get_chapter
    from grader.pipeline import grade
    from grader.progress import status_of

    chapters = [get_chapter(args.chapter)] if args.chapter else list(CHAPTERS)

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
    lines = [t("train.table", lang)]
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


def _nbgrader(args: argparse.Namespace) -> int:
    from grader.nbgrader_course import build_course

    limits = {}  # the generator's defaults unless given
    if args.cell_timeout is not None:
        limits["cell_timeout"] = args.cell_timeout
    if args.grader_timeout is not None:
        limits["grader_timeout"] = args.grader_timeout
    try:
        written = build_course(args.course_dir, lang=args.lang, course_id=args.course_id, chapters=args.chapter,
                               force=args.force, **limits)
    except (KeyError, ValueError, FileExistsError) as error:
        raise UsageError(error.args[0]) from None
    course = Path(args.course_dir)
    for path in written:
        print(f"wrote {path}")
    print(f"\nnext: cd {course} && nbgrader generate_assignment \"*\"   (the README's \"For instructors: nbgrader\")")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description="cnn-dojo: trace and grade classic CNNs.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    summary = verbs.add_parser("summary", help="layer-by-layer shapes, parameters and MACs of a model")
    summary.add_argument("model", help="a zoo name (VGG16, GoogLeNet, ...) or path/to/file.py::ClassName")
    summary.add_argument("--input", type=_parse_shape, metavar="C,H,W", help="input shape (default: the model's)")
    output = summary.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument("--torchsummary", action="store_true", help="print torchsummary's module table")
    summary.add_argument("--lang", choices=LANGS, default=default_lang(), help="language of the messages")
    summary.set_defaults(run=_summary)

    check = verbs.add_parser("check", help="grade a chapter's file against the reference")
    check.add_argument("chapter", help="ch05_vgg, ch05, 5 or vgg")
    check.add_argument("--path", help="the file to grade (default: the chapter's file in exercises/)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--lang", choices=LANGS, default=default_lang(), help="language of messages and hints")
    check.add_argument("--hints", type=int, choices=range(4), default=1, metavar="0-3",
                       help="hint levels to show for failed checks: 1 where, 2 why, 3 the fix (default 1)")
    check.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=f"seconds each stage of the learner's code may run (default {DEFAULT_TIMEOUT:g})")
    check.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                       help=f"memory the learner's code may add (default {DEFAULT_MEMORY_MB})")
    check.set_defaults(run=_check)

    listing = verbs.add_parser("list", help="every chapter with its status and score")
    listing.add_argument("--lang", choices=LANGS, default=default_lang())
    listing.set_defaults(run=_list)

    hint = verbs.add_parser("hint", help="the next hint level for the first failing check of a chapter")
    hint.add_argument("chapter", help="ch05_vgg, ch05, 5 or vgg")
    hint.add_argument("--path", help="the file to grade (default: the chapter's file in exercises/)")
    hint.add_argument("--lang", choices=LANGS, default=default_lang())
    hint.set_defaults(run=_hint)

    watch = verbs.add_parser("watch", help="re-grade whenever you save a file in exercises/ (Ctrl-C stops)")
    watch.add_argument("chapter", nargs="?", help="only this chapter (default: the first one not done)")
    watch.add_argument("--lang", choices=LANGS, default=default_lang())
    watch.add_argument("--hints", type=int, choices=range(4), default=1, metavar="0-3")
    watch.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    watch.set_defaults(run=_watch)

    training = verbs.add_parser("train", help="train a chapter's network on handwritten digits (ch01: your LeNet-5)")
    training.add_argument("chapter", help="ch01 (your LeNet-5) or ch04 (the zoo's DigitsGAPNet, for class activation maps)")
    training.add_argument("--path", help="the file to train (default: the chapter's file in exercises/)")
    training.add_argument("--epochs", type=int, help="epochs to train (default: 15 for LeNet-5, 6 for DigitsGAPNet)")
    training.add_argument("--seed", type=int, default=0, help="seed of the weights, the shuffling and the augmentation")
    training.add_argument("--json", action="store_true", help="print one JSON object")
    training.add_argument("--no-reference", action="store_true", help="do not train the reference for comparison")
    training.add_argument("--lang", choices=LANGS, default=default_lang())
    training.add_argument("--timeout", type=float, help="seconds the training may run (default: 120 + 10 per epoch)")
    training.add_argument("--memory-mb", type=int, default=3072, help="memory the training may add (default 3072)")
    training.set_defaults(run=_train)

    course = verbs.add_parser("nbgrader", help="write an nbgrader course: nbgrader_config.py and one notebook per chapter")
    course.add_argument("course_dir", help="the course folder (created if missing), e.g. course/")
    course.add_argument("--lang", choices=LANGS, default=default_lang(), help="language of the notes and the hints")
    course.add_argument("--course-id", default="cnn-dojo", help="nbgrader's course id (default cnn-dojo)")
    course.add_argument("--chapter", action="append", metavar="CHAPTER",
                        help="only this chapter (repeatable; default: every chapter)")
    course.add_argument("--cell-timeout", type=int,
                        help="seconds a notebook cell may run when nbgrader executes it (default 120)")
    course.add_argument("--grader-timeout", type=float,
                        help="seconds the learner's code may run per grading (default 20)")
    course.add_argument("--force", action="store_true", help="overwrite files this command did not write")
    course.set_defaults(run=_nbgrader)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 on a usage error
    try:
        return args.run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

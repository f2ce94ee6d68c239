"""``python -m grader VERB ...``: the command line. Verbs only parse, call the API, and render."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

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
    import torch

    from grader.trace import trace

    name = args.model
    if "::" in name:
        from grader.load import LoadError, load_class

        path, _, class_name = name.partition("::")
        try:
            cls = load_class(path, class_name)
        except LoadError as error:
            raise UsageError(str(error)) from None
        if args.input is None:
            raise UsageError(f"{name}: give the input shape with --input C,H,W (e.g. --input 3,224,224)")
        with torch.device("meta"):
            model = cls()
        input_shape = args.input
        label = f"{path}::{class_name}"
    else:
        import solutions
        from grader.reference import in_edition

        if in_edition():
            raise UsageError(t("edition.no_reference", default_lang(), what=f"summary {name}") +
                             " (summary path/to/file.py::ClassName --input C,H,W works on your own model)")
        try:
            info = solutions.get_model_info(name)
        except KeyError as error:
            raise UsageError(error.args[0]) from None
        model = info.build(device="meta")
        input_shape = args.input or info.input_shape
        label = info.name
    result = trace(model, input_shape, name=label)
    if args.json:
        print(json.dumps(result.to_dict()))
    elif args.torchsummary:
        print(result.torchsummary(), end="")
    else:
        print(f"{label}  input {'x'.join(map(str, input_shape))}")
        print(result.table())
    return 0


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
    try:
        while True:
            now = snapshot()
            if now != seen:
                seen = now
                current = None
                for chapter in chapters:  # the first chapter that is not done, as rustlings does
                    report = grade(chapter.id, None, args.lang, worksheet=True)
                    if status_of(report) != "done" or len(chapters) == 1:
                        current = report
                        break
                print("\033[2J\033[H" if sys.stdout.isatty() else "\n", end="")
                if current is None:
                    print(t("cli.all_done", args.lang))
                else:
                    print(current.render_text(hints=args.hints, color=sys.stdout.isatty()))
                print("\n" + t("cli.watch_again", args.lang, time=time.strftime("%H:%M:%S")), flush=True)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("\n" + t("cli.stopped", args.lang))
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
    print(f"wrote {out}: the grader, its reference pack, the exercises and the app; no reference source")
    print(f"next: give learners that folder (pip install -e {out}), or `pip install {out}` for a course's notebooks")
    return 0


def _nbgrader(args: argparse.Namespace) -> int:
    _not_in_edition("nbgrader")
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
    summary.set_defaults(run=_summary)

    check = verbs.add_parser("check", help="grade a chapter's file against the reference")
    check.add_argument("chapter", help="ch05_vgg, ch05, 5 or vgg")
    check.add_argument("--path", help="the file to grade (default: the chapter's file in exercises/)")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--lang", choices=LANGS, default=default_lang(), help="language of messages and hints")
    check.add_argument("--hints", type=int, choices=range(4), default=1, metavar="0-3",
                       help="hint levels to show for failed checks: 1 where, 2 why, 3 the fix (default 1)")
    check.add_argument("--timeout", type=float, default=20.0, help="seconds the learner's code may run (default 20)")
    check.add_argument("--memory-mb", type=int, default=3072, help="memory the learner's code may add (default 3072)")
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

    edition = verbs.add_parser("student-edition", help="write cnn-dojo for learners without the solutions (a reference pack instead)")
    edition.add_argument("out", help="a new folder, e.g. cnn-dojo-student/")
    edition.add_argument("--force", action="store_true", help="replace the folder if it is not empty")
    edition.set_defaults(run=_student_edition)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 on a usage error
    try:
        return args.run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

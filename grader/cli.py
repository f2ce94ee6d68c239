"""``python -m grader VERB ...``: the command line. Verbs only parse, call the API, and render.

Every verb takes ``--lang`` (default: ``CNN_DOJO_LANG``, else English) for what it prints, errors included;
the help is written in ``CNN_DOJO_LANG``'s language (argparse's own "usage:" and "options:" stay English)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

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
    import torch

    from grader.trace import trace

    name = args.model
    if "::" in name:
        from grader.diagnose import load_finding
        from grader.isolate import DEFAULT_MEMORY_MB
        from grader.load import LoadError, load_class

        path, _, class_name = name.partition("::")
        try:
            cls = load_class(path, class_name)
        except LoadError as error:
            raise UsageError(load_finding(error.info, path, class_name, args.lang, DEFAULT_MEMORY_MB).message) from None
        if args.input is None:
            raise UsageError(t("cli.need_input", args.lang, name=name))
        with torch.device("meta"):
            model = cls()
        input_shape = args.input
        label = f"{path}::{class_name}"
    else:
        import solutions

        try:
            info = solutions.get_model_info(name)
        except KeyError:
            raise UsageError(t("cli.no_model", args.lang, name=name, known=join_list(solutions.list_models(), args.lang))) from None
        model = info.build(device="meta")
        input_shape = args.input or info.input_shape
        label = info.name
    result = trace(model, input_shape, name=label)
    if args.json:
        print(json.dumps(result.to_dict()))
    elif args.torchsummary:
        print(result.torchsummary(), end="")
    else:
        print(t("cli.summary", args.lang, model=label, shape="x".join(map(str, input_shape))))
        print(result.table())
    return 0


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


def _nbgrader(args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    lang = default_lang()  # the help's language; each verb's --lang defaults to it too

    def say(key: str) -> str:
        return t(f"cli.help.{key}", lang)

    def add_lang(verb: argparse.ArgumentParser, help_key: str = "lang") -> None:
        verb.add_argument("--lang", type=_lang, choices=LANGS, default=lang, help=say(help_key))

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
    check.add_argument("--timeout", type=float, default=20.0, help=say("timeout"))
    check.add_argument("--memory-mb", type=int, default=3072, help=say("memory"))
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

    course = verbs.add_parser("nbgrader", help=say("nbgrader"))
    course.add_argument("course_dir", help=say("course_dir"))
    add_lang(course, "notes_lang")
    course.add_argument("--course-id", default="cnn-dojo", help=say("course_id"))
    course.add_argument("--chapter", action="append", metavar="CHAPTER", help=say("only_chapter"))
    course.add_argument("--cell-timeout", type=int, help=say("cell_timeout"))
    course.add_argument("--grader-timeout", type=float, help=say("grader_timeout"))
    course.add_argument("--force", action="store_true", help=say("force"))
    course.set_defaults(run=_nbgrader)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 on a usage error
    try:
        return args.run(args)
    except UsageError as error:
        print(t("cli.error", args.lang, message=error), file=sys.stderr)
        return 2

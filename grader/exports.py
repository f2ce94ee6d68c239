"""What a batch hands the instructor, from the results under OUT (renderers only: nothing here grades).

    OUT/grades.csv                   one row per student, chapter and check (UTF-8 with a BOM: a
                                     spreadsheet opens the 繁體中文 messages as they are)
    OUT/scores.csv                   one row per student and chapter: score, max_score
    OUT/<student>/<chapter>.md       the student's feedback: each failed check's message and every hint
                                     level, in the batch's language; never the reference's code
    OUT/<student>/results.json       Gradescope's format (``--gradescope``): checks hidden in the nbgrader
                                     notebooks are ``after_published``
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from grader.batch import ResultStore, write_atomically
from grader.chapters import get_chapter
from grader.text import t

__all__ = ["GRADES_COLUMNS", "grades_csv", "scores_csv", "feedback_markdown", "gradescope_results", "write_exports",
           "markdown_text"]

GRADES_COLUMNS = ("student", "chapter", "check", "points", "max_points", "passed", "kind", "layer", "suspect", "message")


def _csv(rows: list[list[Any]], header: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def grades_csv(records: list[dict[str, Any]]) -> str:
    rows = [[r["student"], r["chapter"], c["id"], c["points"], c["max_points"], str(c["passed"]).lower(),
             c.get("kind") or "", "" if c.get("layer") is None else c["layer"], c.get("suspect") or "", c["message"]]
            for r in records for c in r["checks"]]
    return _csv(rows, GRADES_COLUMNS)


def scores_csv(records: list[dict[str, Any]]) -> str:
    rows = [[r["student"], r["chapter"], r["score"], r["max_score"]] for r in records]
    return _csv(rows, ("student", "chapter", "score", "max_score"))


def markdown_text(text: str) -> str:
    """The grader's plain text in Markdown: `code` stays code, * _ < # [ ] | elsewhere are shown as typed."""
    parts = text.split("`")
    for index in range(0, len(parts), 2):
        plain = parts[index].replace("\\", "\\\\")
        for char in "*_<>#[]|~":
            plain = plain.replace(char, "\\" + char)
        parts[index] = plain
    joined = "`".join(parts[:-1]) + "\\`" + parts[-1] if len(parts) % 2 == 0 else "`".join(parts)  # unmatched `
    return joined.replace("\n", "  \n")


def _hint_levels(check: dict[str, Any]) -> list[tuple[int, str]]:
    return [(level, hint) for level, hint in enumerate(check.get("hints") or [], start=1) if hint != check["message"]]


def feedback_markdown(record: dict[str, Any], lang: str | None = None) -> str:
    """One student's feedback on one chapter: the score, every check, then what to fix with all hints."""
    lang = lang or record.get("lang", "en")
    chapter = get_chapter(record["chapter"])
    lines = [f"# {t('batch.feedback.title', lang, chapter=chapter.id, title=chapter.title[lang])}", "",
             t("batch.feedback.score", lang, student=markdown_text(record["student"]), score=record["score"],
               max_score=record["max_score"]), ""]
    if record.get("files"):
        lines += [t("batch.feedback.files", lang, files=", ".join(f"`{name}`" for name in record["files"])), ""]
    lines += [f"| {t('batch.feedback.check', lang)} | {t('batch.feedback.points', lang)} | "
              f"{t('batch.feedback.result', lang)} |", "|---|---|---|"]
    for check in record["checks"]:
        mark = t("batch.feedback.pass" if check["passed"] else "batch.feedback.fail", lang)
        lines.append(f"| `{check['id']}` | {check['points']}/{check['max_points']} | {mark} |")
    failed = [check for check in record["checks"] if not check["passed"]]
    if failed:
        lines += ["", f"## {t('batch.feedback.to_fix', lang)}"]
        previous = None
        for check in failed:
            lines += ["", f"### `{check['id']}` ({check['points']}/{check['max_points']})", ""]
            if check["message"] == previous:
                lines.append(t("batch.feedback.same", lang))
                continue
            previous = check["message"]
            lines.append(markdown_text(check["message"]))
            for level, hint in _hint_levels(check):
                lines += ["", f"- **{t('batch.feedback.hint', lang, level=level)}** " + markdown_text(hint)]
    else:
        lines += ["", t("batch.feedback.all_passed", lang)]
    return "\n".join(lines) + "\n"


def _check_output(check: dict[str, Any], lang: str) -> str:
    lines = [check["message"]]
    lines += [t("gradescope.hint", lang, level=level, hint=hint) for level, hint in _hint_levels(check)]
    return "\n".join(lines)


def gradescope_results(records: list[dict[str, Any]], lang: str | None = None) -> dict[str, Any]:
    """One student's results.json for Gradescope, from their records (one per chapter)."""
    tests = []
    for record in records:
        chapter = get_chapter(record["chapter"])
        language = lang or record.get("lang", "en")
        for check in record["checks"]:
            tests.append({
                "name": f"{chapter.id} {check['id']}",
                "score": check["points"], "max_score": check["max_points"],
                "status": "passed" if check["passed"] else "failed",
                "output": _check_output(check, language),
                "visibility": "after_published" if chapter.is_hidden(check["id"]) else "visible",
            })
    score = sum(record["score"] for record in records)
    top = sum(record["max_score"] for record in records)
    language = lang or (records[0].get("lang", "en") if records else "en")
    return {"score": score, "output": t("gradescope.summary", language, score=score, max_score=top),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def write_exports(out: Path, *, gradescope: bool = False) -> list[Path]:
    """grades.csv, scores.csv and every feedback file (and results.json) from the results under ``out``."""
    out = Path(out)
    records = ResultStore(out).records()
    written = []
    for name, text in (("grades.csv", grades_csv(records)), ("scores.csv", scores_csv(records))):
        write_atomically(out / name, text)
        written.append(out / name)
    by_student: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        path = out / record["student"] / f"{record['chapter']}.md"
        text = feedback_markdown(record)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text)
        by_student.setdefault(record["student"], []).append(record)
    if gradescope:
        for student, mine in by_student.items():
            path = out / student / "results.json"
            write_atomically(path, json.dumps(gradescope_results(mine), ensure_ascii=False, indent=1))
            written.append(path)
    return written

"""``python -m grader report OUT``: what the class got right and wrong, from a batch's results.

    score distribution per chapter     every student's score, mean, median, full marks
    pass rate per check                how many students pass each check
    common mistakes                    failed checks grouped by (check, kind, layer, suspect): how many
                                       students, which share of the chapter's, one message, who
    not handed in                      who handed in nothing, or not every file, for a chapter

The same figures feed the printed summary, the self-contained ``OUT/report.html`` (inline CSS and SVG:
it opens offline, from an e-mail or a learning platform) and the app's "Class" page.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.batch import NOT_SUBMITTED, ResultStore
from grader.chapters import CHAPTERS, get_chapter
from grader.text import t

__all__ = ["ClassResults", "ChapterScores", "PassRate", "Mistake", "render_text", "render_html"]


@dataclass
class ChapterScores:
    chapter: str
    max_score: int
    scores: dict[str, int]  # student -> score

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores.values()) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(score == self.max_score for score in self.scores.values())

    def histogram(self) -> list[tuple[int, int]]:
        """(score, students) for every score from 0 to the maximum."""
        counts = Counter(self.scores.values())
        return [(score, counts.get(score, 0)) for score in range(self.max_score + 1)]


@dataclass
class PassRate:
    chapter: str
    check: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class Mistake:
    chapter: str
    check: str
    kind: str | None
    layer: int | None
    suspect: str | None
    students: list[str] = field(default_factory=list)
    message: str = ""  # the most frequent message of the group
    share: float = 0.0  # of the chapter's students

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class ClassResults:
    out: Path
    records: list[dict[str, Any]]

    @classmethod
    def load(cls, out: Path) -> ClassResults:
        return cls(Path(out), ResultStore(Path(out)).records())

    @property
    def students(self) -> list[str]:
        return sorted({record["student"] for record in self.records})

    @property
    def chapters(self) -> list[str]:
        present = {record["chapter"] for record in self.records}
        return [chapter.id for chapter in CHAPTERS if chapter.id in present]

    @property
    def versions(self) -> list[str]:
        return sorted({record.get("grader_version", "?") for record in self.records})

    def scores(self) -> list[ChapterScores]:
        out = []
        for chapter in self.chapters:
            mine = [r for r in self.records if r["chapter"] == chapter]
            out.append(ChapterScores(chapter, max(r["max_score"] for r in mine), {r["student"]: r["score"] for r in mine}))
        return out

    def pass_rates(self) -> list[PassRate]:
        rates: dict[tuple[str, str], PassRate] = {}
        for record in self.records:
            for check in record["checks"]:
                rate = rates.setdefault((record["chapter"], check["id"]), PassRate(record["chapter"], check["id"], 0, 0))
                rate.total += 1
                rate.passed += bool(check["passed"])
        order = {chapter: n for n, chapter in enumerate(self.chapters)}
        return sorted(rates.values(), key=lambda r: order[r.chapter])  # each chapter's checks in grading order

    def mistakes(self) -> list[Mistake]:
        """Failed checks grouped by (chapter, check, kind, layer, suspect), the most frequent first.

        One cause that fails several checks at once (a hang, a crash, a file that does not load: the same
        message on each) counts once, at the first check it stops; files not handed in are not mistakes
        (``not_handed_in``)."""
        groups: dict[tuple[Any, ...], Mistake] = {}
        messages: dict[tuple[Any, ...], Counter[str]] = {}
        for record in self.records:
            previous = None
            for check in record["checks"]:
                if check["passed"]:
                    previous = None
                    continue
                repeated, previous = check["message"] == previous, check["message"]
                if repeated or check.get("kind") == NOT_SUBMITTED:
                    continue
                key = (record["chapter"], check["id"], check.get("kind"), check.get("layer"), check.get("suspect"))
                group = groups.setdefault(key, Mistake(*key))
                group.students.append(record["student"])
                messages.setdefault(key, Counter())[check["message"]] += 1
        per_chapter = Counter(record["chapter"] for record in self.records)
        for key, group in groups.items():
            group.message = messages[key].most_common(1)[0][0]
            group.share = group.count / per_chapter[group.chapter]
        order = {chapter: n for n, chapter in enumerate(self.chapters)}
        return sorted(groups.values(), key=lambda m: (-m.count, order[m.chapter], m.check))


    def not_handed_in(self) -> dict[str, list[str]]:
        """chapter -> the students who handed in nothing, or not every file, for it."""
        missing: dict[str, list[str]] = {}
        for record in self.records:
            if any(check.get("kind") == NOT_SUBMITTED for check in record["checks"]):
                missing.setdefault(record["chapter"], []).append(record["student"])
        return {chapter: missing[chapter] for chapter in self.chapters if chapter in missing}


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _title(chapter: str, lang: str) -> str:
    return f"{chapter} · {get_chapter(chapter).title[lang]}"


def render_text(results: ClassResults, lang: str = "en", top: int = 10) -> str:
    """The printed summary: each chapter's scores, the pass rates, the ``top`` most common mistakes."""
    lines = [t("class.title", lang), t("class.overview", lang, students=len(results.students), results=len(results.records),
                                       version=", ".join(results.versions)), ""]
    lines.append(t("class.scores", lang))
    for scores in results.scores():
        lines.append("  " + t("class.chapter_line", lang, chapter=scores.chapter, students=len(scores.scores),
                              mean=scores.mean, max_score=scores.max_score, median=scores.median, full=scores.full_marks))
        peak = max((count for _, count in scores.histogram()), default=0) or 1
        for score, count in scores.histogram():
            if count:
                lines.append(f"    {score:>3} {'#' * max(1, round(30 * count / peak)):<30} {count}")
    lines += ["", t("class.pass_rates", lang)]
    for rate in results.pass_rates():
        lines.append(f"  {rate.chapter:<16} {rate.check:<34} {rate.passed:>4}/{rate.total:<4} {_pct(rate.rate):>5}")
    lines += ["", t("class.mistakes", lang)]
    mistakes = results.mistakes()
    if not mistakes:
        lines.append("  " + t("class.no_mistakes", lang))
    for mistake in mistakes[:top]:
        where = ", ".join(str(part) for part in (mistake.kind, f"layer {mistake.layer}" if mistake.layer else None,
                                                 mistake.suspect) if part)
        lines.append(f"  {mistake.count:>4} ({_pct(mistake.share):>4})  {mistake.chapter} {mistake.check} [{where}]")
        lines.append(f"        {mistake.message.splitlines()[0][:160] if mistake.message else ''}")
        lines.append(f"        {', '.join(mistake.students[:12])}{' …' if mistake.count > 12 else ''}")
    if len(mistakes) > top:
        lines.append(f"  … {len(mistakes) - top} more in report.html")
    missing = results.not_handed_in()
    if missing:
        lines += ["", t("class.not_handed_in", lang)]
        for chapter, students in missing.items():
            lines.append(f"  {chapter}: {len(students)}: {', '.join(students[:12])}{' …' if len(students) > 12 else ''}")
    return "\n".join(lines)


# -- report.html ---------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK TC","Microsoft JhengHei",sans-serif;margin:2rem auto;
max-width:1100px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;table-layout:auto}td{overflow-wrap:anywhere}th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;
text-align:left;vertical-align:top;font-size:.92rem}th{background:#f6f6f6}td.num{text-align:right;white-space:nowrap}
.muted{color:#777}.bar{background:#e8eef8;height:.9rem;position:relative;min-width:120px}
.bar span{display:block;height:100%;background:#3b6fb6}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0}figcaption{font-size:.9rem;margin-bottom:.3rem}details summary{cursor:pointer;color:#3b6fb6}
code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}
"""


def _histogram_svg(scores: ChapterScores, width: int = 420, height: int = 160) -> str:
    bins = scores.histogram()
    peak = max((count for _, count in bins), default=0) or 1
    step = (width - 30) / len(bins)
    bars = []
    for n, (score, count) in enumerate(bins):
        h = (height - 30) * count / peak
        x = 25 + n * step
        bars.append(f'<rect x="{x:.1f}" y="{height - 20 - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
                    f'fill="#3b6fb6"><title>{score}: {count}</title></rect>')
        if count:
            bars.append(f'<text x="{x + step / 2:.1f}" y="{height - 24 - h:.1f}" font-size="10" '
                        f'text-anchor="middle">{count}</text>')
        if score in (0, scores.max_score) or len(bins) <= 25 or score % 5 == 0:
            bars.append(f'<text x="{x + step / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{score}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
            f'<line x1="22" y1="{height - 20}" x2="{width - 4}" y2="{height - 20}" stroke="#999"/>{"".join(bars)}</svg>')


def render_html(results: ClassResults, lang: str = "en") -> str:
    """report.html: one file with its styles and charts inside, no script, nothing fetched."""
    e = html.escape
    parts = [f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f'<title>{e(t("class.title", lang))}</title><style>{_CSS}</style></head><body>',
             f'<h1>{e(t("class.title", lang))}</h1>',
             f'<p class="muted">{e(t("class.overview", lang, students=len(results.students), results=len(results.records), version=", ".join(results.versions)))}</p>',
             f'<h2>{e(t("class.scores", lang))}</h2><div class="charts">']
    for scores in results.scores():
        caption = t("class.chapter_line", lang, chapter=_title(scores.chapter, lang), students=len(scores.scores),
                    mean=scores.mean, max_score=scores.max_score, median=scores.median, full=scores.full_marks)
        parts.append(f"<figure><figcaption>{e(caption)}</figcaption>{_histogram_svg(scores)}</figure>")
    parts.append("</div>")

    parts.append(f'<h2>{e(t("class.pass_rates", lang))}</h2><table><tr><th>{e(t("class.col.chapter", lang))}</th>'
                 f'<th>{e(t("class.col.check", lang))}</th><th>{e(t("class.col.passed", lang))}</th>'
                 f'<th>{e(t("class.col.rate", lang))}</th><th></th></tr>')
    for rate in results.pass_rates():
        parts.append(f"<tr><td>{e(rate.chapter)}</td><td><code>{e(rate.check)}</code></td>"
                     f'<td class="num">{rate.passed}/{rate.total}</td><td class="num">{_pct(rate.rate)}</td>'
                     f'<td><div class="bar"><span style="width:{100 * rate.rate:.1f}%"></span></div></td></tr>')
    parts.append("</table>")

    parts.append(f'<h2>{e(t("class.mistakes", lang))}</h2><p class="muted">{e(t("class.mistakes_intro", lang))}</p>')
    mistakes = results.mistakes()
    if not mistakes:
        parts.append(f"<p>{e(t('class.no_mistakes', lang))}</p>")
    else:
        columns = ("count", "share", "chapter", "check", "kind", "layer", "suspect", "message", "students")
        parts.append("<table><tr>" + "".join(f"<th>{e(t(f'class.col.{c}', lang))}</th>" for c in columns) + "</tr>")
        for m in mistakes:
            who = ", ".join(m.students)
            parts.append(
                f'<tr><td class="num">{m.count}</td><td class="num">{_pct(m.share)}</td><td>{e(m.chapter)}</td>'
                f"<td><code>{e(m.check)}</code></td><td>{e(m.kind or '')}</td><td>{'' if m.layer is None else m.layer}</td>"
                f"<td>{e(m.suspect or '')}</td><td>{e(m.message)}</td>"
                f"<td><details><summary>{m.count}</summary>{e(who)}</details></td></tr>")
        parts.append("</table>")
    missing = results.not_handed_in()
    if missing:
        parts.append(f'<h2>{e(t("class.not_handed_in", lang))}</h2><table>')
        for chapter, students in missing.items():
            parts.append(f'<tr><td>{e(chapter)}</td><td class="num">{len(students)}</td><td>{e(", ".join(students))}</td></tr>')
        parts.append("</table>")
    parts.append(f'<p class="muted">{e(t("class.footer", lang, out=str(results.out)))}</p></body></html>')
    return "\n".join(parts) + "\n"

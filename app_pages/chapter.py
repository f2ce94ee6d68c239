"""One chapter: its notes, the worksheet, the model check with hints level by level, the architecture.

Registered once per chapter by ``app_pages.nav`` (``render(chapter_id)``). Every verdict, message and
hint comes from the grader's reports; this page only lays them out.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.common import bump_run, current_lang, md, model_report, shown, stamp, worksheet_report
from app_pages.diagram import to_dot
from app_pages.notes import read_answers, read_notes
from app_pages.tables import layer_table
from app_pages.train import render_inside, render_train, trainable
from grader.chapters import Chapter, get_chapter
from grader.progress import status_of
from grader.report import Check, Report
from grader.text import sentences, t
from grader.worksheets import WORKSHEETS

__all__ = ["render"]

WATCH_SECONDS = 2.0
DIAGRAM_HEIGHT = 720  # px; a diagram of more than TALL_DIAGRAM_ROWS rows scrolls inside a box this tall
TALL_DIAGRAM_ROWS = 24
# Streamlit's own icon font, so the marks do not depend on the system's emoji fonts
RIGHT, WRONG = ":green[:material/check_circle:]", ":red[:material/cancel:]"
BLANK, BROKEN = ":gray[:material/check_box_outline_blank:]", ":orange[:material/warning:]"


def render(chapter_id: str) -> None:
    chapter = get_chapter(chapter_id)
    lang = current_lang()
    st.title(chapter.title[lang])
    st.caption(md(t("chapter.files", lang, model=shown(chapter.exercise_path()),
                    worksheet=shown(chapter.worksheet_path()))))
    st.session_state[f"seen:{chapter.id}"] = _stamps(chapter)
    _watch(chapter.id)
    labels = [t("tab.notes", lang), t("tab.worksheet", lang), t("tab.check", lang)]
    if chapter.models:
        labels.append(t("tab.architecture", lang))
    extra = []  # the Train tab where training is practical here; the Inside tab for ImageNet-sized networks
    if trainable(chapter):
        extra.append(("train", render_train))
    if chapter.models and max(chapter.models[0].input_shape[1:]) > 64:
        extra.append(("inside", render_inside))
    labels += [t(f"tab.{name}", lang) for name, _ in extra]
    tabs = st.tabs(labels)
    with tabs[0]:
        _notes(chapter, lang)
    with tabs[1]:
        _worksheet(chapter, lang)
    with tabs[2]:
        report = _model_check(chapter, lang)
    if chapter.models:
        with tabs[3]:
            _architecture(chapter, report, lang)
    for tab, (_, render_tab) in zip(tabs[len(labels) - len(extra):], extra):
        with tab:
            render_tab(chapter, lang)


# -- re-check on save --------------------------------------------------------------------------------------
def _stamps(chapter: Chapter) -> tuple:
    return stamp(chapter.exercise_path()), stamp(chapter.worksheet_path())


@st.fragment(run_every=WATCH_SECONDS)
def _watch(chapter_id: str) -> None:
    """Every few seconds, look at the learner's files; when one was saved since the page ran, run the whole
    page again (the reports are cached on the files' stamps, so only the changed file is graded again)."""
    st.caption(t("check.watching", current_lang()))
    if st.session_state.get(f"seen:{chapter_id}") != _stamps(get_chapter(chapter_id)):
        st.rerun(scope="app")


# -- notes -------------------------------------------------------------------------------------------------
def _notes(chapter: Chapter, lang: str) -> None:
    path = chapter.exercise_path().parent / "README.md"
    blocks = read_notes(path, lang)
    if not blocks:
        st.info(md(t("notes.missing", lang, path=shown(path))))
    for kind, body in blocks:
        if kind == "latex":
            st.latex(body)
        else:
            st.markdown(body)


# -- hints and errors --------------------------------------------------------------------------------------
def _reveal(key: str, signature: tuple, level: int) -> None:
    st.session_state[key] = (signature, level)


def hints(chapter_id: str, check_id: str, items: list[str], signature: tuple, lang: str) -> None:
    """The hints revealed so far (level kept in session state per chapter and check), and a button for the
    next one. A new failure of the same check (another signature) starts again at level 0."""
    items = [item for item in items if item.strip()]
    if not items:
        return
    key = f"hint:{chapter_id}:{check_id}"
    saved = st.session_state.get(key)
    level = saved[1] if saved and saved[0] == signature else 0
    for number, item in enumerate(items[:level], start=1):
        st.info(f"**{t('hint.label', lang, level=number, total=len(items))}** · {md(item)}")
    if level < len(items):
        st.button(t("hint.show", lang, level=level + 1, total=len(items)), key=f"{key}:next", on_click=_reveal,
                  args=(key, signature, level + 1), icon=":material/lightbulb:")


def _check_hints(chapter_id: str, check: Check, lang: str) -> None:
    items = [hint for hint in check.hints if hint.strip() != check.message.strip()]
    hints(chapter_id, check.id, items, (check.kind, check.layer, check.suspect, len(items)), lang)


def _source(path: Path, check: Check) -> None:
    """The learner's line the grader points at, with two lines around it."""
    line = check.line
    if not line:
        return
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    if not 1 <= line <= len(lines) + 1:
        return
    first, last = max(1, line - 2), min(len(lines), line + 2)
    excerpt = "\n".join(f"{'>' if n == line else ' '} {n:>4} | {lines[n - 1]}" for n in range(first, last + 1))
    st.markdown(md(t("check.in_file", current_lang(), path=shown(path), line=line)))
    st.code(excerpt or " ", language=None)


# -- the worksheet -----------------------------------------------------------------------------------------
def _worksheet(chapter: Chapter, lang: str) -> None:
    path = chapter.worksheet_path()
    st.markdown(md(t("sheet.intro", lang, path=shown(path))))
    report = worksheet_report(chapter, lang)
    right = sum(check.passed for check in report.checks)
    total = len(report.checks)
    st.progress(right / total if total else 0.0, text=t("sheet.score", lang, score=right, total=total))
    messages = {check.message for check in report.checks if not check.passed}
    broken = len(messages) == 1 and total > 1 and all(
        check.kind not in ("worksheet", "not_implemented", "missing_class") for check in report.checks)
    if broken:  # the file itself does not load: one message for the whole sheet, at the learner's line
        check = report.checks[0]
        st.error(md(check.message), icon=":material/error:")
        _source(path, check)
        _check_hints(chapter.id, check, lang)
    blanks = {f"worksheet.{blank.name}": blank for blank in WORKSHEETS.get(chapter.id, ())}
    for check in report.checks:
        blank = blanks.get(check.id)
        question = t(blank.question, lang) if blank else check.id
        name = check.id.split(".", 1)[-1]
        with st.container(border=True):
            if check.passed:
                st.markdown(f"{RIGHT} **`{name}`** · {md(question)}")
                st.caption(f"{t('sheet.right', lang)} · {md(check.message)}")
            elif broken:
                st.markdown(f"{BROKEN} **`{name}`** · {md(question)}")
                st.caption(t("sheet.error", lang))
            elif check.kind == "not_implemented":
                st.markdown(f"{BLANK} **`{name}`** · {md(question)}")
                st.caption(t("sheet.blank", lang))
                _check_hints(chapter.id, check, lang)
            else:
                st.markdown(f"{WRONG} **`{name}`** · {md(question)}")
                st.caption(f"{t('sheet.wrong', lang)} · {md(check.message)}")
                _check_hints(chapter.id, check, lang)
    answers = read_answers(chapter.exercise_path().parent / "README.md", lang)
    if answers:  # the notes' own shapes and counts: after the worksheet, collapsed
        with st.expander(t("sheet.answers", lang), icon=":material/fact_check:"):
            for kind, body in answers:
                st.latex(body) if kind == "latex" else st.markdown(body)


# -- the model check ---------------------------------------------------------------------------------------
def _verdict(report: Report, lang: str) -> None:
    score, top = report.score, report.max_score
    failed = sum(not check.passed for check in report.checks)
    status = status_of(report)
    if status == "done":
        st.success(t("check.passed", lang, score=score, max=top), icon=":material/check_circle:")
    elif status == "not started":
        st.info(t("check.not_started", lang, score=score, max=top), icon=":material/hourglass_empty:")
    else:
        st.error(t("check.failed", lang, failed=failed, total=len(report.checks), score=score, max=top),
                 icon=":material/cancel:")
    st.progress(score / top if top else 0.0, text=t("check.score", lang, score=score, max=top))


def _checks(chapter: Chapter, report: Report, lang: str) -> None:
    previous = None
    for check in report.checks:
        points = f"({check.points}/{check.max_points})"
        if check.passed:
            st.markdown(f"{RIGHT} **{check.id}** {points} · {md(check.message)}")
            continue
        if check.message == previous:  # one cause, several checks: say it once
            st.markdown(f"{WRONG} **{check.id}** {points} · {t('check.same_cause', lang)}")
            continue
        previous = check.message
        st.markdown(f"{WRONG} **{check.id}** {points}")
        st.error(md(check.message))
        _source(chapter.exercise_path(), check)
        _check_hints(chapter.id, check, lang)


def _model_check(chapter: Chapter, lang: str) -> Report:
    st.button(t("check.run", lang), key=f"run:{chapter.id}:button", on_click=bump_run, args=(chapter.id,),
              type="primary", icon=":material/play_arrow:")
    with st.spinner(t("check.running", lang)):
        report = model_report(chapter, lang)
    _verdict(report, lang)
    st.caption(md(t("check.seconds", lang, path=shown(chapter.exercise_path()), seconds=report.seconds)))
    _checks(chapter, report, lang)
    general = list(chapter.hints.get(lang, ()))
    if general and not report.passed:
        st.markdown(f"**{t('hint.chapter', lang)}**")
        hints(chapter.id, "chapter", general, ("chapter",), lang)
    if report.output.strip():
        with st.expander(t("check.output", lang)):
            st.code(report.output[-5000:], language=None)
    for name, view in report.models.items():
        _layer_table(report, name, view, lang)
    return report


def _layer_table(report: Report, name: str, view, lang: str) -> None:
    st.subheader(t("table.title", lang, model=name))
    frame = layer_table(view, lang)
    if view.divergence is not None:
        structure = next((c for c in report.checks if c.model == name and c.id.endswith(".structure")), None)
        detail = md(structure.message) if structure is not None else ""
        st.error(sentences(lang, t("table.divergence", lang, row=view.divergence + 1), detail), icon=":material/report:")
    numbers = [t(key, lang) for key in ("table.ref_params", "table.ref_macs", "table.your_params", "table.your_macs")]

    def highlight(row):
        marked = view.divergence is not None and row.name == view.divergence
        return ["background-color: #ffd6d6; font-weight: bold" if marked else "" for _ in row]

    styled = frame.style.apply(highlight, axis=1).format("{:,}", subset=numbers, na_rep="")
    st.dataframe(styled, hide_index=True, height=min(38 + 35 * len(frame), 560), placeholder="")
    st.caption(t("table.legend", lang))
    if view.learner_rows:
        ref_params = sum(row.params for row in view.reference_rows)
        ref_macs = sum(row.macs for row in view.reference_rows)
        params = sum(row.params for row in view.learner_rows)
        macs = sum(row.macs for row in view.learner_rows)
        st.caption(t("table.totals", lang, ref_params=ref_params, ref_gmacs=ref_macs / 1e9, params=params,
                     gmacs=macs / 1e9))


# -- the architecture ---------------------------------------------------------------------------------------
def _architecture(chapter: Chapter, report: Report, lang: str) -> None:
    st.caption(t("arch.caption", lang))
    specs = {spec.label: spec for spec in chapter.models}
    for name, view in report.models.items():
        spec = specs.get(name)
        st.subheader(name)
        options = ["yours", "reference"] if view.learner_rows else ["reference"]
        if not view.learner_rows:
            st.info(t("arch.no_model", lang))
        choice = st.radio(t("arch.show", lang), options, key=f"arch:{chapter.id}:{name}", horizontal=True,
                          format_func=lambda option: t(f"arch.{option}", lang))
        if choice == "yours":
            rows = view.learner_rows
            mark, missing = view.learner_index()
        else:
            rows = view.reference_rows
            mark, missing = view.reference_index()
        label = ""
        if mark is not None:
            label = t("arch.first_difference", lang)
            if missing:
                label = t("arch.missing_end" if mark >= len(rows) else "arch.missing_here", lang)
        dot = to_dot(rows, lang, mark=mark, missing=missing, mark_label=label,
                     input_shape=spec.input_shape if spec else None, name=name,
                     input_label=t("arch.input", lang))
        with st.container(height=DIAGRAM_HEIGHT if len(rows) > TALL_DIAGRAM_ROWS else "content"):
            st.graphviz_chart(dot)

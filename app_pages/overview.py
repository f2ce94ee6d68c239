"""The overview: every chapter with its status, score and a progress bar, and what to do next."""

import streamlit as st

import grader.chapters
from app_pages.common import chapter_result, current_lang, md, worksheet_report
from app_pages.nav import chapter_page
from grader.chapters import CHAPTERS
from grader.progress import status_of
from grader.scoring import tidy
from grader.text import t

lang = current_lang()
st.title(t("overview.title", lang))
st.caption(t("app.motto", lang))
st.markdown(md(t("overview.intro", lang, folder=str(grader.chapters.ROOT / "exercises"))))

# The totals and the next step go on top, filled in once every chapter is graded; the chapters appear
# one by one as they are graded (the slow ones, with the big networks, come last).
summary, next_step = st.container(), st.container()
_BADGE = {"done": "green", "in progress": "orange", "not started": "gray"}
results = []
for chapter in CHAPTERS:
    with st.container(border=True):
        name, bar, action = st.columns([4, 4, 1], vertical_alignment="center")
        with name:
            st.markdown(f"**{t('page.chapter', lang, number=chapter.number, title=t(chapter.title, lang))}**")
            with st.spinner(t("overview.grading", lang)):
                report = chapter_result(chapter, lang)
            status = status_of(report)
            st.badge(t(f"status.{status}", lang), color=_BADGE[status])
        with bar:
            sheet = worksheet_report(chapter, lang)
            st.progress(report.score / report.max_score if report.max_score else 0.0,
                        text=f"{report.score}/{report.max_score}")
            st.caption(t("overview.parts", lang, sheet=f"{sheet.score}/{sheet.max_score}",
                         model=f"{tidy(report.score - sheet.score)}/{tidy(report.max_score - sheet.max_score)}"))
        with action:
            if st.button(t("overview.open", lang), key=f"open:{chapter.id}"):
                st.switch_page(chapter_page(chapter, lang))
    results.append((chapter, report))

with summary:
    score = sum(report.score for _, report in results)
    top = sum(report.max_score for _, report in results)
    done = sum(status_of(report) == "done" for _, report in results)
    left, right = st.columns(2)
    left.metric(t("overview.total", lang), f"{score}/{top}")
    right.metric(t("overview.chapters_done", lang), f"{done}/{len(results)}")

with next_step:
    st.subheader(t("overview.next", lang))
    upcoming = next(((chapter, report) for chapter, report in results if status_of(report) != "done"), None)
    if upcoming is None:
        st.success(t("overview.all_done", lang), icon=":material/celebration:")
    else:
        chapter, report = upcoming
        title = t("page.chapter", lang, number=chapter.number, title=chapter.title[lang])
        failure = report.first_failure()
        if status_of(report) == "not started" or failure is None:
            st.info(t("overview.next_start", lang, title=title), icon=":material/flag:")
        else:
            st.info(t("overview.next_chapter", lang, title=title) + "  \n" + md(failure.message), icon=":material/flag:")
        st.page_link(chapter_page(chapter, lang), label=title, icon=":material/arrow_forward:")

"""The app's pages, declared once: the router builds the navigation from them, and a page that links to
another (the overview's "Open" buttons) asks for the same page here."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages import chapter as chapter_page_module
from grader.chapters import CHAPTERS, Chapter
from grader.text import t


def overview_page(lang: str) -> st.Page:
    return st.Page("app_pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", url_path="overview",
                   default=True)


def chapter_page(chapter: Chapter, lang: str) -> st.Page:
    """One page per chapter, all rendered by ``app_pages.chapter.render``; the URL is the chapter's id."""
    title = t("page.chapter", lang, number=chapter.number, title=chapter.title[lang])
    return st.Page(partial(chapter_page_module.render, chapter.id), title=title, url_path=chapter.id,
                   icon=":material/menu_book:")


def sections(lang: str) -> dict[str, list[st.Page]]:
    return {
        t("nav.course", lang): [overview_page(lang)],
        t("nav.chapters", lang): [chapter_page(chapter, lang) for chapter in CHAPTERS],
        t("nav.practice", lang): [
            st.Page("app_pages/drill.py", title=t("page.drill", lang), icon=":material/calculate:", url_path="drill"),
            st.Page("app_pages/zoo.py", title=t("page.zoo", lang), icon=":material/bubble_chart:", url_path="zoo"),
        ],
        t("class.nav", lang): [
            st.Page("app_pages/class_page.py", title=t("class.page", lang), icon=":material/groups:", url_path="class"),
        ],
    }

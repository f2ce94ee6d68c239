"""The formula drill: a random question, the learner's answer, the worked solution, a running score.

Questions, answers and the history (SQLite in the data directory) are grader.drill's; this page only
asks and shows.
"""

import random

import pandas as pd
import streamlit as st

from app_pages.common import current_lang, md
from grader.drill import KINDS, DrillLog, make_question, parse_answer
from grader.text import t

lang = current_lang()
log = DrillLog()
state = st.session_state
state.setdefault("drill.seed", random.randrange(1 << 31))
state.setdefault("drill.number", 1)
state.setdefault("drill.session", [0, 0])  # right, answered

st.title(t("drill.title", lang))
st.markdown(t("drill.intro", lang))


def _new_question() -> None:
    state["drill.seed"] = random.randrange(1 << 31)
    state["drill.number"] += 1
    state.pop("drill.answered", None)


kind = st.selectbox(t("drill.kind", lang), ["any", *KINDS], key="drill.kind", on_change=_new_question,
                    format_func=lambda k: t("drill.any", lang) if k == "any" else t(f"drill.kind.{k}", lang))
question = make_question(state["drill.seed"], None if kind == "any" else kind)

st.subheader(t("drill.question", lang, number=state["drill.number"]))
st.markdown(f"**{md(question.ask(lang))}**")

answered = state.get("drill.answered")
if answered is None or answered["seed"] != question.seed:
    with st.form("drill.form", clear_on_submit=True):
        given = st.text_input(t("drill.answer", lang), key="drill.given")
        submitted = st.form_submit_button(t("drill.submit", lang), type="primary")
    if submitted:
        if parse_answer(given) is None:
            st.warning(t("drill.unreadable", lang))
        else:
            right = log.record(question, given.strip(), lang)  # one transaction per answer
            state["drill.session"] = [state["drill.session"][0] + right, state["drill.session"][1] + 1]
            state["drill.answered"] = {"seed": question.seed, "given": given.strip(), "right": right}
            st.rerun()
else:
    if answered["right"]:
        st.success(t("drill.right", lang, answer=question.answer), icon=":material/check_circle:")
    else:
        st.error(t("drill.wrong", lang, given=answered["given"], answer=question.answer), icon=":material/cancel:")
    st.markdown(f"**{t('drill.solution', lang)}**")
    st.code("\n".join(question.solution(lang)), language=None)
    st.button(t("drill.next", lang), on_click=_new_question, type="primary", key="drill.next")

st.divider()
session_right, session_total = state["drill.session"]
all_right, all_total = log.score()
left, right = st.columns(2)
left.metric(t("drill.session", lang), f"{session_right}/{session_total}")
right.metric(t("drill.all_time", lang), f"{all_right}/{all_total}")

by_kind = log.by_kind()
if by_kind:
    st.markdown(f"**{t('drill.by_kind', lang)}**")
    for name in KINDS:
        if name in by_kind:
            good, total = by_kind[name]
            st.progress(good / total, text=t("drill.kind_score", lang, kind=t(f"drill.kind.{name}", lang), right=good, total=total))

history = log.history(10)
if history:
    st.markdown(f"**{t('drill.history', lang)}**")
    st.dataframe(pd.DataFrame([{
        t("drill.col.kind", lang): t(f"drill.kind.{entry.kind}", lang) if entry.kind in KINDS else entry.kind,
        t("drill.col.question", lang): make_question(entry.seed, entry.kind).ask(lang),
        t("drill.col.given", lang): entry.given,
        t("drill.col.answer", lang): f"{entry.answer:,}",
        t("drill.col.result", lang): "✓" if entry.correct else "✗",
    } for entry in history]), hide_index=True)
st.caption(md(t("drill.saved", lang, path=str(log.path))))

"""The instructors' "Class" page: a batch's results (``python -m grader batch ... --out OUT``) as charts and
tables: the score distribution per chapter, the pass rate per check, the common mistakes and who made
them. The figures are grader.class_report's (the same as ``python -m grader report``); this page renders.
"""

import os

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import current_lang
from grader.class_report import ClassResults
from grader.text import t

lang = current_lang()
st.title(t("class.title", lang))
st.session_state.setdefault("class.folder", os.environ.get("CNN_DOJO_CLASS", ""))
folder = st.text_input(t("class.folder", lang), key="class.folder", help=t("class.folder_help", lang)).strip()
results = ClassResults.load(folder) if folder else None
if results is None or not results.records:
    st.info(t("class.empty", lang, out=folder or "OUT"), icon=":material/folder_open:")
    st.stop()

st.caption(t("class.overview", lang, students=len(results.students), results=len(results.records),
             version=", ".join(results.versions)))

st.subheader(t("class.scores", lang))
all_scores = results.scores()
columns = st.columns(min(3, len(all_scores)))
for index, scores in enumerate(all_scores):
    with columns[index % len(columns)]:
        st.metric(scores.chapter, f"{scores.mean:.1f}/{scores.max_score}",
                  help=t("class.chapter_line", lang, chapter=scores.chapter, students=len(scores.scores),
                         mean=scores.mean, max_score=scores.max_score, median=scores.median, full=scores.full_marks))
        frame = pd.DataFrame(scores.histogram(), columns=["score", "students"])
        chart = alt.Chart(frame).mark_bar().encode(
            x=alt.X("score:O", title=t("class.col.score", lang)),
            y=alt.Y("students:Q", title=t("class.col.count", lang)),
            tooltip=["score", "students"])
        st.altair_chart(chart.properties(height=180), width="stretch")

st.subheader(t("class.pass_rates", lang))
rates = pd.DataFrame([{"chapter": r.chapter, "check": r.check, "rate": r.rate, "passed": f"{r.passed}/{r.total}"}
                      for r in results.pass_rates()])
chart = alt.Chart(rates).mark_bar().encode(
    x=alt.X("rate:Q", title=t("class.col.rate", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    y=alt.Y("check:N", title=t("class.col.check", lang), sort=None),
    color=alt.Color("chapter:N", title=t("class.col.chapter", lang)),
    tooltip=[alt.Tooltip("chapter:N"), alt.Tooltip("check:N"), alt.Tooltip("passed:N"), alt.Tooltip("rate:Q", format=".0%")])
st.altair_chart(chart.properties(height=max(160, 18 * len(rates))), width="stretch")

st.subheader(t("class.mistakes", lang))
st.caption(t("class.mistakes_intro", lang))
mistakes = results.mistakes()
if not mistakes:
    st.success(t("class.no_mistakes", lang))
else:
    names = {key: t(f"class.col.{key}", lang) for key in
             ("count", "share", "chapter", "check", "kind", "layer", "suspect", "message", "students")}
    table = pd.DataFrame([{names["count"]: m.count, names["share"]: m.share, names["chapter"]: m.chapter,
                           names["check"]: m.check, names["kind"]: m.kind or "", names["layer"]: m.layer,
                           names["suspect"]: m.suspect or "", names["message"]: m.message,
                           names["students"]: ", ".join(m.students)} for m in mistakes])
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        names["share"]: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
        names["layer"]: st.column_config.NumberColumn(format="%d"),
    })

missing = results.not_handed_in()
if missing:
    st.subheader(t("class.not_handed_in", lang))
    for chapter, students in missing.items():
        st.markdown(f"**{chapter}** ({len(students)}): {', '.join(students)}")

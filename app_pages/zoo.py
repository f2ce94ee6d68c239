"""The model zoo: the reference networks side by side, and the motto as a chart (error against
operations, bubble size = parameters), with the learner's passing models measured on their own code."""

import altair as alt
import pandas as pd
import streamlit as st

import solutions
from app_pages.common import current_lang, grade_all, model_report
from grader import reference
from grader.chapters import CHAPTERS
from grader.compare import weight_depth
from grader.text import join_list, t


@st.cache_data(show_spinner=False)
def _reference_facts() -> list[dict]:
    """Each registered model's facts, and its depth, parameters and MACs from its trace (grader.reference)."""
    facts = []
    for name in solutions.list_models():
        info, traced = solutions.get_model_info(name), reference.for_model(name)
        facts.append({"model": name, "year": info.year, "depth": weight_depth(list(traced.rows)),
                      "params": traced.total_params, "gmacs": traced.total_macs / 1e9, "top5": info.ilsvrc_top5,
                      "ilsvrc": info.ilsvrc or ""})
    return facts


def _your_facts(lang: str) -> list[dict]:
    """The learner's models whose chapter check passes, with the numbers measured on their code."""
    facts = []
    grade_all([chapter for chapter in CHAPTERS if chapter.zoo_name], lang, models_only=True)
    for chapter in CHAPTERS:
        if chapter.zoo_name is None:
            continue
        report = model_report(chapter, lang)
        view = report.models.get(chapter.zoo_name)
        if not report.passed or view is None or not view.learner_rows:
            continue
        info = solutions.get_model_info(chapter.zoo_name)
        rows = view.learner_rows
        facts.append({"model": t("zoo.your_model", lang, model=chapter.zoo_name), "year": info.year,
                      "depth": view.learner_depth, "params": sum(row.params for row in rows),
                      "gmacs": sum(row.macs for row in rows) / 1e9, "top5": info.ilsvrc_top5, "ilsvrc": info.ilsvrc or ""})
    return facts


lang = current_lang()
st.title(t("zoo.title", lang))
st.markdown(t("zoo.intro", lang))

references = _reference_facts()
yours = _your_facts(lang)
who_ref, who_yours = t("zoo.reference", lang), t("zoo.yours", lang)
frame = pd.DataFrame([{**row, "who": who_ref} for row in references] + [{**row, "who": who_yours} for row in yours])
columns = {"model": t("zoo.model", lang), "who": t("zoo.who", lang), "year": t("zoo.year", lang),
           "depth": t("zoo.depth", lang), "params": t("zoo.params", lang), "gmacs": t("zoo.gmacs", lang),
           "top5": t("zoo.top5", lang), "ilsvrc": t("zoo.ilsvrc", lang)}
table = frame[list(columns)].rename(columns=columns)
st.dataframe(table, hide_index=True, placeholder="–", column_config={
    columns["year"]: st.column_config.NumberColumn(format="%d"),
    columns["params"]: st.column_config.NumberColumn(format="localized"),
    columns["gmacs"]: st.column_config.NumberColumn(format="%.2f"),
    columns["top5"]: st.column_config.NumberColumn(format="%.2f"),
})

st.caption(t("zoo.depth_help", lang))

st.subheader(t("zoo.chart", lang))
plotted = frame[frame["top5"].notna()]
base = alt.Chart(plotted).encode(
    x=alt.X("gmacs:Q", title=t("zoo.gmacs", lang), scale=alt.Scale(type="log")),
    y=alt.Y("top5:Q", title=t("zoo.top5", lang), scale=alt.Scale(zero=True)),
    tooltip=[alt.Tooltip("model:N", title=columns["model"]), alt.Tooltip("depth:Q", title=columns["depth"]),
             alt.Tooltip("params:Q", title=columns["params"], format=","),
             alt.Tooltip("gmacs:Q", title=columns["gmacs"], format=".2f"),
             alt.Tooltip("top5:Q", title=columns["top5"])],
)
bubbles = base.mark_point(filled=True, opacity=0.55).encode(
    size=alt.Size("params:Q", title=columns["params"], scale=alt.Scale(range=[80, 2500])),
    color=alt.Color("who:N", title=columns["who"], scale=alt.Scale(domain=[who_ref, who_yours], range=["#4c78a8", "#e45756"])),
    shape=alt.Shape("who:N", title=columns["who"], scale=alt.Scale(domain=[who_ref, who_yours], range=["circle", "diamond"])),
)
names = base.mark_text(dy=-18, fontSize=12).encode(text="model:N").transform_filter(alt.datum.who == who_ref)
your_names = base.mark_text(dy=20, fontSize=11, color="#e45756").encode(text="model:N").transform_filter(
    alt.datum.who == who_yours)
st.altair_chart((bubbles + names + your_names).properties(height=440), width="stretch")
st.caption(t("zoo.chart_caption", lang))
missing = [row["model"] for row in references if row["top5"] is None]
if missing:
    st.caption(t("zoo.not_on_chart", lang, names=join_list(missing, lang)))
if yours:
    st.success(t("zoo.your_models", lang, names=join_list((row["model"] for row in yours), lang)))
else:
    st.info(t("zoo.none_yet", lang))

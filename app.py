"""cnn-dojo's Streamlit front end (``streamlit run app.py``, or ``make app``).

A router only: the page set-up, the shared sidebar (the language switch), the navigation. The pages live
in ``app_pages/`` and call the grader's API; none of them grades anything itself.
"""

import streamlit as st

from app_pages.common import save_language, saved_language
from app_pages.nav import sections
from grader.isolate import warm_up
from grader.text import LANG_NAMES, LANGS, t

st.set_page_config(page_title="cnn-dojo", page_icon="🥋", layout="wide")


@st.cache_resource(show_spinner=False)
def _start_grader() -> bool:
    """Start the grader's forkserver once per server, so its ``import torch`` runs while the page renders."""
    warm_up()
    return True


_start_grader()


def _keep_lang() -> None:
    st.session_state["language"] = st.session_state["lang"]
    save_language(st.session_state["lang"])


# The choice lives in "language" (the radio's own state is reset by st.switch_page, so it is set from it),
# starts from the learner's saved choice, and is saved again whenever it changes: a reload keeps it.
if "language" not in st.session_state:
    st.session_state["language"] = saved_language()
lang = st.session_state["language"]
st.session_state["lang"] = lang
with st.sidebar:
    st.radio(t("lang.label"), LANGS, format_func=LANG_NAMES.get, key="lang", horizontal=True, on_change=_keep_lang)
page = st.navigation(sections(lang))
with st.sidebar:
    st.caption(t("app.motto", lang))
page.run()

"""cnn-dojo's Streamlit front end (``streamlit run app.py``, or ``make app``).

A router only: pages live in ``app_pages/`` and call the grader's API. Until the pages land this is the
zoo overview, read from the registry.
"""

import streamlit as st

import solutions
from grader.trace import trace

st.set_page_config(page_title="cnn-dojo", page_icon="🥋", layout="wide")
st.title("cnn-dojo")
st.caption("Deeper is better; fewer parameters and fewer operations are better. · 越深越好！參數量與運算量越少越好！")

rows = []
for name in solutions.list_models():
    info = solutions.get_model_info(name)
    result = trace(info.build(device="meta"), info.input_shape)
    rows.append({
        "model": name,
        "year": info.year,
        "weight layers": result.depth,
        "params": result.total_params,
        "MACs (G)": round(result.total_macs / 1e9, 2),
        "ILSVRC top-5 error (%)": info.ilsvrc_top5,
    })
st.dataframe(rows, hide_index=True)

"""The layer table: the reference and the learner side by side, one row per step of the grader's
alignment (no Streamlit here; the page styles and shows the frame)."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

import pandas as pd

from app_pages.diagram import op_text, shape_text
from grader.report import ModelView
from grader.text import t

__all__ = ["layer_table", "MARKS"]

MARKS = {"same": "✓", "differs": "✗", "missing": "−", "extra": "+", "": ""}


# the alignment's step kinds (grader.compare.Step.kind), as the table marks them
_STATES = {"same": "same", "changed": "differs", "missing": "missing", "extra": "extra"}


def _pairs(view: ModelView) -> list[tuple[Any, Any, str]]:
    if view.steps:
        return [(step.reference, step.learner, _STATES[step.kind]) for step in view.steps]
    # no alignment (the learner's model did not trace to the end): the rows as far as they go
    return [(ref, got, "") for ref, got in zip_longest(view.reference_rows, view.learner_rows)]


def layer_table(view: ModelView, lang: str = "en") -> pd.DataFrame:
    """Columns: #, a mark (✓ same, ✗ differs, − missing in the learner's model, + extra in it), the
    reference's layer, output shape, params and MACs, then the learner's."""
    records = []
    for number, (ref, got, state) in enumerate(_pairs(view), start=1):
        records.append({
            "#": number,
            t("table.match", lang): MARKS[state],
            t("table.ref_layer", lang): op_text(ref, lang) if ref is not None else "",
            t("table.ref_shape", lang): shape_text(ref.output_shape) if ref is not None else "",
            t("table.ref_params", lang): ref.params if ref is not None else None,
            t("table.ref_macs", lang): ref.macs if ref is not None else None,
            t("table.your_layer", lang): op_text(got, lang) if got is not None else "",
            t("table.your_shape", lang): shape_text(got.output_shape) if got is not None else "",
            t("table.your_params", lang): got.params if got is not None else None,
            t("table.your_macs", lang): got.macs if got is not None else None,
        })
    frame = pd.DataFrame.from_records(records)
    for column in (t(key, lang) for key in ("table.ref_params", "table.ref_macs", "table.your_params", "table.your_macs")):
        if column in frame:
            frame[column] = frame[column].astype("Int64")  # integers with gaps, not floats
    return frame

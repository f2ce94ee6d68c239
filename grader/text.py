"""Every bilingual string of cnn-dojo (grader, command line, notebooks, app) through one lookup.

    t("where.missing", "zh-TW", model="VGG16", ...)    a key of the tables in grader/texts/
    t(chapter.title, lang)                           a bilingual value carried by data ({"en": ..., "zh-TW": ...})

The tables are plain data (the app's labels too: the grader never imports Streamlit). The languages
are declared here once; ``CNN_DOJO_LANG`` picks the default for every command and test file.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from typing import Any

from grader.texts import app, course, drill, fair
from grader.texts import grader as grader_texts

__all__ = ["LANGS", "LANG_NAMES", "TEXTS", "Bilingual", "t", "normalize_lang", "default_lang", "op_label", "a_label", "width", "pad"]

LANGS = ("en", "zh-TW")
LANG_NAMES = {"en": "English", "zh-TW": "繁體中文"}

Bilingual = Mapping[str, str]  # lang -> text


def _merge(*tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for table in tables:
        for key, value in table.items():
            if key in merged:
                raise ValueError(f"text key {key!r} is defined twice")
            merged[key] = value
    return merged


TEXTS: dict[str, dict[str, str]] = _merge(
    grader_texts.OPS, grader_texts.TEXTS, app.TEXTS, course.TEXTS,
    drill.TEXTS, fair.TEXTS,
)


def normalize_lang(lang: str | None) -> str:
    """"en", "zh-TW" from what people type ("zh_TW", "zh-tw", "tw", "en_US", None)."""
    if not lang:
        return "en"
    key = lang.replace("_", "-").lower()
    if key in ("zh-tw", "zh", "zh-hant", "tw"):
        return "zh-TW"
    if key.startswith("en"):
        return "en"
    raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGS)}")


def default_lang() -> str:
    """CNN_DOJO_LANG, or English."""
    try:
        return normalize_lang(os.environ.get("CNN_DOJO_LANG"))
    except ValueError:
        return "en"


def t(key: str | Bilingual, lang: str = "en", **facts: Any) -> str:
    """The text ``key`` (or a bilingual value) in ``lang``, with ``facts`` filled in."""
    texts = TEXTS[key] if isinstance(key, str) else key
    template = texts[normalize_lang(lang)]
    return template.format(**facts) if facts else template


def op_label(op: str, lang: str = "en") -> str:
    """How the messages name an operation: "conv layer", "卷積層"; an unknown op by its own name."""
    key = f"op.{op}"
    return t(key, lang) if key in TEXTS else op


def a_label(op: str, lang: str = "en") -> str:
    """The label with its indefinite article in English ("an average pool", "a ReLU"); as is in zh-TW."""
    label = op_label(op, lang)
    if normalize_lang(lang) != "en":
        return label
    return ("an " if label[:1].lower() in "aeiou" or label.startswith("fc ") else "a ") + label


def width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters (and full-width punctuation) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (str.ljust counts characters)."""
    return text + " " * max(0, columns - width(text))

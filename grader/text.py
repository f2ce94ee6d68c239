"""Every bilingual string of cnn-dojo (grader, command line, notebooks, app) through one lookup.

    t("where.missing", "zh-TW", model="VGG16", ...)    a key of the tables in grader/texts/
    t(chapter.title, lang)                           a bilingual value carried by data ({"en": ..., "zh-TW": ...})

The tables are plain data (the app's labels too: the grader never imports Streamlit). The languages
are declared here once; ``CNN_DOJO_LANG`` picks the default for every command and test file.

Each sentence is written whole in each language; only facts (numbers, shapes, code, names, and phrases
that are themselves looked up here) are filled in. In zh-TW, ``t`` typesets the facts into the sentence
as Taiwanese text is set: around each fact, one space between a Chinese character and Latin letters,
digits or code, and no space next to full-width punctuation or between two Chinese characters ("少了一個
{what}" gives "少了一個 ReLU" and "少了一個卷積層"). Sentences are joined with ``sentences`` (a space in
English, none in Chinese) and lists with ``join_list`` ("a, b" / "a、b").
"""

from __future__ import annotations

import os
import string
import unicodedata
from collections.abc import Mapping
from typing import Any

from grader.texts import app, batch, course, drill, fair, train
from grader.texts import grader as grader_texts

__all__ = ["LANGS", "LANG_NAMES", "TEXTS", "Bilingual", "t", "normalize_lang", "default_lang", "op_label", "a_label",
           "sentences", "join_list", "is_cjk", "FULL_WIDTH_PUNCTUATION", "width", "pad", "wrap"]

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
    drill.TEXTS, train.TEXTS, batch.TEXTS, fair.TEXTS,
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
    """The text ``key`` (or a bilingual value) in ``lang``, with ``facts`` filled in (typeset in zh-TW)."""
    texts = TEXTS[key] if isinstance(key, str) else key
    lang = normalize_lang(lang)
    template = texts[lang]
    if not facts:
        return template
    return template.format(**facts) if lang == "en" else _typeset(template, facts)


# -- zh-TW typesetting ---------------------------------------------------------------------------------
FULL_WIDTH_PUNCTUATION = "，。、；：？！（）「」『』《》〈〉【】…—／～"
_FORMATTER = string.Formatter()


def is_cjk(char: str) -> bool:
    """A Chinese (or other East Asian) character: a wide letter, not punctuation."""
    return len(char) == 1 and unicodedata.east_asian_width(char) in ("W", "F") and unicodedata.category(char).startswith("L")


def _latin(char: str) -> bool:
    return "!" <= char <= "~"  # printable ASCII: letters, digits, code


def _spacing(left: str, right: str) -> str | None:
    """The space between two characters where a fact meets the text: None keeps what the template wrote."""
    if left in FULL_WIDTH_PUNCTUATION or right in FULL_WIDTH_PUNCTUATION or (is_cjk(left) and is_cjk(right)):
        return ""
    if (is_cjk(left) and _latin(right)) or (_latin(left) and is_cjk(right)):
        return " "
    return None


def _typeset(template: str, facts: dict[str, Any]) -> str:
    """``template.format(**facts)``, with the spacing around each fact set as zh-TW text is set."""
    text, after_fact = "", False
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        for piece, is_fact in ((literal, False), (None, True)):
            if is_fact:
                if name is None:
                    continue
                value = _FORMATTER.convert_field(_FORMATTER.get_field(name, (), facts)[0], conversion)
                piece = _FORMATTER.format_field(value, spec or "")
            if not piece:
                continue
            head, tail = text.rstrip(" "), piece.lstrip(" ")
            in_code = text.count("`") % 2 == 1  # a fact inside a code span is set as written
            if (is_fact or after_fact) and head and tail and not in_code and len(text) - len(head) <= 1 \
                    and len(piece) - len(tail) <= 1:
                space = _spacing(head[-1], tail[0])
                if space is not None:
                    text, piece = head + space, tail
            text += piece
            after_fact = is_fact
    return text


def sentences(lang: str, *parts: str) -> str:
    """Whole sentences one after another: separated by a space in English, by nothing in Chinese."""
    joiner = " " if normalize_lang(lang) == "en" else ""
    return joiner.join(part.strip() for part in parts if part and part.strip())


def join_list(items: Any, lang: str = "en") -> str:
    """Names in a list: "branch1, branch2" in English, "branch1、branch2" in Chinese."""
    return ("、" if normalize_lang(lang) != "en" else ", ").join(str(item) for item in items)


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


_NO_BREAK_BEFORE = "，。、；：？！）」』》〉】…"
_NO_BREAK_AFTER = "（「『《〈【"


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns (CJK counted twice): breaks at spaces or
    between Chinese characters, never inside a Latin word, before closing or after opening punctuation."""
    tokens: list[str] = []
    for char in text.replace("\n", " "):
        if char == " ":
            if tokens:
                tokens[-1] += char
            continue
        previous = tokens[-1] if tokens else ""
        joined = previous and not previous.endswith(" ") and (
            (width(char) == 1 and width(previous[-1]) == 1) or char in _NO_BREAK_BEFORE or previous[-1] in _NO_BREAK_AFTER)
        if joined:
            tokens[-1] += char
        else:
            tokens.append(char)
    lines, line = [], ""
    for token in tokens:
        if line and width((line + token).rstrip()) > columns:
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters (and full-width punctuation) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (str.ljust counts characters)."""
    return text + " " * max(0, columns - width(text))

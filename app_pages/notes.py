"""A chapter's notes (its README) as blocks to render: markdown, and the ``$$`` formulas for st.latex.

The READMEs hold both languages, under ``## English`` and ``## 繁體中文``; a formula is a ``$$`` line,
the LaTeX, and a closing ``$$`` line. No Streamlit here, so it is tested on its own.
"""

from __future__ import annotations

from pathlib import Path

from grader.notes import split_answers

__all__ = ["SECTION_LANGS", "split_notes", "read_notes", "read_answers"]

SECTION_LANGS = {"English": "en", "繁體中文": "zh-TW"}


def _language_sections(text: str) -> tuple[str, dict[str, list[str]]]:
    """The chapter heading (``# ...``) and the lines under each language's ``## `` heading."""
    title, sections, current, fenced = "", {}, None, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if not fenced and line.startswith("## "):
            heading = line[3:].strip()
            if heading in SECTION_LANGS:
                current = SECTION_LANGS[heading]
                sections[current] = []
                continue
        if current is not None:
            sections[current].append(line)
    return title, sections


def split_notes(text: str, lang: str = "en", answers: bool = False) -> list[tuple[str, str]]:
    """Blocks of ("markdown", text) and ("latex", formula) for ``lang`` (English when it is missing): the notes,
    or with ``answers`` the answers block the notes keep for after the worksheet (grader.notes)."""
    _, sections = _language_sections(text)
    lines = sections.get(lang) or sections.get("en")
    if lines is None:  # a README without language headings: all of it
        lines = text.splitlines()
    notes, kept = split_answers(lines)
    lines = kept if answers else notes
    blocks: list[tuple[str, str]] = []
    buffer: list[str] = []
    formula: list[str] | None = None
    fenced = False

    def flush() -> None:
        chunk = "\n".join(buffer).strip("\n")
        if chunk.strip():
            blocks.append(("markdown", chunk))
        buffer.clear()

    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.strip() == "$$":
            if formula is None:
                flush()
                formula = []
            else:
                blocks.append(("latex", "\n".join(formula).strip()))
                formula = None
            continue
        if formula is not None:
            formula.append(line)
        else:
            buffer.append(line)
    if formula is not None:  # an unclosed $$: show what there is as text
        buffer += ["$$", *formula]
    flush()
    return blocks


def read_notes(path: Path, lang: str = "en", answers: bool = False) -> list[tuple[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return split_notes(text, lang, answers)


def read_answers(path: Path, lang: str = "en") -> list[tuple[str, str]]:
    """The notes' answers block (shown after the worksheet, collapsed)."""
    return read_notes(path, lang, answers=True)

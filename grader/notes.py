"""A chapter's notes (exercises/<chapter>/README.md) and their answers.

The notes never print a worksheet answer above the worksheet: what holds this chapter's own shapes and counts
sits in one ``<details>`` block at the end of each language's section, collapsed on GitHub and shown by the
app after the worksheet. The nbgrader notebooks, which are graded, leave it out.
"""

from __future__ import annotations

__all__ = ["split_answers"]


def split_answers(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines of a language section without its ``<details>`` blocks, and those blocks' content (without
    the ``<details>``, ``<summary>`` and ``</details>`` lines)."""
    notes: list[str] = []
    answers: list[str] = []
    inside = fenced = False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.strip() == "<details>":
            inside = True
            continue
        if not fenced and inside and line.strip() == "</details>":
            inside = False
            continue
        if inside:
            if not line.strip().startswith("<summary>"):
                answers.append(line)
        else:
            notes.append(line)
    return notes, answers

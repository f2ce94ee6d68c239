"""The one text API: every key in both languages with the same placeholders, lookups by key or by value."""

from __future__ import annotations

import argparse
import re
import string

import pytest

from app_pages.notes import split_notes
from grader.chapters import CHAPTERS
from grader.text import (
    FULL_WIDTH_PUNCTUATION,
    LANGS,
    TEXTS,
    default_lang,
    is_cjk,
    join_list,
    normalize_lang,
    op_label,
    pad,
    sentences,
    t,
    width,
    wrap,
)
from grader.worksheets import WORKSHEETS
from tests.conftest import ROOT


def test_every_text_is_in_both_languages_and_takes_the_same_facts() -> None:
    formatter = string.Formatter()
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        fields = {lang: {name for _, name, _, _ in formatter.parse(text) if name} for lang, text in texts.items()}
        assert fields["en"] == fields["zh-TW"], key
        assert all(text.strip() for text in texts.values()), key


def test_lookup_by_key_and_by_value() -> None:
    assert t("hint.show", "zh-TW", level=2, total=3) == "顯示提示 2/3"
    assert t({"en": "LeNet-5 ({year})", "zh-TW": "LeNet-5（{year}）"}, "zh_TW", year=1998) == "LeNet-5（1998）"
    assert op_label("conv2d", "zh-TW") == "卷積層" and op_label("unheard_of") == "unheard_of"


def test_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [normalize_lang(x) for x in ("zh_TW", "tw", "en_US", None)] == ["zh-TW", "zh-TW", "en", "en"]
    with pytest.raises(ValueError, match="unknown language"):
        normalize_lang("fr")
    monkeypatch.setenv("CNN_DOJO_LANG", "zh-TW")
    assert default_lang() == "zh-TW"
    monkeypatch.setenv("CNN_DOJO_LANG", "klingon")
    assert default_lang() == "en"


def test_terminal_columns_count_cjk_characters_twice() -> None:
    assert width("尚未開始") == 8 and width("done") == 4 and width("（1998）") == 8
    assert pad("完成", 6) == "完成  " and pad("done", 6) == "done  " and pad("in progress", 4) == "in progress"


# -- every text rendered in both languages ----------------------------------------------------------
CODE_SPAN = re.compile(r"`[^`\n]*`")
# a term a Taiwanese reader would not use here -> the course's term
TERMS = {
    "步長": "步幅", "激活": "激勵", "過濾器": "卷積核", "濾波器": "卷積核", "全連結": "全連接", "全連線": "全連接",
    "特徵映射": "特徵圖", "批量正規化": "批次正規化", "批標準化": "批次正規化", "批次標準化": "批次正規化",
    "接受域": "感受野", "感受域": "感受野", "參數數量": "參數量", "補零": "填充", "窗口": "視窗", "評分器": "評分程式",
    "默認": "預設", "文件": "檔案", "代碼": "程式碼", "信息": "訊息", "運行": "執行", "可視化": "視覺化", "網絡": "網路",
    "數據": "資料", "內存": "記憶體", "模塊": "模組", "調用": "呼叫",
}
ASCII_PAUSES = ",;:?!"


def zh_problems(text: str) -> list[str]:
    """What breaks the zh-TW typesetting rules in ``text``, one line per problem; [] when it is clean.

    "Chinese character" means a wide letter (grader.text.is_cjk: 漢字, not punctuation); "full-width
    punctuation" is grader.text.FULL_WIDTH_PUNCTUATION (，。、；：？！（）「」『』《》〈〉【】…—／～).
    A code span (`...`) counts as one Latin word: the rules do not look inside it. Formulas, shapes,
    numbers and identifiers are Latin text (``W_out = floor(...)``, ``224x224``, ``in_channels=3``), so the
    rules below only apply where they touch Chinese.

    1. Every placeholder is filled: no ``{`` or ``}``.
    2. No empty slot: no two spaces in a row, no space at the start or end of a line.
    3. Chinese sentences take full-width punctuation: no ASCII , ; : ? ! with a Chinese character right
       before it, or right after it (directly or after spaces); no ASCII . right after a Chinese character;
       no ASCII ( or ) with a Chinese character directly on either side.
    4. No space directly before or after full-width punctuation.
    5. No space between two Chinese characters.
    6. One space between a Chinese character and a Latin letter, digit or code span (Taiwan's common
       practice): never a Chinese character directly beside one.
    7. Taiwan's terms (TERMS): 步幅 not 步長, 激勵函數 not 激活函數, 卷積核 not 過濾器, and so on.
    """
    problems = []
    if "{" in text or "}" in text:
        problems.append("an unfilled placeholder")
    prose = CODE_SPAN.sub("`code`", text)
    for line in prose.splitlines():
        if "  " in line or line != line.strip(" "):
            problems.append(f"an empty slot or stray space: {line!r}")
    for i, char in enumerate(prose):
        before = prose[i - 1] if i else ""
        after = prose[i + 1] if i + 1 < len(prose) else ""
        after_spaces = prose[i + 1:].lstrip(" ")[:1]
        around = prose[max(0, i - 8): i + 9]
        if char in ASCII_PAUSES and (is_cjk(before) or is_cjk(after_spaces)):
            problems.append(f"ASCII {char!r} in a Chinese sentence: {around!r}")
        if char == "." and is_cjk(before):
            problems.append(f"ASCII '.' after a Chinese character: {around!r}")
        if char in "()" and (is_cjk(before) or is_cjk(after)):
            problems.append(f"ASCII {char!r} beside a Chinese character: {around!r}")
        if char == " " and (before in FULL_WIDTH_PUNCTUATION or after in FULL_WIDTH_PUNCTUATION):
            problems.append(f"a space next to full-width punctuation: {around!r}")
        if char == " " and is_cjk(before) and is_cjk(after):
            problems.append(f"a space between Chinese characters: {around!r}")
        if is_cjk(char) and (_latin_word(before) or _latin_word(after)):
            problems.append(f"no space between Chinese and Latin: {around!r}")
    problems += [f"{wrong} (write {right}): {text!r}" for wrong, right in TERMS.items() if wrong in text]
    return problems


def _latin_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "`")


def en_problems(text: str) -> list[str]:
    """The English rules: every placeholder filled, no two spaces in a row, no space at either end of a line
    or before , ; : ? !, and no Chinese character (the language switch shows zh-TW)."""
    problems = []
    if "{" in text or "}" in text:
        problems.append("an unfilled placeholder")
    for line in text.splitlines():
        if "  " in line or line != line.strip(" ") or re.search(r" [,;:?!]", line):
            problems.append(f"an empty slot or stray space: {line!r}")
    if any(is_cjk(char) for char in text):
        problems.append(f"Chinese in English text: {text!r}")
    return problems


# facts as the sentences receive them: a phrase with a place in it, a Latin name, a Chinese noun
PHRASES = {"en": ("conv layer 3 (features.6)", "ReLU", "conv layer"), "zh-TW": ("卷積層 3（features.6）", "ReLU", "卷積層")}
# keys that are the same in both languages on purpose: names, formulas, code, the language switch
SAME_IN_BOTH = {"lang.label", "page.chapter", "zoo.gmacs", "zoo.ilsvrc", "inside.image_caption", "inside.layer_option",
                *(f"op.{op}" for op in ("relu", "sigmoid", "tanh", "dropout", "softmax", "log_softmax")),
                *(key for key in TEXTS if key.startswith("formula.") and key not in ("formula.conv_params",
                  "formula.conv_params_no_bias", "formula.linear_params", "formula.linear_params_no_bias",
                  "formula.wrong", "formula.error", "formula.receptive_field"))}


def _number(spec: str) -> int | float:
    """A value the format spec takes: ``{total:,}`` an int, ``{diff:.3g}`` a float."""
    try:
        format(61706, spec)
        return 61706
    except ValueError:
        return 0.00123


def rendered(key: str, lang: str) -> list[str]:
    """The text of ``key`` in ``lang`` with every fact filled, once per sample phrase (numbers by their spec)."""
    fields = {name: spec for _, name, spec, _ in string.Formatter().parse(TEXTS[key][lang]) if name}
    return [t(key, lang, **{name: _number(spec) if spec else phrase for name, spec in fields.items()})
            for phrase in PHRASES[lang]]


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_renders_whole_in_both_languages(key: str) -> None:
    for text in rendered(key, "en"):
        assert not en_problems(text) or key == "lang.label", en_problems(text)  # "Language · 語言" in both
    for text in rendered(key, "zh-TW"):
        assert not zh_problems(text), zh_problems(text)
    if key not in SAME_IN_BOTH:
        assert TEXTS[key]["zh-TW"] != TEXTS[key]["en"], f"{key} is not translated"
        assert any(is_cjk(char) or char in FULL_WIDTH_PUNCTUATION for char in TEXTS[key]["zh-TW"]), f"{key} is not translated"


@pytest.mark.parametrize("bad", [
    "LeNet5：reshape (forward)（第 2 個權重層之後） 的位置",  # glued from an English fragment
    "LeNet5(num_classes=7) 輸出  個值，而不是 7 個。",  # an empty fact
    "LeNet5: 卷積層 3 輸出 6x28x28",  # an English colon
    "請設定 {settings}。",  # not filled
    "第一層：96 個卷積核，步長 4。",  # the mainland term
    "少了激活函數",
    "最後特徵圖的 通道 * 高 * 寬",  # a space between Chinese characters
    "改用 padding=1 。",  # a space before full-width punctuation
    "卷積層3（features.6）",  # Chinese and a digit touching
    "形狀請寫成 (通道, 高, 寬)",  # ASCII parentheses around Chinese
    "所有章節都完成了.",
])
def test_the_rules_catch_glued_and_mistyped_chinese(bad: str) -> None:
    assert zh_problems(bad)


def test_the_rules_accept_code_formulas_and_shapes_in_chinese() -> None:
    for good in ("改用 padding=1：W_out = floor((13 - 3 + 2*1) / 1) + 1 = 13",
                 "LeNet5(num_classes=7) 輸出 10 個值，而不是 7 個。",
                 "請把 `raise NotImplementedError` 換成你的程式碼。",
                 "3x224x224 經過 conv1（96 個 11x11 卷積核、步幅 4、填充 2）後的形狀。"):
        assert not zh_problems(good), zh_problems(good)


def test_facts_are_typeset_into_chinese_sentences() -> None:
    """t() sets the space around each fact: Chinese beside Latin gets one, Chinese punctuation none."""
    missing = {"en": "{model}: {what} is missing {position}.", "zh-TW": "{model}：在{position}少了一個{what}。"}
    assert t(missing, "zh-TW", model="LeNet5", position="卷積層 2（features.3）之後", what="ReLU") \
        == "LeNet5：在卷積層 2（features.3）之後少了一個 ReLU。"
    assert t(missing, "zh-TW", model="LeNet5", position="網路開頭", what="卷積層") == "LeNet5：在網路開頭少了一個卷積層。"
    assert t({"en": "", "zh-TW": "{where} 輸出 {got}"}, "zh-TW", where="卷積層 3（conv3）", got="6x28x28") \
        == "卷積層 3（conv3）輸出 6x28x28"
    assert sentences("zh-TW", "第一句。", "第二句。") == "第一句。第二句。" and sentences("en", "One.", "Two.") == "One. Two."
    assert join_list(["a", "b"], "zh-TW") == "a、b" and join_list(["a", "b"]) == "a, b"


def _notes(chapter_id: str) -> str:
    """A chapter's notes in zh-TW as prose: code blocks and formulas left out, tables and lists unindented."""
    text = (ROOT / "exercises" / chapter_id / "README.md").read_text(encoding="utf-8")
    prose = "\n".join(chunk for kind, chunk in split_notes(text, "zh-TW") if kind == "markdown")
    prose = re.sub(r"^```.*?^```", "", prose, flags=re.M | re.S)
    prose = re.sub(r"^ +", "", prose, flags=re.M)  # a nested list's indentation
    prose = re.sub(r" *\| *", "|", prose)  # a table's cells
    return re.sub(r"\$[^$\n]+\$", "`math`", prose)


def test_the_course_data_in_chinese_follows_the_same_rules() -> None:
    """Chapter titles and hints, worksheet questions and hints, and the notes' 繁體中文 sections."""
    texts = {}
    for chapter in CHAPTERS:
        texts[f"{chapter.id} title"] = chapter.title["zh-TW"]
        texts.update({f"{chapter.id} hint {n}": hint for n, hint in enumerate(chapter.hints.get("zh-TW", ()))})
        for blank in WORKSHEETS.get(chapter.id, ()):
            texts[f"{chapter.id} {blank.name}"] = blank.question["zh-TW"]
            texts[f"{chapter.id} {blank.name} hint"] = blank.hint["zh-TW"]
        for n, paragraph in enumerate(_notes(chapter.id).split("\n\n")):
            texts[f"{chapter.id} notes {n}"] = paragraph.strip()
    problems = {name: zh_problems(text) for name, text in texts.items()}
    assert not {name: found for name, found in problems.items() if found}


def test_a_model_without_one_output_per_class_is_told_its_shape_never_an_empty_number() -> None:
    from grader.diagnose import num_classes_finding
    from grader.protocol import NumClassesResult

    for shape, words in (((), ("沒有為每張圖輸出",)), ((7, 2), ("7x2",)), ((10,), ("輸出 10 個值",))):
        finding = num_classes_finding(NumClassesResult(7, shape), None, [], 10, "LeNet5", "zh-TW")
        assert finding is not None and not zh_problems(finding.message), (shape, finding)
        assert all(word in finding.message for word in words), finding.message
    english = num_classes_finding(NumClassesResult(7, None), None, [], 10, "LeNet5", "en")
    assert english is not None and not en_problems(english.message)


def test_every_command_line_verb_speaks_cnn_dojo_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.cli import build_parser

    minimal = {"summary": ["VGG16"], "check": ["ch01"], "list": [], "hint": ["ch01"], "watch": [], "nbgrader": ["course"],
               "train": ["ch01"], "batch": ["class", "--chapter", "ch01", "--out", "out"], "report": ["out"],
               "gradescope": ["ch01", "out.zip"], "gradescope-run": ["ch01"], "student-edition": ["out"]}
    monkeypatch.setenv("CNN_DOJO_LANG", "zh-TW")
    parser = build_parser()
    verbs = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    assert set(verbs.choices) == set(minimal)
    for verb, args in minimal.items():
        assert parser.parse_args([verb, *args]).lang == "zh-TW", verb
        assert parser.parse_args([verb, *args, "--lang", "en"]).lang == "en", verb
    monkeypatch.delenv("CNN_DOJO_LANG")
    assert build_parser().parse_args(["list"]).lang == "en"


def test_the_terminal_report_lines_up_in_chinese() -> None:
    """PASS / FAIL are 通過 / 未通過: padded to the same terminal width, so the check ids line up."""
    from grader.report import Check, Report

    checks = [Check("LeNet5.structure", True, 4, 4, message="LeNet5：每一層都與參考模型相符。"),
              Check("LeNet5.params", False, 0, 2, kind="params", message="LeNet5：參數量不同。",
                    hints=["LeNet5：參數量不同。", "第一行\n第二行"])]
    lines = Report("ch01_lenet", "lenet.py", "zh-TW", checks).render_text(hints=2).splitlines()
    assert [width(line[: line.index("LeNet5.")]) for line in lines[1:3]] == [9, 9]
    hint, more = lines[3], lines[4]
    assert hint.strip() == "提示 2：第一行" and width(more[: more.index("第二行")]) == width(hint[: hint.index("第一行")])


def test_wrapped_lines_fit_the_terminal_columns_with_chinese_counted_twice() -> None:
    from grader.worksheets import render_worksheet

    text = "3x224x224 經過主幹（7x7/2 卷積、3x3/2 池化、1x1 卷積、輸出 192 個通道的 3x3 卷積、3x3/2 池化；池化都填充 1）後的形狀。"
    lines = wrap(text, 40)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "") and all(width(line) <= 40 for line in lines)
    assert not any(line[0] in "，。、；：）" or line[-1] == "（" for line in lines)
    assert wrap("do not break inside_a_long_identifier", 10) == ["do not", "break", "inside_a_long_identifier"]
    for chapter in CHAPTERS:  # the worksheet files a learner opens
        assert all(width(line) <= 100 for line in render_worksheet(chapter.id).splitlines()), chapter.id


def test_the_formulas_written_out_with_numbers_follow_the_rules() -> None:
    """grader.worked joins a formula's general form (from TEXTS), its numbers and its value: the joins too."""
    from grader import worked

    for lang, problems in (("en", en_problems), ("zh-TW", zh_problems)):
        cases = [worked.conv_size(224, 11, 4, 2, lang=lang), worked.conv_size(13, 3, 1, 1, 2, lang=lang),
                 worked.pool_size(110, 3, 2, ceil=True, lang=lang), worked.pool_size(112, 3, 2, 1, lang=lang),
                 worked.conv_params(1, 6, 5, lang=lang), worked.conv_params(1, 6, 5, bias=False, lang=lang),
                 worked.linear_params(400, 120, lang=lang), worked.linear_params(400, 120, bias=False, lang=lang),
                 worked.receptive_field([(11, 4), (3, 2)], lang=lang)]
        for case in cases:
            for text in (case.up_to_result(), case.to_fill_in(), *case.lines()):
                assert not problems(text), problems(text)


def test_a_layer_is_named_with_one_pair_of_parentheses() -> None:
    """"串接（`self.body[6]`）", never "串接（torch.cat）（body.6）": op labels carry no parentheses of their own."""
    ops = [key.removeprefix("op.") for key in TEXTS if key.startswith("op.")]
    for lang in LANGS:
        for op in ops:
            for key in ("label.op", "position.after_op"):
                text = t(key, lang, label=op_label(op, lang), code="self.body[6]")
                assert text.count("(") + text.count("（") == 1, text


def test_the_glued_sentence_of_the_issue_is_now_written_whole() -> None:
    """A reshape where the reference flattens, after weight layer 2: once "LeNet5：reshape (forward)（第 2 個權重層
    之後） 的位置"; now one sentence in each language."""
    from grader.compare import Step
    from grader.diagnose import diagnose_step
    from grader.protocol import OpRow

    conv = OpRow("conv2d", (16, 5, 5), (6, 14, 14), layer=2, module="conv2",
                 hparams={"in_channels": 6, "out_channels": 16, "kernel_size": 5})
    steps = [Step(conv, conv), Step(OpRow("flatten", (400,), (16, 5, 5), module="flatten"),
                                    OpRow("reshape", (400,), (16, 5, 5)))]
    zh = diagnose_step(steps, 1, "LeNet5", "zh-TW").message
    assert zh == "LeNet5：你的第 2 個權重層之後的 reshape（`forward`），在參考模型中是攤平運算。" and not zh_problems(zh)
    en = diagnose_step(steps, 1, "LeNet5", "en").message
    assert en == "LeNet5: the reshape (`forward`) after the 2nd weight layer is where the reference has a flatten."
    assert not en_problems(en)

"""The one text API: every key in both languages with the same placeholders, lookups by key or by value."""

from __future__ import annotations

import string

import pytest

from grader.text import LANGS, TEXTS, default_lang, normalize_lang, op_label, pad, t, width


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

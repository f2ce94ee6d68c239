"""The worksheets: named blanks a learner fills with numbers computed by hand.

Every answer is derived here from the reference models (their traces, grader.reference) and the formula library, never
typed in; the solution worksheets hold the numbers a learner would write, and a test proves they agree.
A wrong blank gets a hint: the formula with the inputs substituted, the result left to the learner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import formulas as f
from grader import reference, worked
from grader.protocol import OpRow
from grader.text import wrap

__all__ = ["Blank", "WORKSHEETS", "answer_key", "check_value", "render_worksheet", "write_worksheets"]

Answer = int | tuple[int, ...]


@dataclass(frozen=True)
class Blank:
    name: str
    question: dict[str, str]  # lang -> the question
    answer: Callable[[], Answer]
    hint: dict[str, str]  # lang -> the formula with the inputs substituted (no result)


def _rows(model: str) -> tuple[OpRow, ...]:
    """The reference's trace (grader.reference: traced once, kept as data)."""
    return reference.for_model(model).rows


def _nth(model: str, op: str, n: int) -> OpRow:
    """The n-th (1-based) row of an op in the reference's trace."""
    return [row for row in _rows(model) if row.op == op][n - 1]


def _after(model: str, module_prefix: str) -> tuple[int, ...]:
    """The output shape of the last op run inside a module of the reference (e.g. 'inception3a')."""
    return [row for row in _rows(model) if row.module == module_prefix or row.module.startswith(module_prefix + ".")][-1].output_shape


def _params(model: str, op: str, n: int) -> int:
    return _nth(model, op, n).params


def _total(model: str) -> int:
    return sum(row.params for row in _rows(model))


def _fc_params(model: str) -> int:
    return sum(row.params for row in _rows(model) if row.op == "linear")


def _inception_3a_without_reductions() -> int:
    # the same four branches with the 3x3 and 5x5 convolutions applied straight to the 192 input channels
    in_ch, ch1, _, ch3, _, ch5, proj = 192, 64, 96, 128, 16, 32, 32
    return f.conv_params(in_ch, ch1, 1) + f.conv_params(in_ch, ch3, 3) + f.conv_params(in_ch, ch5, 5) + f.conv_params(in_ch, proj, 1)


def _b(name: str, en: str, zh: str, answer: Callable[[], Answer], hint_en: str, hint_zh: str) -> Blank:
    return Blank(name, {"en": en, "zh-TW": zh}, answer, {"en": hint_en, "zh-TW": hint_zh})


def _fill(formula: Callable[..., worked.Worked], *numbers: Any, **options: Any) -> tuple[str, str]:
    """A blank's hint in both languages: the formula with the question's numbers in, the result left out."""
    return tuple(formula(*numbers, **options, lang=lang).to_fill_in() for lang in ("en", "zh-TW"))  # type: ignore[return-value]


WORKSHEETS: dict[str, tuple[Blank, ...]] = {
    "ch00_formulas": (
        _b("CONV_224_K11_S4_P2", "Output width of an 11x11 convolution, stride 4, padding 2, on a 224-wide input (AlexNet's conv1).",
           "寬度 224 的輸入經過 11x11 卷積（步幅 4、填充 2）後的輸出寬度（AlexNet 的 conv1）。",
           lambda: f.conv_output_size(224, 11, 4, 2), *_fill(worked.conv_size, 224, 11, 4, 2)),
        _b("POOL_55_F3_S2", "Output width of a 3x3 max-pool with stride 2 on a 55-wide input.",
           "寬度 55 的輸入經過 3x3 最大池化（步幅 2）後的輸出寬度。",
           lambda: f.pool_output_size(55, 3, 2), *_fill(worked.pool_size, 55, 3, 2)),
        _b("CONV_32_K5", "Output width of a 5x5 convolution (stride 1, no padding) on a 32-wide input (LeNet's conv1).",
           "寬度 32 的輸入經過 5x5 卷積（步幅 1、不填充）後的輸出寬度（LeNet 的 conv1）。",
           lambda: f.conv_output_size(32, 5), *_fill(worked.conv_size, 32, 5, 1, 0)),
        _b("CONV_1_TO_6_K5_PARAMS", "Parameters of a 5x5 convolution from 1 channel to 6 filters, with bias.",
           "從 1 個通道到 6 個卷積核的 5x5 卷積（含偏差）的參數量。",
           lambda: f.conv_params(1, 6, 5), *_fill(worked.conv_params, 1, 6, 5)),
        _b("FC_400_TO_120_PARAMS", "Parameters of a fully-connected layer from 400 to 120 features, with bias.",
           "從 400 個特徵到 120 個特徵的全連接層（含偏差）的參數量。",
           lambda: f.linear_params(400, 120), *_fill(worked.linear_params, 400, 120)),
        _b("RF_TWO_3X3", "Receptive field (in pixels, one side) of two stacked 3x3 convolutions with stride 1.",
           "兩個堆疊的 3x3 卷積（步幅 1）的感受野（單邊，以像素計）。",
           lambda: f.receptive_field([(3, 1), (3, 1)]), "r = 1 + (3 - 1) + (3 - 1)", "r = 1 + (3 - 1) + (3 - 1)"),
    ),
    "ch01_lenet": (
        _b("CONV1_OUTPUT", "Shape (C, H, W) after conv1 (6 filters, 5x5) on a 1x32x32 input.",
           "1x32x32 的輸入經過 conv1（6 個 5x5 卷積核）後的形狀，寫成 (C, H, W)。",
           lambda: _nth("LeNet5", "conv2d", 1).output_shape, *_fill(worked.conv_size, 32, 5, 1, 0)),
        _b("POOL1_OUTPUT", "Shape after the first 2x2 max-pool (stride 2).", "第一個 2x2 最大池化（步幅 2）後的形狀。",
           lambda: _nth("LeNet5", "max_pool2d", 1).output_shape, *_fill(worked.pool_size, 28, 2, 2)),
        _b("CONV2_OUTPUT", "Shape after conv2 (16 filters, 5x5).", "conv2（16 個 5x5 卷積核）後的形狀。",
           lambda: _nth("LeNet5", "conv2d", 2).output_shape, *_fill(worked.conv_size, 14, 5, 1, 0)),
        _b("POOL2_OUTPUT", "Shape after the second max-pool.", "第二個最大池化後的形狀。",
           lambda: _nth("LeNet5", "max_pool2d", 2).output_shape, *_fill(worked.pool_size, 10, 2, 2)),
        _b("FC1_IN_FEATURES", "in_features of fc1: why is it 16*5*5? Write the number.", "fc1 的 in_features 為什麼是 16*5*5？請寫出這個數字。",
           lambda: _nth("LeNet5", "linear", 1).hparams["in_features"], "channels * height * width of POOL2_OUTPUT",
           "POOL2_OUTPUT 的通道數 * 高 * 寬"),
        _b("CONV2_PARAMS", "Parameters of conv2 (6 -> 16 channels, 5x5, with bias).", "conv2（6 -> 16 通道、5x5、含偏差）的參數量。",
           lambda: _params("LeNet5", "conv2d", 2), *_fill(worked.conv_params, 6, 16, 5)),
        _b("TOTAL_PARAMS", "Parameters of the whole LeNet-5 (10 classes).", "整個 LeNet-5（10 類）的參數量。",
           lambda: _total("LeNet5"), "156 + conv2 + (400*120+120) + (120*84+84) + (84*10+10)",
           "156 + conv2 + (400*120+120) + (120*84+84) + (84*10+10)"),
    ),
    "ch02_alexnet": (
        _b("CONV1_OUTPUT", "Shape after conv1 (96 filters, 11x11, stride 4, padding 2) on 3x224x224.",
           "3x224x224 經過 conv1（96 個 11x11 卷積核、步幅 4、填充 2）後的形狀。",
           lambda: _nth("AlexNet", "conv2d", 1).output_shape, *_fill(worked.conv_size, 224, 11, 4, 2)),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2.", "第一個 3x3 最大池化（步幅 2）後的形狀。",
           lambda: _nth("AlexNet", "max_pool2d", 1).output_shape, *_fill(worked.pool_size, 55, 3, 2)),
        _b("POOL2_OUTPUT", "Shape after the second max-pool (conv2: 256 filters, 5x5, padding 2).", "第二個最大池化後的形狀（conv2：256 個 5x5 卷積核、填充 2）。",
           lambda: _nth("AlexNet", "max_pool2d", 2).output_shape, *_fill(worked.pool_size, 27, 3, 2)),
        _b("FEATURES_OUTPUT", "Shape after the last max-pool of the feature extractor.", "特徵擷取部分最後一個最大池化後的形狀。",
           lambda: _nth("AlexNet", "max_pool2d", 3).output_shape, *_fill(worked.pool_size, 13, 3, 2)),
        _b("CONV1_PARAMS", "Parameters of conv1.", "conv1 的參數量。",
           lambda: _params("AlexNet", "conv2d", 1), *_fill(worked.conv_params, 3, 96, 11)),
        _b("FC_PARAMS", "Parameters of the three fully-connected layers together (9216 -> 4096 -> 4096 -> 1000).",
           "三個全連接層合計的參數量（9216 -> 4096 -> 4096 -> 1000）。",
           lambda: _fc_params("AlexNet"), "(9216*4096+4096) + (4096*4096+4096) + (4096*1000+1000)",
           "(9216*4096+4096) + (4096*4096+4096) + (4096*1000+1000)"),
    ),
    "ch03_zfnet": (
        _b("CONV1_OUTPUT", "Shape after conv1 (96 filters, 7x7, stride 2, padding 1) on 3x224x224.",
           "3x224x224 經過 conv1（96 個 7x7 卷積核、步幅 2、填充 1）後的形狀。",
           lambda: _nth("ZFNet", "conv2d", 1).output_shape, *_fill(worked.conv_size, 224, 7, 2, 1)),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2, ceil_mode=True.", "第一個 3x3 最大池化（步幅 2、ceil_mode=True）後的形狀。",
           lambda: _nth("ZFNet", "max_pool2d", 1).output_shape, *_fill(worked.pool_size, 110, 3, 2, ceil=True)),
        _b("CONV2_OUTPUT", "Shape after conv2 (256 filters, 5x5, stride 2, no padding).", "conv2（256 個 5x5 卷積核、步幅 2、不填充）後的形狀。",
           lambda: _nth("ZFNet", "conv2d", 2).output_shape, *_fill(worked.conv_size, 55, 5, 2, 0)),
        _b("POOL2_OUTPUT", "Shape after the second max-pool (3x3, stride 2, ceil_mode=True).", "第二個最大池化（3x3、步幅 2、ceil_mode=True）後的形狀。",
           lambda: _nth("ZFNet", "max_pool2d", 2).output_shape, *_fill(worked.pool_size, 26, 3, 2, ceil=True)),
        _b("CONV1_PARAMS", "Parameters of ZFNet's conv1.", "ZFNet conv1 的參數量。",
           lambda: _params("ZFNet", "conv2d", 1), *_fill(worked.conv_params, 3, 96, 7)),
        _b("CONV1_PARAMS_SAVED", "How many fewer parameters does ZFNet's 7x7 conv1 have than AlexNet's 11x11 conv1?",
           "ZFNet 的 7x7 conv1 比 AlexNet 的 11x11 conv1 少多少參數？",
           lambda: _params("AlexNet", "conv2d", 1) - _params("ZFNet", "conv2d", 1),
           "(3*96*11*11 + 96) - (3*96*7*7 + 96)", "(3*96*11*11 + 96) - (3*96*7*7 + 96)"),
    ),
    "ch04_nin": (
        _b("BLOCK1_OUTPUT", "Shape after the first mlpconv block (11x11 conv, stride 4, 96 filters, then two 1x1) on 3x224x224.",
           "3x224x224 經過第一個 mlpconv 區塊（96 個 11x11 卷積核、步幅 4，再接兩個 1x1 卷積）後的形狀。",
           lambda: _nth("NiN", "conv2d", 3).output_shape, *_fill(worked.conv_size, 224, 11, 4, 0)),
        _b("POOL1_OUTPUT", "Shape after the first 3x3 max-pool, stride 2.", "第一個 3x3 最大池化（步幅 2）後的形狀。",
           lambda: _nth("NiN", "max_pool2d", 1).output_shape, *_fill(worked.pool_size, 54, 3, 2)),
        _b("POOL3_OUTPUT", "Shape after the third max-pool.", "第三個最大池化後的形狀。",
           lambda: _nth("NiN", "max_pool2d", 3).output_shape, *_fill(worked.pool_size, 12, 3, 2)),
        _b("LAST_BLOCK_OUTPUT", "Shape after the last mlpconv block (num_classes = 1000 channels), before global average pooling.",
           "最後一個 mlpconv 區塊（輸出 1000 個通道）之後、全域平均池化之前的形狀。",
           lambda: _nth("NiN", "conv2d", 12).output_shape, *_fill(worked.conv_size, 5, 3, 1, 1)),
        _b("BLOCK1_PARAMS", "Parameters of the first mlpconv block (11x11 3->96, then 1x1 96->96 twice).",
           "第一個 mlpconv 區塊的參數量（11x11 3->96，再接兩個 1x1 96->96）。",
           lambda: sum(_params("NiN", "conv2d", n) for n in (1, 2, 3)),
           "(3*96*11*11 + 96) + 2 * (96*96*1*1 + 96)", "(3*96*11*11 + 96) + 2 * (96*96*1*1 + 96)"),
        _b("PARAMS_SAVED_BY_GAP", "Global average pooling has no parameters. How many parameters do AlexNet's three fc layers have, which NiN does without?",
           "全域平均池化沒有參數。AlexNet 的三個全連接層有多少參數（NiN 完全省下了它們）？",
           lambda: _fc_params("AlexNet"), "(256*6*6*4096 + 4096) + (4096*4096 + 4096) + (4096*1000 + 1000)",
           "(256*6*6*4096 + 4096) + (4096*4096 + 4096) + (4096*1000 + 1000)"),
    ),
    "ch05_vgg": (
        _b("BLOCK1_OUTPUT", "Shape after block 1 (two 3x3 convs, padding 1, 64 filters, then a 2x2 max-pool) on 3x224x224.",
           "3x224x224 經過第 1 個區塊（兩個 3x3 卷積、填充 1、64 個卷積核，再接 2x2 最大池化）後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 1).output_shape, *_fill(worked.pool_size, 224, 2, 2)),
        _b("BLOCK3_OUTPUT", "Shape after block 3.", "第 3 個區塊後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 3).output_shape, "size * 0.5 per block, filters * 2: 224 -> 112 -> 56 -> ?",
           "每個區塊尺寸 * 0.5、卷積核數 * 2：224 -> 112 -> 56 -> ?"),
        _b("FEATURES_OUTPUT", "Shape after block 5, the last of the feature extractor.", "第 5 個區塊（特徵擷取的最後一塊）後的形狀。",
           lambda: _nth("VGG16", "max_pool2d", 5).output_shape, "224 / 2**5 with 512 filters", "224 / 2**5，512 個卷積核"),
        _b("FC1_PARAMS", "Parameters of fc1 (512*7*7 -> 4096).", "fc1（512*7*7 -> 4096）的參數量。",
           lambda: _params("VGG16", "linear", 1), *_fill(worked.linear_params, 512 * 7 * 7, 4096, written="512*7*7")),
        _b("THREE_3X3_PARAMS_512", "Weights of three stacked 3x3 convolutions at 512 -> 512 channels (bias excluded).",
           "三個堆疊的 3x3 卷積（512 -> 512 通道，不含偏差）的權重數。",
           lambda: 3 * f.conv_params(512, 512, 3, bias=False), "3 * (512 * 512 * 3 * 3)", "3 * (512 * 512 * 3 * 3)"),
        _b("ONE_7X7_PARAMS_512", "Weights of one 7x7 convolution at 512 -> 512 channels (bias excluded).",
           "一個 7x7 卷積（512 -> 512 通道，不含偏差）的權重數。",
           lambda: f.conv_params(512, 512, 7, bias=False), "512 * 512 * 7 * 7", "512 * 512 * 7 * 7"),
        _b("RF_THREE_3X3", "Receptive field (one side, pixels) of three stacked 3x3 convolutions, stride 1.",
           "三個堆疊的 3x3 卷積（步幅 1）的感受野（單邊，以像素計）。",
           lambda: f.receptive_field([(3, 1)] * 3), "r = 1 + (3 - 1) * 3", "r = 1 + (3 - 1) * 3"),
    ),
    "ch06_googlenet": (
        _b("STEM_OUTPUT", "Shape after the stem (7x7/2 conv, 3x3/2 pool, 1x1 conv, 3x3 conv to 192, 3x3/2 pool; pools padding 1) on 3x224x224.",
           "3x224x224 經過主幹（7x7/2 卷積、3x3/2 池化、1x1 卷積、輸出 192 個通道的 3x3 卷積、3x3/2 池化；池化都填充 1）後的形狀。",
           lambda: _after("GoogLeNet", "pre_layers"), "224 -> 112 -> 56 -> 56 -> 56 -> ?, with 192 channels",
           "224 -> 112 -> 56 -> 56 -> 56 -> ?，192 個通道"),
        _b("INCEPTION_3A_OUTPUT", "Shape after inception 3a (1x1: 64, 3x3: 128, 5x5: 32, pool proj: 32).",
           "inception 3a 之後的形狀（1x1：64、3x3：128、5x5：32、池化投影：32）。",
           lambda: _after("GoogLeNet", "inception3a"), "channels = 64 + 128 + 32 + 32; every branch keeps 28x28",
           "通道數 = 64 + 128 + 32 + 32；每個分支都維持 28x28"),
        _b("INCEPTION_3A_PARAMS", "Parameters of inception 3a with its 1x1 reductions (192 in; 64 | 96->128 | 16->32 | pool->32).",
           "含 1x1 降維的 inception 3a 參數量（輸入 192；64 | 96->128 | 16->32 | 池化->32）。",
           lambda: sum(row.params for row in _rows("GoogLeNet") if row.module.startswith("inception3a.")),
           "(192*64+64) + (192*96+96) + (96*128*9+128) + (192*16+16) + (16*32*25+32) + (192*32+32)",
           "(192*64+64) + (192*96+96) + (96*128*9+128) + (192*16+16) + (16*32*25+32) + (192*32+32)"),
        _b("INCEPTION_3A_PARAMS_NO_REDUCTION", "The same module without the 1x1 reductions: the 3x3 and 5x5 convolutions see all 192 channels.",
           "同一個模組但沒有 1x1 降維：3x3 與 5x5 卷積直接接收全部 192 個通道。",
           _inception_3a_without_reductions, "(192*64+64) + (192*128*9+128) + (192*32*25+32) + (192*32+32)",
           "(192*64+64) + (192*128*9+128) + (192*32*25+32) + (192*32+32)"),
        _b("INCEPTION_5B_OUTPUT", "Shape after inception 5b, the last module.", "最後一個模組 inception 5b 之後的形狀。",
           lambda: _after("GoogLeNet", "inception5b"), "channels = 384 + 384 + 128 + 128 at 7x7", "通道數 = 384 + 384 + 128 + 128，尺寸 7x7"),
        _b("TOTAL_PARAMS", "Parameters of the whole GoogLeNet (1000 classes).", "整個 GoogLeNet（1000 類）的參數量。",
           lambda: _total("GoogLeNet"), "the stem + nine Inception modules + fc (1024*1000 + 1000)",
           "主幹 + 九個 Inception 模組 + 全連接層（1024*1000 + 1000）"),
    ),
}


def answer_key(chapter_id: str) -> dict[str, Answer]:
    return {blank.name: blank.answer() for blank in WORKSHEETS.get(chapter_id, ())}


def _normal(value: Any) -> Any:
    """Learners write shapes as tuples or lists, sizes as ints (or floats that are whole)."""
    if isinstance(value, (list, tuple)):
        return tuple(_normal(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_value(expected: Answer, given: Any) -> bool:
    """A shape may be given with or without the batch dimension's absence: (C, H, W) or [C, H, W]."""
    return _normal(given) == _normal(expected)


# -- the worksheet files, written from the declaration above -------------------------------------------
_HEADER = '''"""{title_en}: worksheet.
{title_zh}：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check {short}   or   pytest exercises/{chapter}
"""
'''


def _comment(text: str) -> list[str]:
    """Comment lines of at most 100 terminal columns (a Chinese character takes two)."""
    return [f"# {line}" for line in wrap(text, 98)]


def render_worksheet(chapter_id: str, solved: bool = False) -> str:
    """The text of exercises/<chapter>/worksheet.py (every blank None), or with ``solved`` of
    solutions/<chapter>/worksheet.py (every blank answered), from the chapter's declared blanks."""
    from grader.chapters import get_chapter

    chapter = get_chapter(chapter_id)
    lines = [_HEADER.format(title_en=chapter.title["en"], title_zh=chapter.title["zh-TW"], short=chapter.id[:4],
                            chapter=chapter.id).rstrip("\n")]
    for blank in WORKSHEETS[chapter.id]:
        lines += ["", *_comment(blank.question["en"]), *_comment(blank.question["zh-TW"])]
        lines.append(f"{blank.name} = {blank.answer()!r}" if solved else f"{blank.name} = None  # TODO")
    return "\n".join(lines) + "\n"


def write_worksheets(root: Path | None = None) -> list[Path]:
    """Write every chapter's worksheet files (the exercise and its solution) from the declaration."""
    from grader.chapters import CHAPTERS

    written = []
    for chapter in CHAPTERS:
        for solved in (False, True):
            path = chapter.worksheet_path(root, solution=solved)
            path.write_text(render_worksheet(chapter.id, solved), encoding="utf-8")
            written.append(path)
    return written

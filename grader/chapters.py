"""Every chapter of the course, declared once, as data. Tests, the CLI, the app and the notebooks read this."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.compare import ACTIVATIONS
from grader.protocol import OpRow
from solutions import get_model_info

__all__ = ["ModelSpec", "Chapter", "Variant", "Sign", "BranchTable", "CHAPTERS", "get_chapter", "list_chapters", "ROOT", "CHECKS",
           "FORMULA_FUNCTIONS"]

# The course folder holding exercises/ and solutions/: this checkout, or CNN_DOJO_ROOT (the tests use
# a temporary copy, so a learner's own files are never touched).
ROOT = Path(os.environ.get("CNN_DOJO_ROOT") or Path(__file__).resolve().parent.parent)

# The checks run on each model, in order; each has its points in Chapter.points.
CHECKS = ("structure", "params", "num_classes", "function")
# Chapter 0's functions, each checked against grader.formulas on fixed and random cases.
FORMULA_FUNCTIONS = ("conv_output_size", "pool_output_size", "conv_params", "linear_params", "receptive_field")


@dataclass(frozen=True)
class ModelSpec:
    """One class the learner writes, how to build it, and the reference it is compared with."""

    class_name: str
    reference: str  # "module.path:Name" of the reference class or builder
    input_shape: tuple[int, ...]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    num_classes: int | None = None  # None: the class takes no num_classes (GoogLeNet's Inception)
    signature: str = ""  # the constructor as the learner sees it
    name: str = ""  # how checks and messages name it, when not the class name: "make_vgg(vgg11)"
    bonus: bool = False  # graded only when asked for; not part of the chapter's score

    @property
    def label(self) -> str:
        return self.name or self.class_name

    @property
    def checks(self) -> tuple[str, ...]:
        if self.bonus:
            return ("structure", "params")
        return CHECKS if self.num_classes is not None else tuple(c for c in CHECKS if c != "num_classes")


@dataclass(frozen=True)
class Sign:
    """One thing that identifies a well-known variant in a learner's trace: an op that appears (``op``),
    a convolution kernel that appears (``kernel``), two convolutions of one kernel in a row (``stacked``:
    the second reads the first, through activations only), or the n-th convolution's hyperparameters
    (``conv``, ``hparams``); ``absent`` turns "appears" into "never appears"."""

    op: str | None = None
    kernel: int | None = None
    conv: int | None = None
    hparams: dict[str, Any] = field(default_factory=dict)
    absent: bool = False
    stacked: int | None = None

    def holds(self, rows: list[OpRow]) -> bool:
        convs = [row for row in rows if row.op == "conv2d"]
        if self.stacked is not None:
            return any(self._stacked(rows, index) for index in range(len(rows))) != self.absent
        if self.conv is not None:
            return len(convs) >= self.conv and all(
                convs[self.conv - 1].hparams.get(name) == value for name, value in self.hparams.items())
        if self.op is not None:
            found = any(row.op == self.op for row in rows)
        else:
            found = any(row.hparams.get("kernel_size") == self.kernel for row in convs)
        return found != self.absent

    def _stacked(self, rows: list[OpRow], index: int) -> bool:
        def is_kernel(row: OpRow) -> bool:
            return row.op == "conv2d" and row.hparams.get("kernel_size") in (self.stacked, (self.stacked, self.stacked))
        if not is_kernel(rows[index]):
            return False
        feeding = rows[index].inputs
        while len(feeding) == 1 and feeding[0] >= 0 and rows[feeding[0]].op in ACTIVATIONS:
            feeding = rows[feeding[0]].inputs
        return len(feeding) == 1 and feeding[0] >= 0 and is_kernel(rows[feeding[0]])


@dataclass(frozen=True)
class Variant:
    """A well-known other version of a network (torchvision's AlexNet, d2l's LeNet, ...): what identifies it,
    and the note that tells the learner what this exercise asks for instead (text key ``variant.<name>``)."""

    name: str
    signs: tuple[Sign, ...]
    needs: int = 0  # how many signs must hold; 0: all of them

    def matches(self, rows: list[OpRow]) -> bool:
        held = sum(sign.holds(rows) for sign in self.signs)
        return held >= (self.needs or len(self.signs))


@dataclass(frozen=True)
class BranchTable:
    """The table a chapter's parallel-branch modules are built from (GoogLeNet's Table 1): the column each
    branch's convolutions set, in branch order, and each module's row by name ("4c" -> its arguments)."""

    columns: tuple[tuple[str, ...], ...]
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def row_of(self, module: str) -> tuple[str, tuple[int, ...]] | None:
        """("4c", its row) for a module named after it ("inception4c", "blocks.4c"), else None."""
        for name, row in self.rows.items():
            if module == name or module.endswith(name) or module.endswith("." + name):
                return name, row
        return None


LRN = Variant("lrn", (Sign(op="local_response_norm"),))  # the papers' AlexNet, ZFNet and GoogLeNet have it
BATCH_NORM = Variant("batch_norm", (Sign(op="batch_norm"),))  # vgg16_bn and every later version
# CIFAR-10 versions of the ImageNet networks start with a 3x3 convolution of stride 1 (32x32 images)
CIFAR = Variant("cifar", (Sign(conv=1, hparams={"kernel_size": 3, "stride": 1}),))


@dataclass(frozen=True)
class Chapter:
    id: str
    title: dict[str, str]  # lang -> title
    file: str  # the learner's file, relative to exercises/
    models: tuple[ModelSpec, ...] = ()
    bonus: tuple[ModelSpec, ...] = ()
    zoo_name: str | None = None  # the registry entry this chapter is about
    points: dict[str, int] = field(default_factory=lambda: {"structure": 4, "params": 2, "num_classes": 1, "function": 3})
    hints: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> static hints, general to specific
    aliases: tuple[str, ...] = ()
    # checks graded only by the autograder (nbgrader's hidden tests, Gradescope's after_published)
    hidden: tuple[str, ...] = ("num_classes", "function")
    worksheet_points: int = 1  # per blank
    variants: tuple[Variant, ...] = (LRN, BATCH_NORM)  # checked in order; the first that matches is named
    formula_cases: dict[str, tuple[tuple[Any, ...], ...]] = field(default_factory=dict)  # chapter 0: fixed cases
    branch_table: BranchTable | None = None  # modules of parallel branches, named by module, branch and column

    def is_hidden(self, check_id: str) -> bool:
        return check_id.rpartition(".")[2] in self.hidden

    @property
    def number(self) -> int:
        return int(self.id[2:4])

    def exercise_path(self, root: Path | None = None) -> Path:
        return (root or ROOT) / "exercises" / self.file

    def solution_path(self, root: Path | None = None) -> Path:
        return (root or ROOT) / "solutions" / self.file

    def worksheet_path(self, root: Path | None = None, solution: bool = False) -> Path:
        return (root or ROOT) / ("solutions" if solution else "exercises") / self.id / "worksheet.py"

    def specs(self, bonus: bool = False) -> tuple[ModelSpec, ...]:
        """The models graded for the chapter's file (with the bonus ones when asked for)."""
        return self.models + (self.bonus if bonus else ())

    def check_ids(self, bonus: bool = False) -> list[str]:
        """The ids of the checks ``grade()`` reports for the chapter's file, in order."""
        if not self.models:
            return [f"formulas.{name}" for name in FORMULA_FUNCTIONS]
        specs = self.bonus if bonus else self.models
        return [f"{spec.label}.{check}" for spec in specs for check in spec.checks]

    def max_points(self, check_id: str) -> float:
        """The points a check is worth, from its id, with the declared points (a course may set others:
        grader.scoring)."""
        from grader.scoring import DEFAULT

        return DEFAULT.max_points(self, check_id)

    @property
    def max_score(self) -> float:
        """The model checks' points (the worksheet's come on top), with the declared points."""
        return sum(self.max_points(check_id) for check_id in self.check_ids())


def _classifier(zoo_name: str) -> ModelSpec:
    """A chapter's network, with its facts (reference, input, classes) read from the zoo's registry."""
    info = get_model_info(zoo_name)
    return ModelSpec(
        class_name=info.name,
        reference=info.builder,
        input_shape=tuple(info.input_shape),
        kwargs={"num_classes": info.num_classes},
        num_classes=info.num_classes,
        signature=f"{info.name}(num_classes={info.num_classes})",
    )


def _make_vgg(zoo_name: str) -> ModelSpec:
    """The VGG bonus: the learner's make_vgg(cfg) with a registered VGG's configuration."""
    info = get_model_info(zoo_name)
    cfg = list(info.config)
    return ModelSpec(class_name="make_vgg", reference="solutions.ch05_vgg.vgg:make_vgg", input_shape=tuple(info.input_shape),
                     args=(cfg,), kwargs={"num_classes": info.num_classes}, name=f"make_vgg({zoo_name.lower()})",
                     bonus=True, signature=f"make_vgg({cfg!r})")


def _inception(module: str) -> ModelSpec:
    """One Inception module of GoogLeNet's table, on the input it has in the network."""
    args = tuple(get_model_info("GoogLeNet").config[module])
    return ModelSpec(class_name="Inception", reference="solutions.ch06_googlenet.googlenet:Inception",
                     input_shape=(args[0], 28, 28), args=args,
                     signature=f"Inception({', '.join(map(str, args))})  # inception {module}")


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        id="ch00_formulas",
        title={"en": "The formulas: output size, parameters, receptive field", "zh-TW": "計算公式：輸出尺寸、參數量、感受野"},
        file="ch00_formulas/formulas.py",
        points={"formulas": 10},
        # the cases every learner sees (the notebooks' visible tests); random ones are drawn on top of them
        formula_cases={
            "conv_output_size": ((224, 11, 4, 2), (55, 5, 1, 2), (13, 3, 1, 1), (32, 5, 1, 0), (224, 7, 2, 3), (28, 3, 1, 0),
                                 (32, 5)),  # the documented defaults too: stride=1, padding=0
            "pool_output_size": ((55, 3, 2, 0), (28, 2, 2, 0), (112, 3, 2, 1), (13, 3, 2, 0), (7, 7, 1, 0),
                                 (28, 2), (55, 3, None)),  # stride=None: the kernel size, as in torch
            "conv_params": ((1, 6, 5), (3, 96, 11), (512, 512, 3), (192, 64, 1), (3, 64, 7)),
            "linear_params": ((400, 120), (9216, 4096), (4096, 1000), (84, 10)),
            "receptive_field": (([(3, 1), (3, 1)],), ([(3, 1)] * 3,), ([(11, 4), (3, 2), (5, 1)],), ([(7, 2), (3, 2)],)),
        },
        hints={
            "en": ("W_out = floor((W_in - K + 2P) / S) + 1, for convolution and pooling alike.",),
            "zh-TW": ("W_out = floor((W_in - K + 2P) / S) + 1，卷積層與池化層都適用。",),
        },
        aliases=("formulas", "formula"),
    ),
    Chapter(
        id="ch01_lenet",
        title={"en": "LeNet-5 (1998)", "zh-TW": "LeNet-5（1998）"},
        file="ch01_lenet/lenet.py",
        models=(_classifier("LeNet5"),),
        zoo_name="LeNet5",
        # Dive into Deep Learning's LeNet: padding 2 on a 28x28 input, sigmoid, average pooling
        variants=(LRN, Variant("d2l_lenet", (Sign(conv=1, hparams={"padding": 2}), Sign(op="sigmoid"),
                                             Sign(op="avg_pool2d")), needs=2),
                  # LeCun et al. 1998 as published: tanh and average pooling (its C5 a convolution)
                  Variant("lecun_lenet", (Sign(op="tanh"), Sign(op="avg_pool2d")))),
        hints={
            "en": ("2 convolution layers + 3 fully-connected layers; pooling is not counted as a layer.",
                   "fc1 takes 16*5*5 = 400 features: 32 -> conv 5x5 -> 28 -> pool -> 14 -> conv 5x5 -> 10 -> pool -> 5."),
            "zh-TW": ("2 個卷積層 + 3 個全連接層；池化層不算在層數裡。",
                      "fc1 的輸入是 16*5*5 = 400：32 -> 5x5 卷積 -> 28 -> 池化 -> 14 -> 5x5 卷積 -> 10 -> 池化 -> 5。"),
        },
        aliases=("lenet", "lenet5"),
    ),
    Chapter(
        id="ch02_alexnet",
        title={"en": "AlexNet (ILSVRC 2012)", "zh-TW": "AlexNet（ILSVRC 2012）"},
        file="ch02_alexnet/alexnet.py",
        models=(_classifier("AlexNet"),),
        zoo_name="AlexNet",
        # torchvision's AlexNet (from the "one weird trick" paper): 64 and 192 filters in the first two layers
        variants=(LRN, Variant("torchvision_alexnet", (Sign(conv=1, hparams={"out_channels": 64}),
                                                       Sign(conv=2, hparams={"out_channels": 192}))), CIFAR, BATCH_NORM,
                  # the paper's network, split over two GPUs: grouped convolutions where the halves met
                  Variant("two_gpu_alexnet", tuple(Sign(conv=n, hparams={"groups": 2}) for n in (2, 4, 5)), needs=1),
                  # no padding: the 227x227 input that many implementations use (the paper's 224 does not fit)
                  Variant("alexnet_227", (Sign(conv=1, hparams={"kernel_size": 11, "stride": 4, "padding": 0}),))),
        hints={
            "en": ("5 convolution layers + 3 fully-connected layers, ReLU after each, Dropout before fc1 and fc2.",
                   "The first layer: 96 filters of 11x11, stride 4, padding 2: 224 -> 55."),
            "zh-TW": ("5 個卷積層 + 3 個全連接層，每層後接 ReLU，fc1 與 fc2 之前各有 Dropout。",
                      "第一層：96 個 11x11 卷積核、步幅 4、填充 2，224 -> 55。"),
        },
        aliases=("alexnet",),
    ),
    Chapter(
        id="ch03_zfnet",
        title={"en": "ZFNet (ILSVRC 2013)", "zh-TW": "ZFNet（ILSVRC 2013）"},
        file="ch03_zfnet/zfnet.py",
        models=(_classifier("ZFNet"),),
        zoo_name="ZFNet",
        variants=(LRN, CIFAR, BATCH_NORM),
        hints={
            "en": ("Like AlexNet, but the first layer is 7x7 with stride 2 (padding 1): 224 -> 110.",
                   "The pools use ceil_mode=True: 110 -> 55, 26 -> 13, 13 -> 6."),
            "zh-TW": ("和 AlexNet 相似，但第一層是 7x7、步幅 2（填充 1）：224 -> 110。",
                      "池化層使用 ceil_mode=True：110 -> 55、26 -> 13、13 -> 6。"),
        },
        aliases=("zfnet", "zf"),
    ),
    Chapter(
        id="ch04_nin",
        title={"en": "Network in Network (2013)", "zh-TW": "Network in Network（2013）"},
        file="ch04_nin/nin.py",
        models=(_classifier("NiN"),),
        zoo_name="NiN",
        variants=(LRN, CIFAR, BATCH_NORM),
        hints={
            "en": ("Each mlpconv block: a k x k convolution, then two 1x1 convolutions, each followed by ReLU.",
                   "No fully-connected layer: the last block outputs num_classes channels, then global average pooling."),
            "zh-TW": ("每個 mlpconv 區塊：一個 k x k 卷積，接兩個 1x1 卷積，每個卷積後面都接 ReLU。",
                      "沒有全連接層：最後一個區塊輸出 num_classes 個通道，再做全域平均池化。"),
        },
        aliases=("nin",),
    ),
    Chapter(
        id="ch05_vgg",
        title={"en": "VGG16 (ILSVRC 2014)", "zh-TW": "VGG16（ILSVRC 2014）"},
        file="ch05_vgg/vgg.py",
        models=(_classifier("VGG16"),),
        bonus=(_make_vgg("VGG11"), _make_vgg("VGG19")),
        zoo_name="VGG16",
        hints={
            "en": ("Only 3x3 convolutions with padding 1 (the size stays), and 2x2 max-pools with stride 2 (the size halves).",
                   "Blocks of 2, 2, 3, 3, 3 convolutions with 64, 128, 256, 512, 512 filters."),
            "zh-TW": ("只用填充 1 的 3x3 卷積（尺寸不變），以及 2x2、步幅 2 的最大池化（尺寸減半）。",
                      "五個區塊分別有 2、2、3、3、3 個卷積層，卷積核數量為 64、128、256、512、512。"),
        },
        aliases=("vgg", "vgg16"),
    ),
    Chapter(
        id="ch06_googlenet",
        title={"en": "GoogLeNet / Inception v1 (ILSVRC 2014)", "zh-TW": "GoogLeNet／Inception v1（ILSVRC 2014）"},
        file="ch06_googlenet/googlenet.py",
        models=(_inception("3a"), _classifier("GoogLeNet")),
        zoo_name="GoogLeNet",
        branch_table=BranchTable(
            columns=(("ch1x1",), ("ch3x3red", "ch3x3"), ("ch5x5red", "ch5x5"), ("pool_proj",)),
            rows={name: tuple(row) for name, row in get_model_info("GoogLeNet").config.items()},
        ),
        # torchvision's GoogLeNet: batch norm everywhere, and a 3x3 convolution in the "5x5" branch
        # Inception v2/v3: two stacked 3x3 convolutions in place of the 5x5 (no stacked 3x3 in v1)
        variants=(LRN, Variant("factorised_5x5", (Sign(stacked=3),)), Variant("torchvision_googlenet", (Sign(op="batch_norm"),)),
                  Variant("torchvision_googlenet", (Sign(kernel=5, absent=True), Sign(kernel=3))), CIFAR),
        hints={
            "en": ("Branch order: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 max-pool -> 1x1, concatenated on channels (dim=1).",
                   "Nine Inception modules: 3a, 3b, pool, 4a-4e, pool, 5a, 5b; then global average pooling."),
            "zh-TW": ("分支順序：1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 最大池化 -> 1x1，沿通道（dim=1）串接。",
                      "九個 Inception 模組：3a、3b、池化、4a-4e、池化、5a、5b；最後是全域平均池化。"),
        },
        aliases=("googlenet", "inception"),
    ),
)


def list_chapters() -> list[str]:
    return [chapter.id for chapter in CHAPTERS]


def get_chapter(name: str) -> Chapter:
    """A chapter by id, by short id (``ch05``, ``5``) or by alias (``vgg``)."""
    key = name.strip().lower()
    for chapter in CHAPTERS:
        if key in (chapter.id, chapter.id[:4], chapter.id[2:4], str(chapter.number), *chapter.aliases):
            return chapter
    known = ", ".join(chapter.id for chapter in CHAPTERS)
    raise KeyError(f"no chapter {name!r}; chapters: {known}")

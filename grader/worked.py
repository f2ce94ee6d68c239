"""The course's formulas written out with the learner's own numbers: one renderer for the diagnosis (the
formula up to its result), the worksheets' hints (the formula with the numbers in, the result left to
the learner) and the drill's worked solutions (every step on its own line).

Each formula is a ``Worked``: its general form (in the learner's language), the numbers substituted, an
optional intermediate step, and the value, which grader.formulas computes.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader import formulas
from grader.text import t

__all__ = ["Worked", "conv_size", "pool_size", "conv_params", "linear_params", "receptive_field"]


@dataclass(frozen=True)
class Worked:
    general: str  # "W_out = floor((W_in - K + 2P) / S) + 1"
    substituted: str  # "floor((224 - 11 + 2*2) / 4) + 1"
    steps: tuple[str, ...]  # the arithmetic between the substitution and the value: "floor(217 / 4) + 1", ...
    value: int | None  # None: the numbers do not fit (the kernel is larger than the padded input)

    def up_to_result(self) -> str:
        """The diagnosis's line: "W_out = floor((W_in - K + 2P) / S) + 1 = floor((224 - 11 + 2*2) / 4) + 1 = 55"."""
        return f"{self.general} = {self.substituted} = {self._value()}"

    def to_fill_in(self) -> str:
        """A worksheet's hint: the formula with the numbers in, the result left to the learner."""
        return f"{self.general} = {self.substituted}"

    def lines(self) -> list[str]:
        """The drill's worked solution, one step per line."""
        return [self.general, f"= {self.substituted}", *(f"= {step}" for step in self.steps), f"= {self._value()}"]

    def _value(self) -> str:
        return f"{self.value:,}" if self.value is not None else "?"


def conv_size(size: int, k: int, s: int = 1, p: int = 0, d: int = 1, lang: str = "en") -> Worked:
    try:
        value: int | None = formulas.conv_output_size(size, k, s, p, d)
    except ValueError:
        value = None
    if d != 1:
        inner = size + 2 * p - d * (k - 1) - 1
        return Worked(t("formula.conv_dilated", lang), f"floor(({size} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1",
                      (f"floor({inner} / {s}) + 1",), value)
    inner = size - k + 2 * p
    return Worked(t("formula.conv", lang), f"floor(({size} - {k} + 2*{p}) / {s}) + 1",
                  (f"floor({inner} / {s}) + 1", f"{inner // s} + 1") if inner >= 0 else (), value)


def pool_size(size: int, k: int, s: int, p: int = 0, ceil: bool = False, d: int = 1, lang: str = "en") -> Worked:
    """The course writes pooling without padding; a padded pool shows its + 2P."""
    try:
        value: int | None = formulas.pool_output_size(size, k, s, p, d, ceil)
    except ValueError:
        value = None
    rounding = "ceil" if ceil else "floor"
    inner = size - k + 2 * p
    rounded = -(-inner // s) if ceil else inner // s
    padding = f" + 2*{p}" if p else ""
    key = "formula.pool_padded" if p else "formula.pool"
    return Worked(t(key, lang, rounding=rounding), f"{rounding}(({size} - {k}{padding}) / {s}) + 1",
                  (f"{rounding}({inner} / {s}) + 1", f"{rounded} + 1") if inner >= 0 else (), value)


def conv_params(inn: int, out: int, k: int | tuple[int, int], bias: bool = True, lang: str = "en") -> Worked:
    kh, kw = (k, k) if isinstance(k, int) else k
    weights = out * inn * kh * kw
    if not bias:
        return Worked(t("formula.conv_params_no_bias", lang), f"{out} * {inn} * {kh} * {kw}", (), weights)
    return Worked(t("formula.conv_params", lang), f"{out} * {inn} * {kh} * {kw} + {out}", (f"{weights:,} + {out}",),
                  weights + out)


def linear_params(inn: int, out: int, bias: bool = True, lang: str = "en", written: str | None = None) -> Worked:
    """``written``: how the question writes ``inn`` ("512*7*7" for 25088)."""
    shown = written or str(inn)
    if not bias:
        return Worked(t("formula.linear_params_no_bias", lang), f"{shown} * {out}", (), inn * out)
    return Worked(t("formula.linear_params", lang), f"{shown} * {out} + {out}", (f"{inn * out:,} + {out}",),
                  formulas.linear_params(inn, out))


def receptive_field(layers: list[tuple[int, ...]], lang: str = "en") -> Worked:
    """r = 1 + sum of D_i * (K_i - 1) * (the product of the strides before layer i), first layer first.
    Each layer is (kernel, stride) or (kernel, stride, dilation); a dilation of 1 is not written."""
    terms, values, jump = [], [], 1
    for k, s, *rest in layers:
        dilation = rest[0] if rest else 1
        reach = f"{dilation} * ({k} - 1)" if dilation != 1 else f"({k} - 1)"
        terms.append(f"{reach} * {jump}")
        values.append(dilation * (k - 1) * jump)
        jump *= s
    return Worked(t("formula.receptive_field", lang), "1 + " + " + ".join(terms),
                  ("1 + " + " + ".join(map(str, values)),), formulas.receptive_field(layers))

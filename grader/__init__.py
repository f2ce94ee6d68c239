"""cnn-dojo's grader: formulas, an op-level shape tracer, and (soon) the checks built on them."""

from grader.formulas import (
    conv_macs,
    conv_output_size,
    conv_params,
    linear_macs,
    linear_params,
    pool_output_size,
    receptive_field,
)
from grader.trace import OpRow, Trace, trace

__all__ = [
    "OpRow",
    "Trace",
    "conv_macs",
    "conv_output_size",
    "conv_params",
    "linear_macs",
    "linear_params",
    "pool_output_size",
    "receptive_field",
    "trace",
]

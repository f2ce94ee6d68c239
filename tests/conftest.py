from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _default_dtype_and_threads():
    """Keep global torch state from leaking between tests."""
    dtype = torch.get_default_dtype()
    yield
    torch.set_default_dtype(dtype)


def run_torchsummary(model: torch.nn.Module, input_shape: tuple[int, ...]) -> str:
    """What the real torchsummary package prints for a CPU model."""
    from torchsummary import summary

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        summary(model, input_shape, device="cpu")
    return buffer.getvalue()


sys.path.insert(0, str(ROOT))

"""Chapter 0: the formulas, solved with plain integer arithmetic (the grader's own, torch-exact versions
with validation live in grader/formulas.py)."""


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Output width (or height) of a convolution: W_out = floor((W_in - K + 2P) / S) + 1."""
    return (size - kernel_size + 2 * padding) // stride + 1


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0) -> int:
    """Output width of a max-pool (ceil_mode=False). A stride of None means stride = kernel_size."""
    stride = kernel_size if stride is None else stride
    return (size - kernel_size + 2 * padding) // stride + 1


def conv_params(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """Parameters of an nn.Conv2d with bias: out * in * K * K weights + out biases."""
    return out_channels * in_channels * kernel_size * kernel_size + out_channels


def linear_params(in_features: int, out_features: int) -> int:
    """Parameters of an nn.Linear with bias: in * out weights + out biases."""
    return in_features * out_features + out_features


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Receptive field (pixels, one side) of one output pixel after a stack of (kernel_size, stride) layers."""
    field, jump = 1, 1
    for kernel_size, stride in layers:
        field += (kernel_size - 1) * jump
        jump *= stride
    return field

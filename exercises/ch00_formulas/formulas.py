"""Chapter 0: the formulas. Implement each function with plain integer arithmetic (no torch).

Run: pytest exercises/ch00_formulas   or   python -m grader check ch00 --hints 2
The grader compares your functions with torch's own layers on many cases, some of them random.
"""


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Output width (or height) of a convolution: W_out = floor((W_in - K + 2P) / S) + 1.

    >>> conv_output_size(224, 7, 2, 3)   # ResNet's conv1
    112
    """
    # TODO: return the output size. Python's // is floor division.
    raise NotImplementedError


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0) -> int:
    """Output width of a max-pool (ceil_mode=False). A stride of None means stride = kernel_size.

    >>> pool_output_size(35, 3, 2)
    17
    """
    # TODO: the same formula as the convolution's, with the pooling window F as K.
    raise NotImplementedError


def conv_params(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """Parameters of an nn.Conv2d with bias: out * in * K * K weights + out biases.

    >>> conv_params(3, 64, 7)   # ResNet's conv1, with a bias
    9472
    """
    # TODO
    raise NotImplementedError


def linear_params(in_features: int, out_features: int) -> int:
    """Parameters of an nn.Linear with bias: in * out weights + out biases.

    >>> linear_params(1024, 1000)   # GoogLeNet's classifier
    1025000
    """
    # TODO
    raise NotImplementedError


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Receptive field (pixels, one side) of one output pixel after a stack of (kernel_size, stride) layers.

    Start from r = 1 and jump j = 1; for each layer, r += (kernel_size - 1) * j, then j *= stride.

    >>> receptive_field([(5, 1), (5, 1)])   # two 5x5 see as far as one 9x9
    9
    """
    # TODO
    raise NotImplementedError

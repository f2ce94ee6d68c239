"""The handwritten digits LeNet-5 learns here: scikit-learn's bundled ``load_digits`` set, scaled to 1x32x32.

1,797 images of 8x8 pixels (values 0-16), 10 classes, shipped inside the scikit-learn package: nothing is
downloaded. They are read from the package's own file (``sklearn/datasets/data/digits.csv.gz``, the file
``load_digits`` reads; a test holds the two equal) so that a training child does not pay scikit-learn's
two-second import. Each image is scaled to 32x32 by bilinear interpolation (as ``F.interpolate`` with
``mode="bilinear"``) and to values in [0, 1]. The train/test split is fixed: a quarter of each class,
drawn once with ``SPLIT_SEED``, is held out for testing.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Digits", "load_digits32", "raw_digits", "data_file", "scale", "SIZE", "SPLIT_SEED", "TEST_FRACTION",
           "NAME"]

NAME = "sklearn load_digits (8x8 -> 1x32x32)"
SIZE = 32
SPLIT_SEED = 0
TEST_FRACTION = 0.25


@dataclass(frozen=True)
class Digits:
    """The prepared set: images (N, 1, 32, 32) float32 in [0, 1], labels (N,) int64, and the split."""

    images: np.ndarray
    labels: np.ndarray
    train: np.ndarray  # indices into images
    test: np.ndarray

    @property
    def train_images(self) -> np.ndarray:
        return self.images[self.train]

    @property
    def test_images(self) -> np.ndarray:
        return self.images[self.test]

    @property
    def train_labels(self) -> np.ndarray:
        return self.labels[self.train]

    @property
    def test_labels(self) -> np.ndarray:
        return self.labels[self.test]


def data_file() -> Path:
    """scikit-learn's bundled digits file, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed: run `make setup` (pyproject.toml lists it)")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            return path
    raise FileNotFoundError("scikit-learn's digits.csv.gz is missing from its package")


def raw_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) float64 with values 0-16, labels (1797,) int64), as ``load_digits`` gives them."""
    table = np.loadtxt(data_file(), delimiter=",")
    return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)


def _bilinear(size_in: int, size_out: int) -> np.ndarray:
    """The (size_out, size_in) matrix of bilinear interpolation with half-pixel centres (align_corners=False)."""
    matrix = np.zeros((size_out, size_in))
    for out in range(size_out):
        position = max((out + 0.5) * size_in / size_out - 0.5, 0.0)
        low = min(int(position), size_in - 1)
        high = min(low + 1, size_in - 1)
        weight = position - low
        matrix[out, low] += 1 - weight
        matrix[out, high] += weight
    return matrix


def scale(images: np.ndarray, size: int = SIZE) -> np.ndarray:
    """(N, h, w) images with values 0-16 -> (N, 1, size, size) float32 in [0, 1], bilinear."""
    rows, cols = _bilinear(images.shape[1], size), _bilinear(images.shape[2], size)
    scaled = np.einsum("oh,nhw,pw->nop", rows, images / 16.0, cols)
    # reshape, not [:, None]: a stride of 0 on the channel axis would look like channels_last to torch
    return np.clip(scaled, 0.0, 1.0).astype(np.float32).reshape(len(images), 1, size, size)


def _split(labels: np.ndarray, seed: int, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """A stratified split: ``fraction`` of each class, drawn at random with ``seed``, is the test set."""
    rng = np.random.default_rng(seed)
    test = []
    for digit in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == digit)
        test.extend(rng.permutation(members)[: round(len(members) * fraction)])
    test_set = np.sort(np.array(test, dtype=np.int64))
    train_set = np.setdiff1d(np.arange(len(labels)), test_set)
    return train_set, test_set


@functools.cache
def load_digits32() -> Digits:
    """The digits, scaled to 1x32x32, with the fixed split (about 1,347 for training, 450 for testing)."""
    images, labels = raw_digits()
    train, test = _split(labels, SPLIT_SEED, TEST_FRACTION)
    return Digits(scale(images), labels, train, test)

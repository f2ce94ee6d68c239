"""Small pictures for the Train tab, as numpy arrays st.image shows: digits, filters, feature maps, heatmaps
over digits, a receptive field's square. No Streamlit here (tested on its own)."""

from __future__ import annotations

import numpy as np

__all__ = ["to_unit", "enlarge", "gray", "heat_over", "boxed", "COLORMAP"]

COLORMAP = "jet"  # red = most important, as in the CAM and Grad-CAM papers


def to_unit(values: np.ndarray) -> np.ndarray:
    """Scaled to [0, 1] (min to max); a constant array gives zeros."""
    values = np.asarray(values, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def enlarge(image: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel as a factor x factor block (nearest neighbour): sharp pixels when shown large."""
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def gray(image: np.ndarray, factor: int = 4, scale: bool = True) -> np.ndarray:
    """An (H, W) array as an 8-bit grayscale picture, enlarged; ``scale`` stretches it to black..white."""
    values = to_unit(image) if scale else np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    return enlarge((values * 255).round().astype(np.uint8), factor)


def heat_over(image: np.ndarray, heat: np.ndarray, factor: int = 4, alpha: float = 0.5) -> np.ndarray:
    """A heatmap in [0, 1] (same H, W as the image) coloured with ``COLORMAP`` over a grayscale digit: RGB uint8."""
    from matplotlib import colormaps

    base = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)[..., None].repeat(3, axis=-1)
    colour = colormaps[COLORMAP](np.clip(np.asarray(heat, dtype=np.float32), 0.0, 1.0))[..., :3]
    mixed = (1 - alpha) * base + alpha * colour
    return enlarge((mixed * 255).round().astype(np.uint8), factor)


def boxed(image: np.ndarray, box: tuple[int, int, int, int], factor: int = 8,
          colour: tuple[int, int, int] = (230, 30, 30)) -> np.ndarray:
    """A grayscale digit (values 0-1) with the outline of box = (top, left, bottom, right), inclusive, in
    ``colour``, enlarged so the outline sits on the pixel edges: RGB uint8."""
    picture = gray(image, factor, scale=False)[..., None].repeat(3, axis=-1)
    top, left, bottom, right = (v * factor for v in box)
    bottom, right = bottom + factor - 1, right + factor - 1
    width = max(1, factor // 4)
    picture[top:top + width, left:right + 1] = colour
    picture[bottom - width + 1:bottom + 1, left:right + 1] = colour
    picture[top:bottom + 1, left:left + width] = colour
    picture[top:bottom + 1, right - width + 1:right + 1] = colour
    return picture

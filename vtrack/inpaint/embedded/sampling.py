"""Sampling an image at scattered sub-pixel points (cv2.remap wants 2-D maps of bounded size)."""

from __future__ import annotations

import cv2
import numpy as np

_ROW = 1024  # points per map row: remap's maps must stay under 32767 a side


def remap_points(
    image: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    interpolation: int = cv2.INTER_LINEAR,
    border: int = cv2.BORDER_REPLICATE,
    border_value: float = 0.0,
) -> np.ndarray:
    """image sampled at (x, y) (same-shape float arrays): shape x.shape (+ channels)."""
    shape = x.shape
    n = x.size
    if n == 0:
        return np.zeros(shape + image.shape[2:], image.dtype)
    rows = -(-n // _ROW)
    mx = np.zeros(rows * _ROW, np.float32)
    my = np.zeros(rows * _ROW, np.float32)
    mx[:n] = x.ravel()
    my[:n] = y.ravel()
    got = cv2.remap(
        image,
        mx.reshape(rows, _ROW),
        my.reshape(rows, _ROW),
        interpolation,
        borderMode=border,
        borderValue=border_value,
    )
    return got.reshape((rows * _ROW,) + image.shape[2:])[:n].reshape(shape + image.shape[2:])

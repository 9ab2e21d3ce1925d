"""Masks as COCO run-length encoding (pycocotools' compressed form), the sessions' wire format."""

from __future__ import annotations

import numpy as np
from pycocotools import mask as coco_mask
from typing_extensions import TypedDict  # pydantic needs this one on Python 3.11


class Rle(TypedDict):
    """{"size": [height, width], "counts": "<compressed string>"} as pycocotools writes it."""

    size: list[int]
    counts: str


def encode(mask: np.ndarray) -> Rle:
    """A bool (H, W) mask to compressed RLE."""
    encoded = coco_mask.encode(np.asfortranarray(mask, dtype=np.uint8))
    height, width = (int(v) for v in encoded["size"])
    return {"size": [height, width], "counts": encoded["counts"].decode("ascii")}


def decode(rle: Rle) -> np.ndarray:
    """Compressed RLE back to a bool (H, W) mask, C-contiguous (pycocotools answers in Fortran
    order, which OpenCV's drawing functions refuse)."""
    coded = {"size": list(rle["size"]), "counts": rle["counts"].encode("ascii")}
    return np.ascontiguousarray(coco_mask.decode(coded), dtype=bool)


def area(rle: Rle) -> int:
    """Pixels in the mask, without decoding it."""
    coded = {"size": list(rle["size"]), "counts": rle["counts"].encode("ascii")}
    return int(coco_mask.area(coded))


def empty(height: int, width: int) -> Rle:
    return encode(np.zeros((height, width), bool))

"""A session's masks in exchange formats: a zip of label PNGs, COCO RLE JSON, a mask reader."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import cv2
import numpy as np
from pycocotools import mask as coco_mask

from vtrack.media.atomic import atomic_path
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import Session
from vtrack.sessions.rle import Rle, decode


class SessionMasks:
    """The stored masks of some objects, frame by frame (what renderers and inpainters read).

    `at(i)` gives the objects visible on frame i by id; `[i]` their union (a hole to fill).
    """

    def __init__(self, files: SessionFiles, object_ids: list[int], frame_count: int, shape):
        self.files = files
        self.object_ids = list(object_ids)
        self.frame_count = frame_count
        self.shape = tuple(shape)

    def __len__(self) -> int:
        return self.frame_count

    def rles(self, index: int) -> dict[int, Rle]:
        return self.files.frame_masks(index, self.object_ids)

    def at(self, index: int) -> dict[int, np.ndarray]:
        found = {}
        for object_id, rle in self.rles(index).items():
            mask = decode(rle)
            if mask.any():
                found[object_id] = mask
        return found

    def __getitem__(self, index: int) -> np.ndarray:
        masks = self.at(index)
        if not masks:
            return np.zeros(self.shape, bool)
        return np.logical_or.reduce(list(masks.values()))

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(self.frame_count):
            yield self[i]


def label_image(masks: dict[int, np.ndarray], shape: tuple[int, int], binary: bool) -> np.ndarray:
    """One frame's objects as pixel values (0 = background; a higher id wins an overlap), or
    0/255 for a single object."""
    labels = np.zeros(shape, np.uint8)
    for object_id, mask in sorted(masks.items()):
        labels[mask] = 255 if binary else object_id
    return labels


def write_masks_zip(masks: SessionMasks, out: BinaryIO) -> None:
    """One PNG per frame, `NNNNN.png`: object ids as pixel values, 0/255 for one object."""
    binary = len(masks.object_ids) == 1
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for i in range(len(masks)):
            labels = label_image(masks.at(i), masks.shape, binary)
            ok, png = cv2.imencode(".png", labels, [cv2.IMWRITE_PNG_COMPRESSION, 1])
            if not ok:
                raise RuntimeError("PNG encoding failed")
            zf.writestr(f"{i:05d}.png", png.tobytes())


def masks_zip_bytes(masks: SessionMasks) -> bytes:
    buffer = io.BytesIO()
    write_masks_zip(masks, buffer)
    return buffer.getvalue()


def coco_document(session: Session, masks: SessionMasks) -> dict[str, Any]:
    """Every frame's masks as a COCO dataset: one image per frame, one category and one
    annotation per object and frame (`segmentation` in compressed RLE, `object_id` tracks it)."""
    video = session.video
    images = [
        {"id": i, "file_name": f"{i:05d}.png", "width": video.width, "height": video.height}
        for i in range(len(masks))
    ]
    categories = [
        {"id": oid, "name": session.objects[oid].info.name or f"object {oid}"}
        for oid in masks.object_ids
        if oid in session.objects
    ]
    annotations = []
    for i in range(len(masks)):
        for object_id, rle in sorted(masks.rles(i).items()):
            coded = {"size": rle["size"], "counts": rle["counts"].encode("ascii")}
            area = int(coco_mask.area(coded))
            if area == 0:
                continue
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i,
                    "category_id": object_id,
                    "object_id": object_id,
                    "segmentation": rle,
                    "area": area,
                    "bbox": [float(v) for v in coco_mask.toBbox(coded)],
                    "iscrowd": 0,
                }
            )
    info = {"description": f"VTrackAI Studio session {session.id}", "fps": video.fps}
    return {"info": info, "images": images, "categories": categories, "annotations": annotations}


def write_coco_json(session: Session, masks: SessionMasks, path: Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(coco_document(session, masks), separators=(",", ":")))
    return path

"""SAM 3 requests: the plain dicts `predictor.handle_request` / `handle_stream_request` take.

Coordinates are RELATIVE (0-1), labels 1 positive / 0 negative; points need an `obj_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vtrack.errors import InvalidInput
from vtrack.vision.base import BoxPrompt, Direction, PointPrompt

# Label ids of SAM's prompt encoder: 1 click on the object, 0 background, 2/3 box corners.
POSITIVE, NEGATIVE, BOX_TOP_LEFT, BOX_BOTTOM_RIGHT = 1, 0, 2, 3


def _rel(value: float) -> float:
    """Clamp a relative coordinate to [0, 1]; SAM 3 asserts that range for boxes."""
    return float(min(1.0, max(0.0, value)))


def build_start_session_request(resource_path: str | Path) -> dict[str, Any]:
    """Open a session on an MP4, a folder of `<index>.jpg` frames or an image."""
    return {"type": "start_session", "resource_path": str(resource_path)}


def build_add_points_request(
    session_id: str,
    frame_index: int,
    obj_id: int,
    points: Sequence[PointPrompt],
    box: BoxPrompt | None = None,
) -> dict[str, Any]:
    """Clicks (and optionally a box) for ONE object, in relative 0-1 coordinates.

    SAM 3 replaces an object's earlier points on that frame with each call, so callers send every
    click so far. A box for a single object travels as its two corners with labels 2 and 3, which
    is how SAM's tracker encodes boxes itself; SAM 3's `bounding_boxes` field is a different thing
    (a visual exemplar that resets the session and finds every similar instance).
    """
    coords: list[list[float]] = []
    labels: list[int] = []
    if box is not None:
        x0, x1 = sorted((_rel(box.x0), _rel(box.x1)))
        y0, y1 = sorted((_rel(box.y0), _rel(box.y1)))
        coords += [[x0, y0], [x1, y1]]
        labels += [BOX_TOP_LEFT, BOX_BOTTOM_RIGHT]
    for p in points:
        coords.append([_rel(p.x), _rel(p.y)])
        labels.append(POSITIVE if p.positive else NEGATIVE)
    if not coords:
        raise InvalidInput("a point prompt needs at least one point")
    return {
        "type": "add_prompt",
        "session_id": session_id,
        "frame_index": int(frame_index),
        "points": coords,
        "point_labels": labels,
        "obj_id": int(obj_id),
    }


def build_add_exemplar_boxes_request(
    session_id: str,
    frame_index: int,
    boxes: Sequence[BoxPrompt],
    positive: Sequence[bool] | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    """Visual exemplar boxes: `bounding_boxes` as normalised [x, y, width, height].

    Like text, this resets the session and SAM 3 assigns object ids to every matching instance.
    """
    if not boxes:
        raise InvalidInput("an exemplar prompt needs at least one box")
    positive = [True] * len(boxes) if positive is None else list(positive)
    if len(positive) != len(boxes):
        raise InvalidInput("one label per box")
    xywh = []
    for b in boxes:
        x0, x1 = sorted((_rel(b.x0), _rel(b.x1)))
        y0, y1 = sorted((_rel(b.y0), _rel(b.y1)))
        xywh.append([x0, y0, x1 - x0, y1 - y0])
    request: dict[str, Any] = {
        "type": "add_prompt",
        "session_id": session_id,
        "frame_index": int(frame_index),
        "bounding_boxes": xywh,
        "bounding_box_labels": [POSITIVE if p else NEGATIVE for p in positive],
    }
    if text is not None:
        request["text"] = text
    return request


def build_add_text_request(session_id: str, frame_index: int, text: str) -> dict[str, Any]:
    """A noun phrase; SAM 3 resets earlier prompts and assigns ids to every instance it finds."""
    text = text.strip()
    if not text:
        raise InvalidInput("the text prompt is empty")
    return {
        "type": "add_prompt",
        "session_id": session_id,
        "frame_index": int(frame_index),
        "text": text,
    }


def build_remove_object_request(session_id: str, obj_id: int) -> dict[str, Any]:
    return {"type": "remove_object", "session_id": session_id, "obj_id": int(obj_id)}


def build_close_session_request(session_id: str) -> dict[str, Any]:
    return {"type": "close_session", "session_id": session_id}


def build_propagate_request(
    session_id: str,
    direction: Direction,
    start_frame_index: int | None,
    max_frame_num_to_track: int | None = None,
) -> dict[str, Any]:
    """Stream request; `max_frame_num_to_track=None` means every frame (a negative count tracks none)."""
    if direction not in ("both", "forward", "backward"):
        raise InvalidInput(f"unknown direction {direction!r}")
    if max_frame_num_to_track is not None and max_frame_num_to_track < 0:
        raise InvalidInput("max_frame_num_to_track must be None (all frames) or >= 0")
    return {
        "type": "propagate_in_video",
        "session_id": session_id,
        "propagation_direction": direction,
        "start_frame_index": None if start_frame_index is None else int(start_frame_index),
        "max_frame_num_to_track": max_frame_num_to_track,
    }

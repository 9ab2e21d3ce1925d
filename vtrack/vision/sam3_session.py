"""SAM 3 session: our session interface over sam3's request API, chunk by chunk on long videos."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vtrack.errors import InvalidInput, PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import (
    BoxPrompt,
    Direction,
    FrameMasks,
    PointPrompt,
    ProgressCallback,
    SegmentationSession,
    TextDetection,
)
from vtrack.vision.chunks import OnceEach
from vtrack.vision.jpeg_frames import write_jpeg_folder
from vtrack.vision.sam3_outputs import (
    mask_to_seed,
    match_ids_by_iou,
    parse_frame_outputs,
    plan_chunks,
)
from vtrack.vision.sam3_requests import (
    build_add_points_request,
    build_add_text_request,
    build_close_session_request,
    build_propagate_request,
    build_remove_object_request,
    build_start_session_request,
)

# SAM 3 decodes every frame of a session onto the GPU at 1008x1008 fp16 (~6 MB a frame), so a
# session covers at most this many frames; longer videos are tracked chunk by chunk.
DEFAULT_CHUNK_FRAMES = 300
_VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm"}


def _frame_count(path: Path) -> int:
    """Frames in a video file as OpenCV (SAM 3's default loader) counts them; -1 if unreadable.

    The source file is used directly only when it holds exactly our decoded frames (the decoder
    may have trimmed it); otherwise our frames are written out as JPEGs.
    """
    if path.suffix.lower() not in _VIDEO_SUFFIXES or not path.is_file():
        return -1
    cap = cv2.VideoCapture(str(path))
    try:
        return int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() else -1
    finally:
        cap.release()


@dataclass
class _OpenChunk:
    index: int
    start: int
    stop: int
    session_id: str
    # Objects the predictor knows in this chunk (remove_object asserts the id exists).
    obj_ids: set[int]
    # Predictor id -> our id (differs only when a re-issued text prompt renumbers objects).
    id_map: dict[int, int]


class Sam3Session(SegmentationSession):
    """One video on a SAM 3 predictor, tracked chunk by chunk when it is long.

    Prompts are recorded here so that a chunk can be reopened and replayed; objects are handed to
    the next chunk through the frame neighbouring chunks share.
    """

    def __init__(
        self, predictor: Any, video: FrameSequence, chunk_frames: int = DEFAULT_CHUNK_FRAMES
    ) -> None:
        self._predictor = predictor
        self._video = video
        self._size = (video.height, video.width)
        self._chunks = plan_chunks(len(video), chunk_frames)
        if not self._chunks:
            raise InvalidInput("the video has no frames")
        self._tmp: Path | None = None
        self._open: _OpenChunk | None = None
        self._points: dict[tuple[int, int], list[PointPrompt]] = {}
        self._boxes: dict[tuple[int, int], BoxPrompt] = {}
        self._text: tuple[int, str] | None = None
        self._text_masks: dict[int, np.ndarray] = {}
        self._next_id = 0
        self._closed = False

    # -- chunk management --

    def _chunk_of(self, frame_index: int) -> int:
        for i, (start, stop) in enumerate(self._chunks):
            if start <= frame_index < stop:
                return i
        raise InvalidInput(f"frame {frame_index} is outside the video (0..{len(self._video) - 1})")

    def _resource_for(self, index: int) -> str:
        start, stop = self._chunks[index]
        source = self._video.info.source_path
        whole = len(self._chunks) == 1
        if whole and source is not None and _frame_count(Path(source)) == len(self._video):
            return str(source)
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="vtrack-sam3-"))
        folder = self._tmp / f"chunk{index:04d}"
        if not folder.exists():
            write_jpeg_folder(
                [self._video[i] for i in range(start, stop)], folder.with_suffix(".part")
            )
            folder.with_suffix(".part").rename(folder)
        return str(folder)

    def _close_open(self) -> None:
        if self._open is not None:
            sid, self._open = self._open.session_id, None
            self._predictor.handle_request(build_close_session_request(sid))

    def _activate(self, index: int, replay: bool = True) -> _OpenChunk:
        if self._closed:
            raise InvalidInput("the session is closed")
        if self._open is not None and self._open.index == index:
            return self._open
        self._close_open()
        response = self._predictor.handle_request(
            build_start_session_request(self._resource_for(index))
        )
        start, stop = self._chunks[index]
        self._open = _OpenChunk(index, start, stop, response["session_id"], set(), {})
        if replay:
            self._replay()
        return self._open

    def _replay(self) -> None:
        """Re-send the recorded prompts that fall in the open chunk (text first: it resets)."""
        chunk = self._open
        assert chunk is not None
        if self._text is not None and chunk.start <= self._text[0] < chunk.stop:
            frame, text = self._text
            response = self._predictor.handle_request(
                build_add_text_request(chunk.session_id, frame - chunk.start, text)
            )
            found = parse_frame_outputs(response.get("outputs"), frame, self._size)
            mapping = match_ids_by_iou(self._text_masks, found.masks)
            for pid in found.masks:
                chunk.id_map[pid] = mapping.get(pid, self._fresh_id())
            chunk.obj_ids.update(found.masks)
        for frame, obj_id in sorted(set(self._points) | set(self._boxes)):
            if chunk.start <= frame < chunk.stop:
                self._send_points(chunk, frame, obj_id)

    def _fresh_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _to_ours(self, chunk: _OpenChunk, masks: FrameMasks) -> FrameMasks:
        if not chunk.id_map:
            return masks
        out = FrameMasks(frame_index=masks.frame_index)
        for pid, mask in masks.masks.items():
            oid = chunk.id_map.get(pid, pid)
            out.masks[oid] = mask
            out.scores[oid] = masks.scores.get(pid, 0.0)
        return out

    def _send_points(
        self,
        chunk: _OpenChunk,
        frame: int,
        obj_id: int,
        points: list[PointPrompt] | None = None,
        box: BoxPrompt | None = None,
    ) -> FrameMasks:
        if points is None and box is None:
            points = self._points.get((frame, obj_id), [])
            box = self._boxes.get((frame, obj_id))
        response = self._predictor.handle_request(
            build_add_points_request(
                chunk.session_id, frame - chunk.start, obj_id, points or [], box
            )
        )
        chunk.obj_ids.add(obj_id)
        self._next_id = max(self._next_id, obj_id + 1)
        return self._to_ours(chunk, parse_frame_outputs(response.get("outputs"), frame, self._size))

    # -- the interface --

    def add_points(self, frame_index: int, obj_id: int, points: list[PointPrompt]) -> FrameMasks:
        if not points:
            raise InvalidInput("a point prompt needs at least one point")
        chunk = self._activate(self._chunk_of(frame_index), replay=True)
        # Every click so far goes in each call: SAM 3 clears an object's old points on that frame.
        self._points.setdefault((frame_index, obj_id), []).extend(points)
        return self._send_points(chunk, frame_index, obj_id)

    def add_box(self, frame_index: int, obj_id: int, box: BoxPrompt) -> FrameMasks:
        chunk = self._activate(self._chunk_of(frame_index), replay=True)
        self._boxes[(frame_index, obj_id)] = box
        return self._send_points(chunk, frame_index, obj_id)

    def add_text(self, frame_index: int, text: str) -> TextDetection:
        request_text = build_add_text_request("", frame_index, text)["text"]
        index = self._chunk_of(frame_index)
        # A text prompt resets every earlier prompt, in SAM 3 and therefore here.
        self._points.clear()
        self._boxes.clear()
        self._text = None
        self._text_masks = {}
        chunk = self._activate(index, replay=False)
        chunk.id_map.clear()
        chunk.obj_ids.clear()
        response = self._predictor.handle_request(
            build_add_text_request(chunk.session_id, frame_index - chunk.start, request_text)
        )
        found = parse_frame_outputs(response.get("outputs"), frame_index, self._size)
        if not found.masks:
            raise PromptNotUnderstood(
                f"SAM 3 found nothing matching {request_text!r} on frame {frame_index}",
                suggestions=["try a short noun phrase such as 'person' or 'red car'"],
            )
        self._text = (frame_index, request_text)
        self._text_masks = dict(found.masks)
        chunk.obj_ids.update(found.masks)
        self._next_id = max(self._next_id, max(found.masks) + 1)
        n = len(found.masks)
        return TextDetection(
            frame_masks=found,
            labels={obj_id: request_text for obj_id in found.masks},
            description=f"Found {n} {request_text!r} instance{'s' if n != 1 else ''} "
            f"on frame {frame_index}.",
        )

    def remove_object(self, obj_id: int) -> None:
        for key in [k for k in self._points if k[1] == obj_id]:
            del self._points[key]
        for key in [k for k in self._boxes if k[1] == obj_id]:
            del self._boxes[key]
        self._text_masks.pop(obj_id, None)
        chunk = self._open
        if chunk is None:
            return
        reverse = {ours: pid for pid, ours in chunk.id_map.items()}
        pid = reverse.get(obj_id, obj_id)
        if pid in chunk.obj_ids:  # the predictor asserts the id exists
            self._predictor.handle_request(build_remove_object_request(chunk.session_id, pid))
            chunk.obj_ids.discard(pid)

    def _prompt_frames(self) -> list[int]:
        frames = [f for f, _ in self._points] + [f for f, _ in self._boxes]
        if self._text is not None:
            frames.append(self._text[0])
        return frames

    def _prompted_in(self, chunk_indices: range) -> bool:
        frames = self._prompt_frames()
        return any(
            self._chunks[i][0] <= f < self._chunks[i][1] for i in chunk_indices for f in frames
        )

    def _stream(
        self, chunk: _OpenChunk, direction: Direction, local_start: int, max_frames: int | None
    ) -> Iterator[FrameMasks]:
        request = build_propagate_request(chunk.session_id, direction, local_start, max_frames)
        for item in self._predictor.handle_stream_request(request):
            frame = chunk.start + int(item["frame_index"])
            yield self._to_ours(chunk, parse_frame_outputs(item.get("outputs"), frame, self._size))

    def _seed(self, chunk: _OpenChunk, frame: int, carried: FrameMasks | None) -> None:
        """Re-prompt objects tracked in the previous chunk on the shared frame."""
        if carried is None:
            return
        for obj_id, mask in carried.masks.items():
            if (frame, obj_id) in self._points or (frame, obj_id) in self._boxes:
                continue  # the person's own prompt on that frame wins
            seed = mask_to_seed(mask)
            if seed is not None:
                self._send_points(chunk, frame, obj_id, seed[0], seed[1])

    def propagate(
        self,
        direction: Direction = "both",
        start_frame_index: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[FrameMasks]:
        if direction not in ("both", "forward", "backward"):
            raise InvalidInput(f"unknown direction {direction!r}")
        prompt_frames = self._prompt_frames()
        if not prompt_frames and not (self._open and self._open.obj_ids):
            raise InvalidInput("add a prompt before tracking")
        start = min(prompt_frames) if start_frame_index is None else int(start_frame_index)
        first = self._chunk_of(start)
        once = OnceEach(len(self._video), progress)
        if direction in ("both", "forward"):
            yield from self._forward(first, start, once)
        if direction in ("both", "backward"):
            yield from self._backward(first, start, once)

    def _forward(self, first: int, start: int, once: OnceEach) -> Iterator[FrameMasks]:
        """From `start` to the end, chunk by chunk; the last frame of a chunk seeds the next."""
        carried: FrameMasks | None = None
        for index in range(first, len(self._chunks)):
            chunk = self._activate(index)
            if index == first:
                local_start = start - chunk.start
            else:
                self._seed(chunk, chunk.start, carried)
                local_start = 0
            carried = None
            for masks in self._stream(chunk, "forward", local_start, None):
                if masks.frame_index == chunk.stop - 1:
                    carried = masks
                if once.first_time(masks):
                    yield masks
            if (carried is None or not carried.masks) and not self._prompted_in(
                range(index + 1, len(self._chunks))
            ):
                break  # nothing left to hand over and no prompts further on

    def _backward(self, first: int, start: int, once: OnceEach) -> Iterator[FrameMasks]:
        """From `start` back to frame 0; the first frame of a chunk seeds the one before."""
        carried: FrameMasks | None = None
        for index in range(first, -1, -1):
            chunk = self._activate(index)
            if index == first:
                local_start = start - chunk.start
                if start not in once.seen:
                    # SAM 3's backward pass starts one frame before its start frame.
                    for masks in self._stream(chunk, "forward", local_start, 0):
                        if once.first_time(masks):
                            yield masks
            else:
                self._seed(chunk, chunk.stop - 1, carried)
                local_start = chunk.stop - 1 - chunk.start
            carried = None
            for masks in self._stream(chunk, "backward", local_start, None):
                if masks.frame_index == chunk.start:
                    carried = masks
                if once.first_time(masks):
                    yield masks
            if (carried is None or not carried.masks) and not self._prompted_in(range(index)):
                break

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._close_open()
        finally:
            self._closed = True
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
                self._tmp = None

"""SAM 3 adapter: our session interface mapped onto sam3's request-based video predictor."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vtrack.errors import EngineUnavailable, InvalidInput, PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import (
    BoxPrompt,
    Direction,
    FrameMasks,
    PointPrompt,
    ProgressCallback,
    SegmentationSession,
    TextDetection,
    VideoSegmenter,
)

# SAM 3 decodes every frame of a session onto the GPU at 1008x1008 fp16 (~6 MB a frame), so a
# session covers at most this many frames; longer videos are tracked chunk by chunk.
DEFAULT_CHUNK_FRAMES = 300
# Label ids of SAM's prompt encoder: 1 click on the object, 0 background, 2/3 box corners.
POSITIVE, NEGATIVE, BOX_TOP_LEFT, BOX_BOTTOM_RIGHT = 1, 0, 2, 3
_VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm"}


def _rel(value: float) -> float:
    """Clamp a relative coordinate to [0, 1]; SAM 3 asserts that range for boxes."""
    return float(min(1.0, max(0.0, value)))


# --- Requests (pure: the dicts `predictor.handle_request` / `handle_stream_request` take) ---


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


# --- Outputs ---


def _resize_mask(mask: np.ndarray, frame_size: tuple[int, int] | None) -> np.ndarray:
    """Bring a mask to (height, width); the engine may have read the source at another size."""
    mask = np.asarray(mask).astype(bool, copy=False)
    if mask.ndim == 3:  # (1, H, W) as some predictors return per object
        mask = mask[0]
    if frame_size is None or mask.shape == tuple(frame_size):
        return mask
    h, w = frame_size
    resized = cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    return resized.astype(bool)


def parse_frame_outputs(
    outputs: dict[str, Any] | None,
    frame_index: int,
    frame_size: tuple[int, int] | None = None,
) -> FrameMasks:
    """SAM 3's per-frame dict (`out_obj_ids`, `out_probs`, `out_binary_masks`) to FrameMasks.

    `outputs` is None on non-zero ranks of a multi-GPU predictor; that frame then has no masks.
    """
    result = FrameMasks(frame_index=int(frame_index))
    if outputs is None:
        return result
    obj_ids = np.asarray(outputs.get("out_obj_ids", []), dtype=np.int64).reshape(-1)
    probs = np.asarray(outputs.get("out_probs", np.ones(len(obj_ids))), dtype=np.float64)
    masks = outputs.get("out_binary_masks")
    if masks is None or len(obj_ids) == 0:
        return result
    masks = np.asarray(masks)
    if masks.shape[0] != len(obj_ids):
        raise ValueError(f"{len(obj_ids)} object ids but {masks.shape[0]} masks")
    for i, obj_id in enumerate(obj_ids.tolist()):
        result.masks[obj_id] = _resize_mask(masks[i], frame_size)
        result.scores[obj_id] = float(np.clip(probs[i], 0.0, 1.0)) if i < len(probs) else 1.0
    return result


# --- Chunking and carrying objects across chunks (pure) ---


def plan_chunks(num_frames: int, chunk_frames: int) -> list[tuple[int, int]]:
    """[start, stop) ranges covering the video; neighbours share one frame to hand objects over."""
    if num_frames <= 0:
        return []
    chunk_frames = max(2, int(chunk_frames))
    if num_frames <= chunk_frames:
        return [(0, num_frames)]
    chunks = []
    start = 0
    while True:
        stop = min(start + chunk_frames, num_frames)
        chunks.append((start, stop))
        if stop >= num_frames:
            return chunks
        start = stop - 1


def mask_to_seed(mask: np.ndarray) -> tuple[list[PointPrompt], BoxPrompt] | None:
    """A box around the mask and a click at its most interior pixel, in relative coordinates.

    This re-prompts an object on the first frame of the next chunk (the request API has no
    "add mask" call), giving the tracker both its extent and a point surely inside it.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    dist = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1]
    cy, cx = np.unravel_index(int(np.argmax(dist)), dist.shape)
    point = PointPrompt(x=(cx + 0.5) / w, y=(cy + 0.5) / h, positive=True)
    box = BoxPrompt(x0=xs.min() / w, y0=ys.min() / h, x1=(xs.max() + 1) / w, y1=(ys.max() + 1) / h)
    return [point], box


def match_ids_by_iou(
    previous: dict[int, np.ndarray], current: dict[int, np.ndarray], min_iou: float = 0.5
) -> dict[int, int]:
    """Map current ids to previous ids (greedy by IoU), so re-detections keep their old ids."""
    pairs = []
    for cid, cmask in current.items():
        for pid, pmask in previous.items():
            union = np.logical_or(cmask, pmask).sum()
            if union:
                iou = np.logical_and(cmask, pmask).sum() / union
                if iou >= min_iou:
                    pairs.append((float(iou), cid, pid))
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for _, cid, pid in sorted(pairs, reverse=True):
        if cid not in mapping and pid not in used:
            mapping[cid] = pid
            used.add(pid)
    return mapping


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


def write_jpeg_folder(frames: Sequence[np.ndarray], folder: Path, quality: int = 95) -> Path:
    """Frames as `<index>.jpg` (0-based, the naming SAM 2 and SAM 3 sort by)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        bgr = cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2BGR)
        if not cv2.imwrite(str(folder / f"{i:05d}.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, quality]):
            raise OSError(f"cannot write frame {i} to {folder}")
    return folder


# --- Session ---


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
        total = len(self._video)
        seen: set[int] = set()

        def emit(masks: FrameMasks) -> bool:
            # Every frame exactly once (chunks share a frame; SAM may revisit the start frame).
            if masks.frame_index in seen:
                return False
            seen.add(masks.frame_index)
            if progress is not None:
                progress(len(seen) / total)
            return True

        if direction in ("both", "forward"):
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
                    if emit(masks):
                        yield masks
                if (carried is None or not carried.masks) and not self._prompted_in(
                    range(index + 1, len(self._chunks))
                ):
                    break  # nothing left to hand over and no prompts further on
        if direction in ("both", "backward"):
            carried = None
            for index in range(first, -1, -1):
                chunk = self._activate(index)
                if index == first:
                    local_start = start - chunk.start
                    if start not in seen:
                        # SAM 3's backward pass starts one frame before its start frame.
                        for masks in self._stream(chunk, "forward", local_start, 0):
                            if emit(masks):
                                yield masks
                else:
                    self._seed(chunk, chunk.stop - 1, carried)
                    local_start = chunk.stop - 1 - chunk.start
                carried = None
                for masks in self._stream(chunk, "backward", local_start, None):
                    if masks.frame_index == chunk.start:
                        carried = masks
                    if emit(masks):
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


# --- Engine ---


class Sam3Segmenter(VideoSegmenter):
    """Meta's SAM 3 (text, points, boxes; CUDA only) behind our session interface."""

    name = "sam3"
    supports_text = True
    supports_negative_points = True

    def __init__(
        self,
        checkpoint_path: str | Path | None = None,
        bpe_path: str | Path | None = None,
        chunk_frames: int = DEFAULT_CHUNK_FRAMES,
        predictor: Any | None = None,
        predictor_factory: Callable[..., Any] | None = None,
    ) -> None:
        self.chunk_frames = chunk_frames
        if predictor is None:
            predictor = self._build(checkpoint_path, bpe_path, predictor_factory)
        self.predictor = predictor

    @staticmethod
    def _build(
        checkpoint_path: str | Path | None,
        bpe_path: str | Path | None,
        factory: Callable[..., Any] | None,
    ) -> Any:
        if checkpoint_path is None or not Path(checkpoint_path).is_file():
            # Without a local file sam3 would download from the Hugging Face hub: never do that here.
            raise EngineUnavailable(f"SAM 3 checkpoint not found: {checkpoint_path}")
        if bpe_path is not None and not Path(bpe_path).is_file():
            raise EngineUnavailable(f"SAM 3 tokenizer (BPE vocabulary) not found: {bpe_path}")
        try:
            if factory is None:
                from sam3.model_builder import build_sam3_video_predictor

                factory = build_sam3_video_predictor
            kwargs: dict[str, Any] = {"checkpoint_path": str(checkpoint_path)}
            if bpe_path is not None:
                kwargs["bpe_path"] = str(bpe_path)
            return factory(**kwargs)
        except EngineUnavailable:
            raise
        except Exception as exc:  # CUDA OOM, corrupt checkpoint, missing triton...
            raise EngineUnavailable(f"SAM 3 failed to load: {type(exc).__name__}: {exc}") from exc

    def start_session(self, video: FrameSequence) -> Sam3Session:
        return Sam3Session(self.predictor, video, chunk_frames=self.chunk_frames)

"""SAM 2 session: our session interface over sam2's inference state, chunk by chunk on long videos.

SAM 2 holds every frame of a state at its input size in float32 (12 MB a frame at 1024), so a
state covers a bounded window of frames; neighbouring windows share one frame, through which an
object's mask is handed on with sam2's own `add_new_mask`. Prompts are kept here and replayed
when a window is reopened, so any window can be rebuilt from them.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from vtrack.vision.chunks import OnceEach, plan_chunks
from vtrack.vision.jpeg_frames import write_jpeg_folder
from vtrack.vision.sam2_prompts import logits_to_frame_masks, to_pixel_box, to_pixel_points

# Past this many frames the decoded video stays in CPU memory rather than on the GPU.
OFFLOAD_VIDEO_FRAMES = 200
# Frames of one state, as bytes at the model's input size: 1.5 GiB is 128 frames at 1024.
WINDOW_BYTES = 1536 * 2**20


def window_frames(image_size: int) -> int:
    """Frames in one SAM 2 state at `image_size` (3 float32 channels a pixel), at least 8."""
    return max(8, WINDOW_BYTES // (3 * 4 * image_size * image_size))


@dataclass
class _Window:
    index: int
    start: int
    stop: int
    state: Any
    objects: set[int] = field(default_factory=set)


class Sam2Session(SegmentationSession):
    """One video on a SAM 2 predictor, one window of frames in a state at a time."""

    def __init__(
        self,
        predictor: Any,
        video: FrameSequence,
        device: str = "cpu",
        bf16: bool = False,
        window: int | None = None,
    ) -> None:
        if len(video) == 0:
            raise InvalidInput("the video has no frames")
        self._predictor = predictor
        self._video = video
        self._device = device
        self._bf16 = bf16 or device == "cuda"
        self._w, self._h = video.width, video.height
        size = int(getattr(predictor, "image_size", 1024))
        self._windows = plan_chunks(len(video), window or window_frames(size))
        self._points: dict[tuple[int, int], list[PointPrompt]] = {}
        self._boxes: dict[tuple[int, int], BoxPrompt] = {}
        self._open: _Window | None = None
        self._closed = False
        # SAM 2 reads MP4s only through decord (an optional extra); a JPEG folder of our own
        # frames always works and keeps masks at our resolution.
        self._tmp = Path(tempfile.mkdtemp(prefix="vtrack-sam2-"))
        try:
            self._activate(0)  # a bad video or predictor fails here, at start
        except Exception:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if not self._bf16:
            return contextlib.nullcontext()
        import torch  # only reached with a real predictor, so torch is installed

        # SAM 2's own examples run the video predictor under bf16 autocast on CUDA; on a CPU
        # with native bfloat16 (AMX, AVX-512 BF16) it costs a third (bench/RESULTS_heavy.md).
        return torch.autocast("cuda" if self._device == "cuda" else "cpu", dtype=torch.bfloat16)

    # -- windows --

    def _window_of(self, frame_index: int) -> int:
        for i, (start, stop) in enumerate(self._windows):
            if start <= frame_index < stop:
                return i
        raise InvalidInput(f"frame {frame_index} is outside the video (0..{len(self._video) - 1})")

    def _folder(self, index: int) -> Path:
        folder = self._tmp / f"window{index:04d}"
        if not folder.exists():
            start, stop = self._windows[index]
            part = folder.with_suffix(".part")
            write_jpeg_folder([self._video[i] for i in range(start, stop)], part)
            part.rename(folder)
        return folder

    def _release(self) -> None:
        if self._open is not None:
            state, self._open = self._open.state, None
            with contextlib.suppress(Exception):
                self._predictor.reset_state(state)

    def _activate(self, index: int, carried: FrameMasks | None = None) -> _Window:
        """The state of window `index`: reused when open, else rebuilt from the prompts in it
        plus `carried`, the masks of its frame shared with the window tracked before it."""
        if self._closed:
            raise InvalidInput("the session is closed")
        if self._open is not None and self._open.index == index:
            return self._open
        self._release()
        start, stop = self._windows[index]
        with self._autocast():
            state = self._predictor.init_state(
                video_path=str(self._folder(index)),
                offload_video_to_cpu=self._device != "cuda" or stop - start > OFFLOAD_VIDEO_FRAMES,
            )
        self._open = _Window(index, start, stop, state)
        for frame, obj_id in sorted(set(self._points) | set(self._boxes)):
            if start <= frame < stop:
                self._send(self._open, frame, obj_id)
        if carried is not None:
            self._seed(self._open, carried)
        return self._open

    def _seed(self, window: _Window, carried: FrameMasks) -> None:
        frame = carried.frame_index
        for obj_id, mask in carried.masks.items():
            if (frame, obj_id) in self._points or (frame, obj_id) in self._boxes:
                continue  # the person's own prompt on that frame wins
            if not np.any(mask):
                continue  # lost on the shared frame: nothing to hand on
            with self._autocast():
                self._predictor.add_new_mask(
                    window.state, frame_idx=frame - window.start, obj_id=obj_id, mask=mask
                )
            window.objects.add(obj_id)

    def _send(self, window: _Window, frame_index: int, obj_id: int) -> FrameMasks:
        points = self._points.get((frame_index, obj_id), [])
        box = self._boxes.get((frame_index, obj_id))
        kwargs: dict[str, Any] = {}
        if points:
            kwargs["points"], kwargs["labels"] = to_pixel_points(points, self._w, self._h)
        if box is not None:
            kwargs["box"] = to_pixel_box(box, self._w, self._h)
        with self._autocast():
            # Every click so far, clear_old_points=True: a box must come before points in SAM 2.
            frame_idx, obj_ids, logits = self._predictor.add_new_points_or_box(
                window.state,
                frame_idx=frame_index - window.start,
                obj_id=obj_id,
                clear_old_points=True,
                normalize_coords=True,
                **kwargs,
            )
        window.objects.add(obj_id)
        return logits_to_frame_masks(window.start + frame_idx, obj_ids, logits)

    # -- prompts --

    def add_points(self, frame_index: int, obj_id: int, points: list[PointPrompt]) -> FrameMasks:
        if not points:
            raise InvalidInput("a point prompt needs at least one point")
        window = self._activate(self._window_of(frame_index))
        self._points.setdefault((frame_index, obj_id), []).extend(points)
        return self._send(window, frame_index, obj_id)

    def add_box(self, frame_index: int, obj_id: int, box: BoxPrompt) -> FrameMasks:
        window = self._activate(self._window_of(frame_index))
        self._boxes[(frame_index, obj_id)] = box
        return self._send(window, frame_index, obj_id)

    def add_text(self, frame_index: int, text: str) -> TextDetection:
        raise PromptNotUnderstood(
            "SAM 2 cannot find objects from text; click the object or draw a box around it "
            "(or enable SAM 3 for text prompts)",
            suggestions=["click on the object", "draw a box around the object"],
        )

    def remove_object(self, obj_id: int) -> None:
        for store in (self._points, self._boxes):
            for key in [k for k in store if k[1] == obj_id]:
                del store[key]
        window = self._open
        if window is not None and obj_id in window.objects:
            window.objects.discard(obj_id)
            with self._autocast():
                self._predictor.remove_object(window.state, obj_id)

    # -- tracking --

    def _prompt_frames(self) -> list[int]:
        return [f for f, _ in self._points] + [f for f, _ in self._boxes]

    def _prompted_in(self, indices: range) -> bool:
        frames = self._prompt_frames()
        return any(self._windows[i][0] <= f < self._windows[i][1] for i in indices for f in frames)

    def _stream(
        self, window: _Window, local_start: int, reverse: bool, max_frames: int | None = None
    ) -> Iterator[FrameMasks]:
        if not window.objects:
            return  # sam2 refuses to track a state without prompts; nothing is known here
        with self._autocast():
            for frame_idx, obj_ids, logits in self._predictor.propagate_in_video(
                window.state,
                start_frame_idx=local_start,
                max_frame_num_to_track=max_frames,
                reverse=reverse,
            ):
                yield logits_to_frame_masks(window.start + frame_idx, obj_ids, logits)

    def propagate(
        self,
        direction: Direction = "both",
        start_frame_index: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[FrameMasks]:
        if direction not in ("both", "forward", "backward"):
            raise InvalidInput(f"unknown direction {direction!r}")
        frames = self._prompt_frames()
        if not frames and not (self._open and self._open.objects):
            raise InvalidInput("add a prompt before tracking")
        start = min(frames) if start_frame_index is None else int(start_frame_index)
        first = self._window_of(start)
        once = OnceEach(len(self._video), progress)
        if direction in ("both", "forward"):
            yield from self._forward(first, start, once)
        if direction in ("both", "backward"):
            yield from self._backward(first, start, once)

    def _forward(self, first: int, start: int, once: OnceEach) -> Iterator[FrameMasks]:
        """From `start` to the end; a window's last frame seeds the next window."""
        carried: FrameMasks | None = None
        for index in range(first, len(self._windows)):
            window = self._activate(index, carried)
            local = start - window.start if index == first else 0
            carried = None
            for masks in self._stream(window, local, reverse=False):
                if masks.frame_index == window.stop - 1:
                    carried = masks
                if once.first_time(masks):
                    yield masks
            if not _any_mask(carried) and not self._prompted_in(
                range(index + 1, len(self._windows))
            ):
                break  # nothing to hand on and no prompts further on

    def _backward(self, first: int, start: int, once: OnceEach) -> Iterator[FrameMasks]:
        """From `start` back to frame 0; a window's first frame seeds the window before."""
        carried: FrameMasks | None = None
        for index in range(first, -1, -1):
            window = self._activate(index, carried)
            local = start - window.start if index == first else window.stop - 1 - window.start
            carried = None
            passes = [(True, None)]
            if index == first:
                # sam2 skips a reverse pass that starts on its frame 0 (and yields the start
                # frame in both directions): a zero-length forward pass then yields it.
                passes.append((False, 0))
            for reverse, max_frames in passes:
                if not reverse and window.start + local in once.seen:
                    continue
                for masks in self._stream(window, local, reverse, max_frames):
                    if masks.frame_index == window.start:
                        carried = masks
                    if once.first_time(masks):
                        yield masks
            if not _any_mask(carried) and not self._prompted_in(range(index)):
                break

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._release()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _any_mask(masks: FrameMasks | None) -> bool:
    return masks is not None and any(np.any(m) for m in masks.masks.values())

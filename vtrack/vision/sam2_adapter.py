"""SAM 2 adapter: our session interface over sam2's SAM2VideoPredictor (points and boxes, no text)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

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
from vtrack.vision.jpeg_frames import write_jpeg_folder

# Past this many frames the decoded video stays in CPU memory rather than on the GPU.
OFFLOAD_VIDEO_FRAMES = 200


# --- pure conversions ---


def to_pixel_points(
    points: Sequence[PointPrompt], width: int, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """Our relative clicks to SAM 2's pixel coordinates (float32 N x 2) and labels (int32, 1/0)."""
    coords = np.array(
        [[min(max(p.x, 0.0), 1.0) * width, min(max(p.y, 0.0), 1.0) * height] for p in points],
        dtype=np.float32,
    ).reshape(-1, 2)
    labels = np.array([1 if p.positive else 0 for p in points], dtype=np.int32)
    return coords, labels


def to_pixel_box(box: BoxPrompt, width: int, height: int) -> np.ndarray:
    """Our relative box to SAM 2's pixel [x0, y0, x1, y1] (float32), corners ordered."""
    x0, x1 = sorted((min(max(box.x0, 0.0), 1.0), min(max(box.x1, 0.0), 1.0)))
    y0, y1 = sorted((min(max(box.y0, 0.0), 1.0), min(max(box.y1, 0.0), 1.0)))
    return np.array([x0 * width, y0 * height, x1 * width, y1 * height], dtype=np.float32)


def _to_numpy(array: Any) -> np.ndarray:
    if hasattr(array, "detach"):  # a torch tensor, possibly on the GPU and in bf16
        return array.detach().float().cpu().numpy()
    return np.asarray(array, dtype=np.float32)


def logits_to_frame_masks(frame_index: int, obj_ids: Sequence[int], mask_logits: Any) -> FrameMasks:
    """SAM 2's (N, 1, H, W) mask logits to bool masks (logit > 0) with a confidence per object."""
    logits = _to_numpy(mask_logits)
    if logits.ndim == 4:
        logits = logits[:, 0]
    ids = [int(i) for i in obj_ids]
    if logits.shape[0] != len(ids):
        raise ValueError(f"{len(ids)} object ids but {logits.shape[0]} masks")
    result = FrameMasks(frame_index=int(frame_index))
    for i, obj_id in enumerate(ids):
        result.masks[obj_id] = logits[i] > 0.0
        # SAM 2 yields no per-frame score: the sigmoid of the strongest logit stands in for one.
        peak = float(logits[i].max()) if logits[i].size else -20.0
        result.scores[obj_id] = float(1.0 / (1.0 + np.exp(-np.clip(peak, -20.0, 20.0))))
    return result


# --- session ---


class Sam2Session(SegmentationSession):
    """One video in a SAM 2 inference state."""

    def __init__(self, predictor: Any, video: FrameSequence, device: str = "cpu") -> None:
        if len(video) == 0:
            raise InvalidInput("the video has no frames")
        self._predictor = predictor
        self._video = video
        self._device = device
        self._w, self._h = video.width, video.height
        # SAM 2 reads MP4s only through decord (an optional extra); a JPEG folder of our own
        # frames always works and keeps masks at our resolution.
        self._tmp = Path(tempfile.mkdtemp(prefix="vtrack-sam2-"))
        self._closed = False
        try:
            folder = write_jpeg_folder(list(video), self._tmp / "frames")
            with self._autocast():
                self._state = predictor.init_state(
                    video_path=str(folder),
                    offload_video_to_cpu=device != "cuda" or len(video) > OFFLOAD_VIDEO_FRAMES,
                )
        except Exception:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        self._points: dict[tuple[int, int], list[PointPrompt]] = {}
        self._boxes: dict[tuple[int, int], BoxPrompt] = {}
        self._objects: set[int] = set()

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self._device != "cuda":
            return contextlib.nullcontext()
        import torch  # only reached when a CUDA predictor exists, so torch is installed

        # SAM 2's own examples run the video predictor under bf16 autocast on CUDA.
        return torch.autocast("cuda", dtype=torch.bfloat16)

    def _check_frame(self, frame_index: int) -> None:
        if not 0 <= frame_index < len(self._video):
            raise InvalidInput(
                f"frame {frame_index} is outside the video (0..{len(self._video) - 1})"
            )

    def _send(self, frame_index: int, obj_id: int) -> FrameMasks:
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
                self._state,
                frame_idx=frame_index,
                obj_id=obj_id,
                clear_old_points=True,
                normalize_coords=True,
                **kwargs,
            )
        self._objects.add(obj_id)
        return logits_to_frame_masks(frame_idx, obj_ids, logits)

    def add_points(self, frame_index: int, obj_id: int, points: list[PointPrompt]) -> FrameMasks:
        if not points:
            raise InvalidInput("a point prompt needs at least one point")
        self._check_frame(frame_index)
        self._points.setdefault((frame_index, obj_id), []).extend(points)
        return self._send(frame_index, obj_id)

    def add_box(self, frame_index: int, obj_id: int, box: BoxPrompt) -> FrameMasks:
        self._check_frame(frame_index)
        self._boxes[(frame_index, obj_id)] = box
        return self._send(frame_index, obj_id)

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
        if obj_id in self._objects:
            self._objects.discard(obj_id)
            with self._autocast():
                self._predictor.remove_object(self._state, obj_id)

    def _stream(self, start: int, reverse: bool, max_frames: int | None) -> Iterator[FrameMasks]:
        with self._autocast():
            for frame_idx, obj_ids, logits in self._predictor.propagate_in_video(
                self._state,
                start_frame_idx=start,
                max_frame_num_to_track=max_frames,
                reverse=reverse,
            ):
                yield logits_to_frame_masks(frame_idx, obj_ids, logits)

    def propagate(
        self,
        direction: Direction = "both",
        start_frame_index: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[FrameMasks]:
        if direction not in ("both", "forward", "backward"):
            raise InvalidInput(f"unknown direction {direction!r}")
        if not self._objects:
            raise InvalidInput("add a prompt before tracking")
        frames = [f for f, _ in self._points] + [f for f, _ in self._boxes]
        start = min(frames) if start_frame_index is None else int(start_frame_index)
        self._check_frame(start)
        total = len(self._video)
        seen: set[int] = set()
        passes: list[tuple[bool, int | None]] = []
        if direction in ("both", "forward"):
            passes.append((False, None))
        if direction in ("both", "backward"):
            passes.append((True, None))
            # SAM 2 skips the reverse pass entirely when it starts on frame 0: a zero-length
            # forward pass then yields the start frame.
            passes.append((False, 0))
        for reverse, max_frames in passes:
            if max_frames == 0 and start in seen:
                continue
            for masks in self._stream(start, reverse, max_frames):
                # SAM 2 yields the start frame in both directions; report it once.
                if masks.frame_index in seen:
                    continue
                seen.add(masks.frame_index)
                if progress is not None:
                    progress(len(seen) / total)
                yield masks

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self._predictor.reset_state(self._state)
        self._state = None
        shutil.rmtree(self._tmp, ignore_errors=True)


# --- engine ---

# Hydra's config store is process-global: one build at a time (the health check and a job's load
# may both build a predictor).
_BUILD_LOCK = threading.Lock()


# sam2 1.1.0 treats a click on an already-tracked frame as a non-conditioning frame, which the
# next propagation recomputes from memory: the correction vanishes (sam2 issues #719, #731).
# Every prompted frame as a conditioning frame keeps corrections, as the online demo does.
KEEP_CORRECTIONS = "++model.add_all_frames_to_correct_as_cond=true"


def model_overrides(image_size: int | None) -> list[str]:
    """Hydra overrides for our use: keep corrections; SAM 2's input size (None: 1024)."""
    if image_size is None:
        return [KEEP_CORRECTIONS]
    if image_size < 64 or image_size % 32:
        # The Hiera trunk halves the feature map four times after a stride-4 patch embedding.
        raise EngineUnavailable(
            f"SAM 2 input size {image_size} is not a multiple of 32 of at least 64 "
            "(VTRACK_SAM2_IMAGE_SIZE; e.g. 512)"
        )
    return [KEEP_CORRECTIONS, f"++model.image_size={int(image_size)}"]


def build_predictor(
    checkpoint_path: str | Path,
    config_file: str,
    device: str,
    image_size: int | None = None,
    factory: Callable[..., Any] | None = None,
) -> Any:
    """sam2's own builder and checkpoint loader; any failure becomes EngineUnavailable."""
    overrides = model_overrides(image_size)
    if not Path(checkpoint_path).is_file():
        raise EngineUnavailable(f"SAM 2 checkpoint not found: {checkpoint_path}")
    try:
        if factory is None:
            from sam2.build_sam import build_sam2_video_predictor

            factory = build_sam2_video_predictor
        with _BUILD_LOCK:
            predictor = factory(
                config_file, str(checkpoint_path), device=device, hydra_overrides_extra=overrides
            )
    except KeyError as exc:  # sam2 reads checkpoint["model"]
        raise EngineUnavailable(
            f"{checkpoint_path} is not a SAM 2 checkpoint (no {exc} entry)"
        ) from exc
    except Exception as exc:  # bad config name, corrupt checkpoint, CUDA OOM...
        raise EngineUnavailable(f"SAM 2 failed to load: {type(exc).__name__}: {exc}") from exc
    if device != "cuda":
        upcast_memories(predictor)
    return predictor


def _match_memory_dtype(module: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    memory, current = kwargs.get("memory"), kwargs.get("curr")
    reference = current[0] if isinstance(current, (list, tuple)) else current
    if memory is not None and reference is not None and memory.dtype != reference.dtype:
        kwargs = {**kwargs, "memory": memory.to(reference.dtype)}
    return args, kwargs


def upcast_memories(predictor: Any) -> None:
    """Let sam2's memory attention run without CUDA autocast (on a CPU).

    sam2 stores memory features in bfloat16 and counts on CUDA's autocast to feed them to its
    float32 layers. Without it, a frame whose memory holds no float32 object pointer (an object
    first prompted on a later frame, a backward pass from the last frame) fails with "mat1 and
    mat2 must have the same dtype". Casting the memory to the frame features' dtype first is
    what autocast would do; with a pointer present, torch.cat already promotes it so.
    """
    attention = getattr(predictor, "memory_attention", None)
    if attention is not None and hasattr(attention, "register_forward_pre_hook"):
        attention.register_forward_pre_hook(_match_memory_dtype, with_kwargs=True)


def verify_checkpoint(
    checkpoint_path: str | Path, config_file: str, image_size: int | None = None
) -> None:
    """Build the predictor on the CPU with the checkpoint and drop it: raises if it does not load."""
    build_predictor(checkpoint_path, config_file, "cpu", image_size)


class Sam2Segmenter(VideoSegmenter):
    """Meta's SAM 2 video predictor (points and boxes; CUDA or, slowly, CPU)."""

    name = "sam2"
    supports_text = False
    supports_negative_points = True

    def __init__(
        self,
        checkpoint_path: str | Path | None = None,
        config_file: str = "configs/sam2.1/sam2.1_hiera_t.yaml",
        device: str | None = None,
        predictor: Any | None = None,
        predictor_factory: Callable[..., Any] | None = None,
        image_size: int | None = None,
    ) -> None:
        self.device = device or _default_device()
        if predictor is None:
            if checkpoint_path is None:
                raise EngineUnavailable("SAM 2 checkpoint not found: None")
            predictor = build_predictor(
                checkpoint_path, config_file, self.device, image_size, predictor_factory
            )
        self.predictor = predictor

    def start_session(self, video: FrameSequence) -> Sam2Session:
        return Sam2Session(self.predictor, video, device=self.device)


def _default_device() -> str:
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"

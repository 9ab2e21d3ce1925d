"""SAM 3 adapter: the engine that builds sam3's video predictor and opens our sessions on it.

The request format lives in `sam3_requests`, output parsing and chunk hand-over in
`sam3_outputs`, the session in `sam3_session`; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtrack.errors import EngineUnavailable
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import VideoSegmenter
from vtrack.vision.jpeg_frames import write_jpeg_folder
from vtrack.vision.sam3_outputs import (
    mask_to_seed,
    match_ids_by_iou,
    parse_frame_outputs,
    plan_chunks,
)
from vtrack.vision.sam3_requests import (
    BOX_BOTTOM_RIGHT,
    BOX_TOP_LEFT,
    NEGATIVE,
    POSITIVE,
    build_add_exemplar_boxes_request,
    build_add_points_request,
    build_add_text_request,
    build_close_session_request,
    build_propagate_request,
    build_remove_object_request,
    build_start_session_request,
)
from vtrack.vision.sam3_session import DEFAULT_CHUNK_FRAMES, Sam3Session

__all__ = [
    "BOX_BOTTOM_RIGHT",
    "BOX_TOP_LEFT",
    "DEFAULT_CHUNK_FRAMES",
    "NEGATIVE",
    "POSITIVE",
    "Sam3Segmenter",
    "Sam3Session",
    "build_add_exemplar_boxes_request",
    "build_add_points_request",
    "build_add_text_request",
    "build_close_session_request",
    "build_propagate_request",
    "build_remove_object_request",
    "build_start_session_request",
    "check_checkpoint_file",
    "mask_to_seed",
    "match_ids_by_iou",
    "parse_frame_outputs",
    "plan_chunks",
    "verify_checkpoint",
    "write_jpeg_folder",
]


def check_checkpoint_file(checkpoint_path: str | Path) -> int:
    """Read a SAM 3 video checkpoint's tensors (memory-mapped); raises unless it is one.

    The video model loads `detector.*` and `tracker.*` weights (inside a "model" entry or not);
    the count of tensors is returned. Building the 848M-parameter model to check it would cost
    a second GPU copy beside the one a job loads.
    """
    import torch

    path = str(checkpoint_path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except RuntimeError:  # files in torch's legacy (non-zip) format cannot be memory-mapped
        state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and isinstance(state.get("model"), dict):
        state = state["model"]
    if not isinstance(state, dict) or not state:
        raise EngineUnavailable(f"{path} holds no model weights")
    missing = {"detector", "tracker"} - {str(k).split(".", 1)[0] for k in state}
    if missing:
        raise EngineUnavailable(
            f"{path} is not a SAM 3 video checkpoint (no {' or '.join(sorted(missing))} weights)"
        )
    return len(state)


def verify_checkpoint(checkpoint_path: str | Path) -> None:
    """Import sam3's builder (it pulls triton and CUDA) and read the checkpoint: raises if not."""
    import sam3.model_builder  # noqa: F401

    check_checkpoint_file(checkpoint_path)


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

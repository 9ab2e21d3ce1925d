"""SAM 2 adapter: builds sam2's SAM2VideoPredictor for our use and opens our sessions on it.

Prompt conversions live in `sam2_prompts`, the (windowed) session in `sam2_session`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtrack.errors import EngineUnavailable
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import VideoSegmenter
from vtrack.vision.sam2_prompts import logits_to_frame_masks, to_pixel_box, to_pixel_points
from vtrack.vision.sam2_session import OFFLOAD_VIDEO_FRAMES, Sam2Session, window_frames

__all__ = [
    "OFFLOAD_VIDEO_FRAMES",
    "Sam2Segmenter",
    "Sam2Session",
    "build_predictor",
    "logits_to_frame_masks",
    "model_overrides",
    "native_bf16_cpu",
    "to_pixel_box",
    "to_pixel_points",
    "upcast_memories",
    "verify_checkpoint",
    "window_frames",
]


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


def native_bf16_cpu() -> bool:
    """True when this CPU multiplies bfloat16 natively (AMX or AVX-512 BF16; Linux flags)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return re.search(r"\b(amx_bf16|avx512_bf16)\b", flags) is not None


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
        cpu_bf16: bool | None = None,
        window: int | None = None,
    ) -> None:
        """`cpu_bf16`: bfloat16 autocast on a CPU (None: when the CPU has it natively);
        `window`: frames per SAM 2 state (None: as many as 1.5 GiB holds at the input size)."""
        self.window = window
        self.device = device or _default_device()
        self.bf16 = self.device == "cuda" or (native_bf16_cpu() if cpu_bf16 is None else cpu_bf16)
        if predictor is None:
            if checkpoint_path is None:
                raise EngineUnavailable("SAM 2 checkpoint not found: None")
            predictor = build_predictor(
                checkpoint_path, config_file, self.device, image_size, predictor_factory
            )
        self.predictor = predictor

    def start_session(self, video: FrameSequence) -> Sam2Session:
        return Sam2Session(
            self.predictor, video, device=self.device, bf16=self.bf16, window=self.window
        )


def _default_device() -> str:
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"

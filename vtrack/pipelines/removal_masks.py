"""The removal's masks: exactly point-to-track's masks for the same click."""

from __future__ import annotations

import numpy as np

from vtrack.config import get_settings
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.point_to_track import PointRequest, track_object
from vtrack.pipelines.progress import Progress, Step
from vtrack.vision.base import PointPrompt


def masks_from_click(
    frames: FrameSequence, click: tuple[float, float], frame_index: int = 0
) -> tuple[list[np.ndarray], list[str]]:
    """Masks for one positive click (relative x, y), as the removal pipeline gets them."""
    engines = EngineCache(get_settings())
    progress = Progress([Step("seg", "segment"), Step("track", "track")])
    masks = MaskStore(len(frames), frames.height, frames.width)
    request = PointRequest([PointPrompt(*click)], frame_index)
    track_object(frames, request, engines, progress, masks, "seg", "track")
    return [masks.get(i) for i in range(len(frames))], list(progress.notices)

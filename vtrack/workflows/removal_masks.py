"""The removal's masks for one click, as the removal pipeline makes them (for the bench)."""

from __future__ import annotations

import numpy as np

from vtrack.config import get_settings
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress, Step
from vtrack.vision.base import PointPrompt
from vtrack.workflows.point_to_track import PointRequest
from vtrack.workflows.remove_object import removal_masks


def masks_from_click(
    frames: FrameSequence, click: tuple[float, float], frame_index: int = 0
) -> tuple[list[np.ndarray], list[str]]:
    """Masks for one positive click (relative x, y), as the removal pipeline gets them."""
    settings = get_settings()
    engines = EngineCache(settings)
    progress = Progress([Step("track", "track"), Step("mask", "mask")])
    request = PointRequest([PointPrompt(*click)], frame_index)
    masks, _ = removal_masks(frames, request, engines, progress, settings)
    return [masks.get(i) for i in range(len(frames))], list(progress.notices)

"""Draw masks onto frames and encode them, on a thread, as tracking delivers the masks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from vtrack.config import Settings
from vtrack.media.audio import AudioTrack
from vtrack.media.frames import FrameSequence
from vtrack.media.validate import WorkingFormat
from vtrack.pipelines.concurrency import Background, InOrder
from vtrack.pipelines.mask_export import MaskZipWriter
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.video_io import encode_frames

Draw = Callable[[np.ndarray, np.ndarray], np.ndarray]


def start_rendering(
    frames: FrameSequence,
    masks: MaskStore,
    order: InOrder,
    draw: Draw,
    video_out: Path,
    masks_out: Path,
    audio: AudioTrack | None,
    fmt: WorkingFormat,
    settings: Settings,
) -> Background:
    """Encode `draw(frame, mask)` for every frame (in order, as `order` releases them) into
    `video_out` with `audio`, and the masks into `masks_out`. `join()` the result."""

    def render() -> None:
        with MaskZipWriter(masks_out) as zip_writer:

            def drawn():
                for i in order:
                    mask = masks.get(i)
                    zip_writer.write(i, mask)
                    yield draw(frames[i].copy(), mask)

            encode_frames(drawn(), video_out, audio, fmt, settings, len(frames))

    return Background(render, name="vtrack-render")

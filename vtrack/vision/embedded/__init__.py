"""The embedded CPU video segmenter: clicks/boxes/text to masks, tracked with optical flow."""

from __future__ import annotations

from vtrack.media.frames import FrameSequence
from vtrack.vision.base import SegmentationSession, VideoSegmenter

__all__ = ["EmbeddedSegmenter"]


class EmbeddedSegmenter(VideoSegmenter):
    """Classical segmentation + DIS optical flow tracking; mediapipe for people when installed.

    `quality="fast"` meets the speed budget (flow at reduced resolution, colour refinement; for
    people, mediapipe pose's person mask every 8th frame as an extra cue); `quality="best"` uses a
    finer flow and the pose mask every 4th frame (~1.5x the tracking time on person clips).
    """

    name = "embedded"
    supports_text = True
    supports_negative_points = True

    def __init__(self, quality: str = "fast", use_mediapipe: bool = True) -> None:
        if quality not in ("fast", "best"):
            raise ValueError(f"quality must be 'fast' or 'best', not {quality!r}")
        self.quality = quality
        self.use_mediapipe = use_mediapipe

    def start_session(self, video: FrameSequence) -> SegmentationSession:
        from vtrack.vision.embedded.person_segmenter import shared_person_segmenter
        from vtrack.vision.embedded.session import EmbeddedSession

        person = shared_person_segmenter() if self.use_mediapipe else None
        return EmbeddedSession(video, person, self.quality)

"""Long videos in overlapping windows of frames, for engines that hold a whole window in memory."""

from __future__ import annotations

from vtrack.vision.base import FrameMasks, ProgressCallback


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


class OnceEach:
    """Lets each frame through once (chunks share a frame; SAM may revisit the start frame)."""

    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.seen: set[int] = set()
        self._total = total
        self._progress = progress

    def first_time(self, masks: FrameMasks) -> bool:
        if masks.frame_index in self.seen:
            return False
        self.seen.add(masks.frame_index)
        if self._progress is not None:
            self._progress(len(self.seen) / self._total)
        return True

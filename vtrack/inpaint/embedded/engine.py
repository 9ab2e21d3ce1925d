"""The embedded CPU inpainter: camera-aligned background propagation, then a stable spatial fill."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import cv2
import numpy as np

from vtrack.config import get_settings
from vtrack.inpaint.base import ProgressCallback, VideoInpainter
from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.blend import composite
from vtrack.inpaint.embedded.masks import prepare
from vtrack.inpaint.embedded.propagate import (
    ObjectMasks,
    Propagated,
    offset_schedule,
    propagate,
)
from vtrack.inpaint.embedded.spatial import reuse_previous, telea
from vtrack.media.frames import FrameSequence

# Share of the progress bar spent on camera alignment (the rest is filling).
_ALIGN_SHARE = 0.3


class EmbeddedInpainter(VideoInpainter):
    """Fills each hole with background that other frames saw; synthesises only the never-seen rest.

    margin_px: how far the object mask is grown (shadows, motion blur); default from settings.
    feather_px: width of the ring over which the fill fades into the original frame.
    window: the furthest frame (in frames, each direction) searched for background.
    workers: threads for alignment and propagation (cv2 releases the GIL in its kernels).
    prefetch: frames propagated ahead of the one being emitted (bounds memory).
    """

    name = "embedded"

    def __init__(
        self,
        margin_px: int | None = None,
        feather_px: int = 3,
        window: int = 150,
        workers: int = 2,
        prefetch: int = 4,
    ) -> None:
        self.margin = get_settings().removal_margin_px if margin_px is None else int(margin_px)
        self.feather = int(feather_px)
        self.window = int(window)
        self.workers = max(1, int(workers))
        self.prefetch = max(1, int(prefetch))

    def inpaint(
        self,
        frames: FrameSequence,
        masks: Sequence[np.ndarray],
        progress: ProgressCallback | None = None,
    ) -> Iterator[np.ndarray]:
        n = len(frames)
        if len(masks) != n:
            raise ValueError(f"{len(masks)} masks for {n} frames")
        if n == 0:
            return
        shape = frames[0].shape[:2]
        for m in (masks[0], masks[-1]):
            if np.asarray(m).shape != shape:
                raise ValueError(f"mask shape {np.asarray(m).shape} != frame shape {shape}")
        yield from self._run(frames, masks, progress)

    def _run(
        self,
        frames: FrameSequence,
        masks: Sequence[np.ndarray],
        progress: ProgressCallback | None,
    ) -> Iterator[np.ndarray]:
        n = len(frames)
        done = [0]

        def aligned(k: int) -> None:
            done[0] += k
            if progress is not None:
                progress(_ALIGN_SHARE * done[0] / max(1, n - 1))

        motion = CameraMotion.estimate(frames, masks, self.margin, self.workers, aligned)
        offsets = offset_schedule(self.window)
        objects = ObjectMasks(masks, self.margin)

        def job(i: int) -> Propagated | None:
            prepared = prepare(np.asarray(masks[i]), self.margin, self.feather)
            if prepared is None:
                return None
            return propagate(i, prepared, frames, objects, motion, offsets)

        previous: np.ndarray | None = None  # last output frame
        prev_touched: np.ndarray | None = None  # uint8 full-frame map of what it replaced
        pool = ThreadPoolExecutor(self.workers)
        pending: deque[Future[Propagated | None]] = deque()
        try:
            next_i = 0
            for i in range(n):
                while next_i < n and len(pending) < self.prefetch:
                    pending.append(pool.submit(job, next_i))
                    next_i += 1
                result = pending.popleft().result()
                frame = np.asarray(frames[i])
                if result is None:
                    out = frame.copy()
                    touched = None
                else:
                    out, touched = self._finish(frame, result, motion, previous, prev_touched)
                previous, prev_touched = out, touched
                if progress is not None:
                    progress(_ALIGN_SHARE + (1 - _ALIGN_SHARE) * (i + 1) / n)
                yield out
        finally:
            for f in pending:
                f.cancel()
            pool.shutdown(wait=True)

    def _finish(
        self,
        frame: np.ndarray,
        prop: Propagated,
        motion: CameraMotion,
        previous: np.ndarray | None,
        prev_touched: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Spatial fill of the never-seen pixels, then blend the box into the frame."""
        pm = prop.mask
        x0, y0, x1, y1 = pm.box
        fill, have = prop.fill, prop.filled.copy()
        unseen = pm.hole & ~have
        if unseen.any() and previous is not None and prev_touched is not None:
            # Temporal stability: carry the previous frame's fill along with the camera.
            to_prev = motion.between(prop.index, prop.index - 1)
            warped = reuse_previous(previous, to_prev, pm.box)
            shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], float)
            ok = cv2.warpPerspective(
                prev_touched,
                to_prev @ shift,
                (x1 - x0, y1 - y0),
                flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                borderValue=0,
            ).astype(bool)
            reuse = unseen & ok
            fill[reuse] = warped[reuse]
            have |= reuse
            unseen &= ~reuse
        if unseen.any():
            context = np.ascontiguousarray(frame[y0:y1, x0:x1]).copy()
            context[have] = fill[have]
            synth = telea(context, unseen)
            fill[unseen] = synth[unseen]
            have |= unseen
        # Ring pixels no frame could supply keep their original values (alpha 0).
        alpha = np.where(have, pm.alpha, 0.0).astype(np.float32)
        out = composite(frame, pm.box, fill, alpha)
        touched = np.zeros(frame.shape[:2], np.uint8)
        touched[y0:y1, x0:x1] = pm.hole
        return out, touched

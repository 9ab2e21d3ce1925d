"""The embedded CPU inpainter: background from the other frames, found along the camera motion.

1. Camera homographies between frames (align.py), and on each frame what moves on its own,
   which the camera motion does not explain (moving.py: a passer-by, a car).
2. Many nearby frames (t +- 1 .. 32, manyframes.py): each one's homography-aligned candidate,
   weighted per pixel by how well that frame matches this one on the ring around the hole.
   The nearest frame that saw a spot is often the wrong one (something moved through then,
   the homography is off there); the ring says which frames agree with this one. It runs a
   few frames ahead on worker threads: it is most of the work, and frames do not depend on
   each other there.
3. Pixels no chosen nearby frame saw: the nearest frame in each direction that did (search.py,
   looked up only for those pixels). The two candidates are blended by closeness in time where
   they agree; where they do not, the one taken from a spot clear of moving things wins, else
   votes from frames further off decide (combine.py, votes.py).
4. What no frame saw is synthesised once and then carried along the camera motion (spatial.py),
   so it moves with the scene instead of being re-invented on every frame.
Frames come out in order; nothing kept grows with the video's length beyond a few kilobytes a
frame (moving.py's answers). The engine works at whatever size the frames have: the output
resolution or a working one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from vtrack.ahead import made_ahead
from vtrack.config import get_settings
from vtrack.inpaint.base import ProgressCallback, VideoInpainter
from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.blend import composite
from vtrack.inpaint.embedded.cache import CachedFrames, Lru
from vtrack.inpaint.embedded.combine import Candidates, combine
from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.manyframes import many_frame_fill
from vtrack.inpaint.embedded.moving import MovingParts
from vtrack.inpaint.embedded.rows import pick, put
from vtrack.inpaint.embedded.search import nearest_seen
from vtrack.inpaint.embedded.spatial import carry_previous, synthesise
from vtrack.inpaint.embedded.votes import votes
from vtrack.media.frames import FrameSequence

# Progress share of the alignment; the fill has the rest.
_ALIGN = 0.3
# Holes kept: the search's reach of every frame (t +- 96, search.NEAR), which holds the
# many-frame fill's window (t +- 32), and its far frames (a dozen), with room to spare. Frames
# only looked into keep their hole alone (~60 KB at 480p; a filled frame's sheds the rest).
HOLES_KEPT = 224


def _holes(masks: Sequence[np.ndarray], margin: int, feather: int) -> Lru[Hole | None]:
    """Each frame's hole, made on demand and kept for the frames the fill is near (it walks
    the clip in order; the many-frame fill and the votes look a few dozen frames either way)."""
    return Lru(lambda i: Hole.of(np.asarray(masks[i]), margin, feather), HOLES_KEPT)


class EmbeddedInpainter(VideoInpainter):
    """Fills each hole with the background other frames saw; synthesises only the never-seen rest.

    margin_px: how far the object mask is grown (shadows, motion blur); default from settings.
    feather_px: width of the ring over which the fill fades into the original frame.
    workers: threads for the camera alignment and the many-frame fill (cv2 and numpy release
    the GIL in their kernels).
    """

    name = "embedded"

    def __init__(self, margin_px: int | None = None, feather_px: int = 3, workers: int = 2) -> None:
        self.margin = get_settings().removal_margin_px if margin_px is None else int(margin_px)
        self.feather = int(feather_px)
        self.workers = max(1, int(workers))

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
        report = progress or (lambda _f: None)
        done = [0]

        def aligned(k: int) -> None:
            done[0] += k
            report(_ALIGN * done[0] / max(1, n - 1))

        motion = CameraMotion.estimate(frames, masks, self.margin, self.workers, aligned)
        # The alignment reads each frame once, in chunks far apart: only the fill shares.
        cached = CachedFrames(frames)
        # Made on demand: the fill asks only where the two further candidates disagree, and the
        # many-frame fill leaves them few pixels to decide.
        moving = MovingParts(frames, masks, self.margin, motion)
        holes = _holes(masks, self.margin, self.feather)
        yield from _Completion(cached, holes, motion, moving, report, self.workers).run()


class _Completion:
    """One clip's fill, frame by frame, over what the frames share: holes, camera motion,
    moving parts. The many-frame fill, most of the work and independent from frame to frame,
    runs ahead on `workers` threads (OpenCV and numpy's large operations drop the GIL) while
    this one finishes the frames in order."""

    def __init__(
        self,
        frames: Sequence[np.ndarray],
        holes: Lru[Hole | None],
        motion: CameraMotion,
        moving: MovingParts,
        progress: Callable[[float], None],
        workers: int,
    ) -> None:
        self.frames, self.holes, self.motion, self.progress = frames, holes, motion, progress
        self.moving = moving
        self.n = len(frames)
        self.workers = workers

    def run(self) -> Iterator[np.ndarray]:
        previous: np.ndarray | None = None
        ahead = made_ahead(self._many, range(self.n), self.workers, "vtrack-fill-ahead")
        with contextlib.closing(ahead):
            for t, many in enumerate(ahead):
                frame = np.asarray(self.frames[t])
                hole = self.holes.get(t)
                if hole is None or many is None:
                    out = frame.copy()
                else:
                    out = self._fill(t, frame, hole, many, previous)
                previous = out
                self.progress(_ALIGN + (1 - _ALIGN) * (t + 1) / self.n)
                yield out

    def _many(self, t: int) -> tuple[np.ndarray, np.ndarray] | None:
        hole = self.holes.get(t)
        if hole is None:
            return None
        return many_frame_fill(t, self.frames, self.holes.get, self.motion, hole)

    def _fill(
        self,
        t: int,
        frame: np.ndarray,
        hole: Hole,
        many_got: tuple[np.ndarray, np.ndarray],
        previous: np.ndarray | None,
    ) -> np.ndarray:
        """Frame t with its hole filled: from the nearby frames where they saw the background,
        from the nearest frames further off either way where only those did, synthesised where
        none did."""
        many, got = many_got
        if got.all():
            fill, have = np.zeros(hole.shape + (3,), np.uint8), np.zeros(hole.shape, bool)
        else:
            fill, have = self._from_further(t, hole, ~got)
        at = np.zeros(hole.shape, bool)
        at[hole.region] = got
        put(fill, at, (pick(many, got) + 0.5).astype(np.uint8))
        have |= at
        unseen = hole.hole & ~have
        if unseen.any() and previous is not None:
            carried = carry_previous(previous, self.motion.between(t, t - 1), hole, unseen, fill)
            have |= carried
            unseen &= ~carried
        if unseen.any():
            fill = synthesise(frame, hole, fill, have, unseen)
            have |= unseen
        alpha = np.where(have, hole.alpha, 0.0).astype(np.float32)
        out = composite(frame, hole.box, fill, alpha)
        hole.shed()
        return out

    def _from_further(
        self, t: int, hole: Hole, missed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The fill at the region pixels `missed` (bool, row-major) from the nearest earlier and
        later frames that saw them (search.py), blended or arbitrated (combine.py)."""
        xs, ys = hole.pixels()
        sides = [
            _spread(
                missed,
                nearest_seen(
                    t, xs[missed], ys[missed], d, self.frames, self.holes.get, self.motion,
                    self.moving.spots,
                ),
            )
            for d in (-1, 1)
        ]  # fmt: skip
        earlier, later = sides

        def vote(which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            return votes(t, xs[which], ys[which], self.frames, self.holes.get, self.motion)

        def clear(side: int, which: np.ndarray) -> np.ndarray:
            ages, spots = sides[side][1][which], sides[side][2][which]
            return ~self.moving.on(t - ages if side == 0 else t + ages, spots)

        return combine(earlier, later, hole, vote, clear)


def _spread(at: np.ndarray, found: Candidates) -> Candidates:
    """Candidates found at the region pixels `at` (bool) spread over the whole region (none
    elsewhere: age 0)."""
    colours, ages, spots = found
    count = at.size
    all_colours = np.zeros((count, 3), np.uint8)
    put(all_colours, at, colours)
    all_ages, all_spots = np.zeros(count, np.int32), np.full(count, -1, np.int32)
    all_ages[at], all_spots[at] = ages, spots
    return all_colours, all_ages, all_spots

"""The embedded CPU inpainter: background from the other frames, found along the camera motion.

1. Camera homographies between frames (align.py), and on each frame what moves on its own,
   which the camera motion does not explain (moving.py: a passer-by, a car).
2. Many nearby frames (t +- 1 .. 32, manyframes.py): each one's homography-aligned candidate,
   weighted per pixel by how well that frame matches this one on the ring around the hole.
   The nearest frame that saw a spot is often the wrong one (something moved through then,
   the homography is off there); the ring says which frames agree with this one.
3. Pixels no nearby frame saw: two passes over the clip (chain.py), backwards from the last
   frame, then forwards from the first, give each the nearest frame in that direction that saw
   the background there. Their candidates are blended by closeness in time where they agree;
   where they do not, the one taken from a spot clear of moving things wins, else votes from
   frames further off decide (combine.py, votes.py).
4. What no frame saw is synthesised once and then carried along the camera motion (spatial.py),
   so it moves with the scene instead of being re-invented on every frame.
Frames come out in order as the forward pass reaches them. The engine works at whatever size
the frames have: the output resolution or a working one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from vtrack.config import get_settings
from vtrack.inpaint.base import ProgressCallback, VideoInpainter
from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.blend import composite
from vtrack.inpaint.embedded.cache import CachedFrames, Lru
from vtrack.inpaint.embedded.chain import ChainState, candidates, chain_step
from vtrack.inpaint.embedded.combine import Candidates, combine
from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.manyframes import many_frame_fill
from vtrack.inpaint.embedded.moving import MovingParts
from vtrack.inpaint.embedded.rows import pick, put
from vtrack.inpaint.embedded.spatial import carry_previous, synthesise
from vtrack.inpaint.embedded.votes import votes
from vtrack.media.frames import FrameSequence

# Progress shares: alignment, backward pass; the forward pass has the rest.
_ALIGN, _BACK = 0.3, 0.3
# Holes kept: the votes' window (votes.OFFSETS) and a pass's neighbours, with room to spare.
HOLES_KEPT = 96


def _holes(masks: Sequence[np.ndarray], margin: int, feather: int) -> Lru[Hole | None]:
    """Each frame's hole, made on demand and kept for the frames a pass is near (a pass walks
    the clip in order; votes look a few dozen frames either way)."""
    return Lru(lambda i: Hole.of(np.asarray(masks[i]), margin, feather), HOLES_KEPT)


class EmbeddedInpainter(VideoInpainter):
    """Fills each hole with the background other frames saw; synthesises only the never-seen rest.

    margin_px: how far the object mask is grown (shadows, motion blur); default from settings.
    feather_px: width of the ring over which the fill fades into the original frame.
    workers: threads for the camera alignment (cv2 releases the GIL in its kernels).
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
        # The alignment reads each frame once, in chunks far apart: only the passes share.
        cached = CachedFrames(frames)
        # Its own reads: it walks the clip forwards while the backward pass walks it back.
        moving = MovingParts(frames, masks, self.margin, motion)
        # Made on demand: the fill asks only where the two passes disagree, and the many-frame
        # fill leaves them few pixels to decide.
        try:
            holes = _holes(masks, self.margin, self.feather)
            yield from _Completion(cached, holes, motion, moving, report).run()
        finally:
            moving.close()


class _Completion:
    """One clip's two passes over what they share: frames, holes, camera motion, moving parts."""

    def __init__(
        self,
        frames: Sequence[np.ndarray],
        holes: Lru[Hole | None],
        motion: CameraMotion,
        moving: MovingParts,
        progress: Callable[[float], None],
    ) -> None:
        self.frames, self.holes, self.motion, self.progress = frames, holes, motion, progress
        self.moving = moving
        self.n = len(frames)
        self.shape = frames[0].shape[:2]

    def run(self) -> Iterator[np.ndarray]:
        later = self._backward_pass()
        yield from self._forward_pass(later)

    def _step(self, t: int, u: int, state_u: ChainState | None) -> ChainState:
        """Frame t's chain answers (from frame u's)."""
        hole = self.holes.get(t)
        assert hole is not None
        prev = self.holes.get(u) if state_u is not None else None
        return chain_step(hole, self.motion.between(t, u), u, prev, state_u, self.shape)

    def _candidates(self, t: int, state: ChainState) -> Candidates:
        hole = self.holes.get(t)
        assert hole is not None
        return candidates(self.frames, state, hole, t, self.moving.spots)

    def _backward_pass(self) -> dict[int, Candidates]:
        """Per frame with a hole: the candidates of the nearest later frames (see chain.py)."""
        later: dict[int, Candidates] = {}
        state: ChainState | None = None
        for t in range(self.n - 1, -1, -1):
            hole = self.holes.get(t)
            if hole is None:
                state = None
            elif t == self.n - 1:
                state, later[t] = ChainState.empty(hole.shape), _nothing(hole)
            else:
                state = self._step(t, t + 1, state)
                later[t] = self._candidates(t, state)
            self.progress(_ALIGN + _BACK * (self.n - t) / self.n)
        return later

    def _forward_pass(self, later: dict[int, Candidates]) -> Iterator[np.ndarray]:
        state: ChainState | None = None
        previous: np.ndarray | None = None
        for t in range(self.n):
            frame = np.asarray(self.frames[t])
            hole = self.holes.get(t)
            if hole is None:
                state, out = None, frame.copy()
            else:
                state = ChainState.empty(hole.shape) if t == 0 else self._step(t, t - 1, state)
                out = self._fill(t, frame, hole, self._earlier(t, state), later.pop(t), previous)
            previous = out
            self.progress(_ALIGN + _BACK + (1 - _ALIGN - _BACK) * (t + 1) / self.n)
            yield out

    def _earlier(self, t: int, state: ChainState) -> Callable[[], Candidates]:
        """The forward pass's candidates, made only if the fill needs them."""
        hole = self.holes.get(t)
        assert hole is not None
        if t == 0:
            return lambda: _nothing(hole)
        return lambda: self._candidates(t, state)

    def _fill(
        self,
        t: int,
        frame: np.ndarray,
        hole: Hole,
        make_earlier: Callable[[], Candidates],
        later: Candidates,
        previous: np.ndarray | None,
    ) -> np.ndarray:
        """Frame t with its hole filled: from the nearby frames where they saw the background,
        from both passes' chains where only frames further off did, synthesised where none did."""
        many, got = many_frame_fill(t, self.frames, self.holes.get, self.motion, hole)
        if got.all():
            fill, have = np.zeros(hole.shape + (3,), np.uint8), np.zeros(hole.shape, bool)
        else:
            fill, have = self._from_chains(t, hole, make_earlier(), later)
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
        return composite(frame, hole.box, fill, alpha)

    def _from_chains(
        self, t: int, hole: Hole, earlier: Candidates, later: Candidates
    ) -> tuple[np.ndarray, np.ndarray]:
        """The fill from both passes' candidates (combine.py) and where it is set."""
        xs, ys = hole.pixels()

        def vote(which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            return votes(t, xs[which], ys[which], self.frames, self.holes.get, self.motion)

        def clear(side: int, which: np.ndarray) -> np.ndarray:
            ages, spots = (earlier, later)[side][1][which], (earlier, later)[side][2][which]
            return ~self.moving.on(t - ages if side == 0 else t + ages, spots)

        return combine(earlier, later, hole, vote, clear)


def _nothing(hole: Hole) -> Candidates:
    count = int(hole.region.sum())
    return np.zeros((count, 3), np.uint8), np.zeros(count, np.int32), np.full(count, -1, np.int32)

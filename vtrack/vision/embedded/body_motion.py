"""Each person's local motion through a clip: their hands, or their jaw, relative to their body.

Starting from the people found on one frame (with pose landmarks), every landmark is carried
from frame to frame by dense optical flow and put back on the person by a pose call on their
box every few frames. On each pair of frames the flow at a body part (hands: wrists and
knuckles; mouth: the mouth corners and the chin below them) minus the flow of a reference
(hands: the torso; mouth: nose and eyes) is that part's own motion: a drummer's strokes, a
singer's jaw, whatever the camera or the whole body does.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.vision.embedded.people import PersonInstance
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.skeletons import VISIBLE
from vtrack.vision.embedded.work_frames import WorkFrames

HAND_POINTS = (13, 14, 15, 16, 19, 20)  # elbows, wrists, index knuckles (mediapipe pose)
TORSO_POINTS = (11, 12, 23, 24)  # shoulders, hips
MOUTH_POINTS = (9, 10)  # mouth corners
FACE_POINTS = (0, 2, 5)  # nose, eyes
# Below this visibility the pose model itself says the point is a guess (out of frame, hidden).
PLACED = 0.1
# A pose call per person every 10 frames puts the flow-carried landmarks back on the body:
# flow drifts by about a pixel per frame on fast hands, which stays inside the sampling disk
# (a tenth of the torso) for that long. Every 5th frame doubled the cost for no change in the
# bench's decisions.
REFRESH = 10
# The person map (3 selfie calls on a wide frame) is refreshed every 3rd frame: in 3 frames a
# hand moves less than its sampling square (a fifth of the torso) on the bench's clips, and the
# map only says which of the square's pixels are the person.
MAP_EVERY = 3
# At most this many frames are measured (10 s at 24 fps, 8 s at 30): enough onsets for the
# correlation to be sure (its standard error is ~1/sqrt(frames), 0.06 here).
MAX_FRAMES = 240


@dataclass
class PartMotion:
    """Per person, per frame pair (t, t + 1): the part's own velocity in pixels per frame.

    `velocity[k]` is (T, 2) for person k over frames `start .. start + T`; NaN where the part was
    not seen. `scale[k]` is the person's torso length (to compare people of different sizes).
    """

    start: int
    velocity: list[np.ndarray]
    scale: list[float]


def _window(n: int, frame_index: int) -> tuple[int, int]:
    lo = max(0, min(frame_index - MAX_FRAMES // 2, n - MAX_FRAMES))
    return lo, min(n, lo + MAX_FRAMES)


def _zone_flow(
    flow: np.ndarray, on: np.ndarray | None, centre: np.ndarray, radius: int
) -> np.ndarray:
    """Median flow of the person's pixels in a square of `radius` around `centre` (NaN when the
    square holds too few of them): background pixels there move with the camera, not the part."""
    h, w = flow.shape[:2]
    x, y = int(round(centre[0])), int(round(centre[1]))
    x0, x1 = max(0, x - radius), min(w, x + radius + 1)
    y0, y1 = max(0, y - radius), min(h, y + radius + 1)
    if x1 <= x0 or y1 <= y0:
        return np.full(2, np.nan, np.float32)
    patch = flow[y0:y1, x0:x1].reshape(-1, 2)
    if on is not None:
        mine = on[y0:y1, x0:x1].ravel()
        if mine.sum() >= 3:
            patch = patch[mine]
        else:
            return np.full(2, np.nan, np.float32)
    return np.median(patch, axis=0).astype(np.float32)


def _part_points(part: str) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the moving points, indices of the reference points) among the tracked ones.

    The tracked points are the 33 landmarks plus a chin point appended as index 33."""
    if part == "mouth":
        return np.array([*MOUTH_POINTS, 33]), np.array(FACE_POINTS)
    return np.array(HAND_POINTS), np.array(TORSO_POINTS)


def _with_chin(lms: np.ndarray) -> np.ndarray:
    """The landmarks plus a chin point (pose has none): below the mouth by the nose-mouth gap."""
    mouth = lms[list(MOUTH_POINTS), :2].mean(axis=0)
    chin = mouth + 0.8 * (mouth - lms[0, :2])
    vis = min(lms[9, 2], lms[10, 2], lms[0, 2])
    return np.vstack([lms, [chin[0], chin[1], vis]]).astype(np.float32)


class _Follower:
    """One person's landmarks carried through the frames (see the module docstring)."""

    def __init__(self, inst: PersonInstance, part: str) -> None:
        assert inst.landmarks is not None
        self.points = _with_chin(inst.landmarks)
        self.scale = inst.scale
        self.part = part
        self.moving, self.reference = _part_points(part)

    @property
    def unit(self) -> float:
        """The size the sampling squares scale with: the torso for hands, the face for a mouth
        (twice the distance between the eyes, about the face's width)."""
        if self.part == "mouth":
            return max(4.0, 2.0 * float(np.linalg.norm(self.points[2, :2] - self.points[5, :2])))
        return self.scale

    def step(self, flow: np.ndarray, on: np.ndarray | None) -> np.ndarray:
        """The part's own velocity on this flow (P, 2), NaN where unknown; carries the points.

        `on` marks person pixels (the selfie map): only they measure a part's motion."""
        ref_pts = self.points[self.reference]
        ref_pts = ref_pts[ref_pts[:, 2] > VISIBLE, :2]
        velocity = np.full((len(self.moving), 2), np.nan, np.float32)
        if len(ref_pts) == 0:
            return velocity
        span = np.ptp(ref_pts, axis=0).max() if len(ref_pts) > 1 else 0.0
        ref = _zone_flow(
            flow, on, ref_pts.mean(axis=0), max(2, int(0.4 * max(span, self.unit / 2)))
        )
        if np.isnan(ref[0]):
            ref = _zone_flow(flow, None, ref_pts.mean(axis=0), max(2, int(0.3 * self.unit)))
        if np.isnan(ref[0]):  # the body left the frame: nothing to measure or carry
            return velocity
        radius = max(2, int(0.2 * self.unit))
        self.points[:, :2] += ref
        for i, k in enumerate(self.moving):
            # hands are often marked barely visible (blur, a stick over them) while the model
            # still places them well: they count unless the model all but rules them out
            if self.points[k, 2] <= PLACED:
                continue
            own = _zone_flow(flow, on, self.points[k, :2] - ref, radius) - ref
            if not np.isnan(own[0]):
                velocity[i] = own
                self.points[k, :2] += own
        return velocity

    def refresh(self, person: PersonSegmenter, image: np.ndarray) -> None:
        """Put the landmarks back on the person with a pose call on their box."""
        h, w = image.shape[:2]
        seen = self.points[self.points[:, 2] > VISIBLE, :2]
        if len(seen) < 4:
            return
        pad = 0.6 * self.scale
        x0, y0 = (max(0, int(v - pad)) for v in seen.min(axis=0))
        x1, y1 = int(min(w, seen[:, 0].max() + pad)), int(min(h, seen[:, 1].max() + pad))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        pose = person.pose(cv2.resize(crop, ((x1 - x0) * 2, (y1 - y0) * 2)))
        if pose is None or pose.landmarks is None:
            return
        lms = pose.landmarks.copy()
        lms[:, 0] = x0 + lms[:, 0] * (x1 - x0)
        lms[:, 1] = y0 + lms[:, 1] * (y1 - y0)
        torso_now = self.points[list(TORSO_POINTS), :2].mean(axis=0)
        torso_new = lms[list(TORSO_POINTS), :2].mean(axis=0)
        # the pose model may have locked on a neighbour inside the box: keep ours then
        if np.linalg.norm(torso_new - torso_now) < 0.5 * self.scale:
            self.points = _with_chin(lms)


def _person_map(person: PersonSegmenter | None, image: np.ndarray) -> np.ndarray | None:
    """Person pixels on a frame (one map serves every person), None without mediapipe."""
    if person is None or not person.available:
        return None
    prob = person.people_probability(image)
    return prob > 0.5 if prob is not None else None


def measure_part_motion(
    frames: WorkFrames,
    person: PersonSegmenter | None,
    people: list[PersonInstance],
    frame_index: int,
    part: str,
) -> PartMotion:
    """Every person's `part` ("hands" or "mouth") motion around `frame_index` (module docstring).

    `people` were found on `frame_index` at the working resolution; people without landmarks get
    an all-NaN track.
    """
    lo, hi = _window(len(frames), frame_index)
    n_points = len(_part_points(part)[0])
    velocity = [np.full((hi - lo, n_points, 2), np.nan, np.float32) for _ in people]
    flow_engine = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
    first = frames.read(frame_index)
    for direction in (1, -1):
        followers = {k: _Follower(p, part) for k, p in enumerate(people) if p.landmarks is not None}
        prev, on = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY), _person_map(person, first)
        for t in range(frame_index + direction, hi if direction == 1 else lo - 1, direction):
            image = frames.read(t)
            nxt = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
            flow = flow_engine.calc(prev, nxt, None)
            pair = min(t, t - direction) - lo  # the pair (t-1, t) forwards, (t, t+1) backwards
            for k, follower in followers.items():
                v = follower.step(flow, on)
                velocity[k][pair] = v if direction == 1 else -v
            if person is not None and abs(t - frame_index) % REFRESH == 0:
                for follower in followers.values():
                    follower.refresh(person, image)
            prev = nxt
            if abs(t - frame_index) % MAP_EVERY == 0:
                on = _person_map(person, image)
    return PartMotion(lo, velocity, [p.scale for p in people])

"""Person masks, faces and pose from mediapipe's bundled models, with a clean fallback without it."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)


def mediapipe_available() -> tuple[bool, str]:
    """Whether mediapipe's legacy solutions (models bundled in the wheel) can be imported here."""
    try:
        import mediapipe as mp  # noqa: F401
        from mediapipe.python.solutions import selfie_segmentation  # noqa: F401
    except Exception as exc:  # ImportError, protobuf mismatches, missing shared libraries
        return False, f"mediapipe unavailable: {exc}"
    return True, ""


@dataclass
class PoseResult:
    """Pose landmarks in relative coordinates (33 x (x, y, visibility)) and a person probability map."""

    landmarks: np.ndarray | None
    mask: np.ndarray | None


class VideoPose:
    """mediapipe pose in video mode for one pass over a sequence: after the first frame the
    person's region comes from the previous landmarks instead of the detector, which halves the
    cost (18 vs 35 ms per 480x270 frame on a 2-core CPU). Not thread-safe; one pass, one user.
    """

    def __init__(self) -> None:
        from mediapipe.python.solutions import pose

        # no temporal smoothing: frames come a few apart, smoothing would only add lag
        self._graph = pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            enable_segmentation=True,
            smooth_segmentation=False,
            smooth_landmarks=False,
        )

    def mask(self, frame: np.ndarray) -> np.ndarray | None:
        """Person probability (H, W) float32 of the tracked person, None when none is found."""
        try:
            result = self._graph.process(np.ascontiguousarray(frame))
        except Exception as exc:  # never let an inference error kill a tracking job
            log.warning("pose (video mode) failed: %s", exc)
            return None
        if result.segmentation_mask is None:
            return None
        return result.segmentation_mask.astype(np.float32, copy=False)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._graph.close()


class PersonSegmenter:
    """Lazy wrapper around mediapipe selfie segmentation, pose, face detection and hands.

    Every method returns None when mediapipe is missing or fails, so callers degrade to the
    classical colour/edge path instead of crashing.
    """

    def __init__(self) -> None:
        self.available, self.reason = mediapipe_available()
        self._lock = threading.Lock()
        self._selfie = None
        self._selfie_square = None
        self._pose = None
        self._face = None
        self._hands = None

    def _get_selfie(self):  # noqa: ANN202 - mediapipe type
        if self._selfie is None:
            from mediapipe.python.solutions import selfie_segmentation

            # model 1 (landscape) copes better with small, full-body people than the portrait model
            self._selfie = selfie_segmentation.SelfieSegmentation(model_selection=1)
        return self._selfie

    def person_probability(self, frame: np.ndarray) -> np.ndarray | None:
        """Per-pixel probability (H, W) float32 that a pixel belongs to a person."""
        if not self.available:
            return None
        try:
            with self._lock:
                result = self._get_selfie().process(np.ascontiguousarray(frame))
        except Exception as exc:  # never let an inference error kill a tracking job
            log.warning("selfie segmentation failed: %s", exc)
            return None
        if result.segmentation_mask is None:
            return None
        return result.segmentation_mask.astype(np.float32, copy=False)

    def people_probability(self, frame: np.ndarray) -> np.ndarray | None:
        """Like `person_probability`, but over overlapping square windows of a wide frame.

        The model sees its input at 256 px: on a whole 16:9 frame, people in a band or a crowd
        are too small for it. Square windows (their side the frame's height, overlapping by
        about a third) show each person at twice the size; the map is the windows' maximum.
        On the 30 frames of the grounding bench it covers 65 of 70 people (at least half of
        each) instead of 42, for 3 model calls instead of 1.
        """
        if not self.available:
            return None
        h, w = frame.shape[:2]
        if w <= 1.2 * h:
            return self.person_probability(frame)
        out = np.zeros((h, w), np.float32)
        count = int(np.ceil(w / h)) + 1
        try:
            with self._lock:
                if self._selfie_square is None:
                    from mediapipe.python.solutions import selfie_segmentation

                    self._selfie_square = selfie_segmentation.SelfieSegmentation(model_selection=0)
                for x in np.linspace(0, w - h, count).astype(int):
                    window = np.ascontiguousarray(frame[:, x : x + h])
                    result = self._selfie_square.process(window)
                    if result.segmentation_mask is not None:
                        np.maximum(
                            out[:, x : x + h], result.segmentation_mask, out=out[:, x : x + h]
                        )
        except Exception as exc:  # never let an inference error kill a job
            log.warning("selfie segmentation (windows) failed: %s", exc)
            return None
        return out

    def pose(self, frame: np.ndarray) -> PoseResult | None:
        """Landmarks and segmentation of the most prominent person (static-image mode)."""
        if not self.available:
            return None
        try:
            with self._lock:
                if self._pose is None:
                    from mediapipe.python.solutions import pose

                    self._pose = pose.Pose(
                        static_image_mode=True, model_complexity=1, enable_segmentation=True
                    )
                result = self._pose.process(np.ascontiguousarray(frame))
        except Exception as exc:
            log.warning("pose estimation failed: %s", exc)
            return None
        if result.pose_landmarks is None:
            return PoseResult(None, None)
        lms = np.array(
            [(p.x, p.y, p.visibility) for p in result.pose_landmarks.landmark], np.float32
        )
        mask = None
        if result.segmentation_mask is not None:
            mask = result.segmentation_mask.astype(np.float32, copy=False)
        return PoseResult(lms, mask)

    def video_pose(self) -> VideoPose | None:
        """A fresh video-mode pose graph for one tracking pass (None without mediapipe)."""
        if not self.available:
            return None
        try:
            return VideoPose()
        except Exception as exc:
            log.warning("pose graph failed to load: %s", exc)
            return None

    def faces(self, frame: np.ndarray) -> list[tuple[float, float, float, float, float]] | None:
        """Face boxes as relative (x0, y0, x1, y1, score)."""
        if not self.available:
            return None
        try:
            with self._lock:
                if self._face is None:
                    from mediapipe.python.solutions import face_detection

                    self._face = face_detection.FaceDetection(
                        model_selection=1, min_detection_confidence=0.5
                    )
                result = self._face.process(np.ascontiguousarray(frame))
        except Exception as exc:
            log.warning("face detection failed: %s", exc)
            return None
        boxes = []
        for det in result.detections or []:
            bb = det.location_data.relative_bounding_box
            boxes.append(
                (bb.xmin, bb.ymin, bb.xmin + bb.width, bb.ymin + bb.height, float(det.score[0]))
            )
        return boxes

    def hands(self, frame: np.ndarray) -> list[np.ndarray] | None:
        """Hand landmarks, one (21, 2) relative array per detected hand."""
        if not self.available:
            return None
        try:
            with self._lock:
                if self._hands is None:
                    from mediapipe.python.solutions import hands

                    self._hands = hands.Hands(
                        static_image_mode=True, max_num_hands=4, min_detection_confidence=0.5
                    )
                result = self._hands.process(np.ascontiguousarray(frame))
        except Exception as exc:
            log.warning("hand detection failed: %s", exc)
            return None
        out = []
        for hand in result.multi_hand_landmarks or []:
            out.append(np.array([(p.x, p.y) for p in hand.landmark], np.float32))
        return out

    def close(self) -> None:
        for model in (self._selfie, self._selfie_square, self._pose, self._face, self._hands):
            if model is not None:
                # closing a half-initialised graph must not raise
                with contextlib.suppress(Exception):
                    model.close()
        self._selfie = self._selfie_square = self._pose = self._face = self._hands = None


_shared: PersonSegmenter | None = None


def shared_person_segmenter() -> PersonSegmenter:
    """One process-wide segmenter (loading graphs costs ~50-300 ms each)."""
    global _shared
    if _shared is None:
        _shared = PersonSegmenter()
    return _shared

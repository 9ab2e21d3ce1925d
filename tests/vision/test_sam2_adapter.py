"""SAM 2 adapter: pixel coordinates, logits to masks, both directions, no text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vtrack.errors import EngineUnavailable, InvalidInput, PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import BoxPrompt, PointPrompt
from vtrack.vision.sam2_adapter import (
    Sam2Segmenter,
    logits_to_frame_masks,
    to_pixel_box,
    to_pixel_points,
)

H, W = 20, 40


class FakeSam2Predictor:
    """Records calls; answers like sam2's SAM2VideoPredictor.

    Forward yields start..end inclusive; reverse yields start..0 inclusive, and nothing at all
    when it starts on frame 0 (as `propagate_in_video` in sam2_video_predictor.py does).
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.objects: dict[int, tuple[float, float]] = {}
        self.num_frames = 0

    def _logits(self) -> tuple[list[int], np.ndarray]:
        ids = sorted(self.objects)
        logits = np.full((len(ids), 1, H, W), -5.0, dtype=np.float32)
        for i, obj_id in enumerate(ids):
            x, y = self.objects[obj_id]
            cx, cy = int(x), int(y)
            logits[i, 0, max(cy - 2, 0) : cy + 3, max(cx - 2, 0) : cx + 3] = 4.0
        return ids, logits

    def init_state(self, video_path: str, offload_video_to_cpu: bool = False, **kw: Any) -> dict:
        self.num_frames = len([p for p in os.listdir(video_path) if p.endswith(".jpg")])
        self.objects = {}  # a new state knows no object
        self.calls.append(
            (
                "init_state",
                {"video_path": video_path, "offload": offload_video_to_cpu, "n": self.num_frames},
            )
        )
        return {"num_frames": self.num_frames}

    def add_new_points_or_box(self, state: dict, frame_idx: int, obj_id: int, **kw: Any):
        self.calls.append(("add", {"frame_idx": frame_idx, "obj_id": obj_id, **kw}))
        if kw.get("box") is not None:
            b = kw["box"]
            self.objects[obj_id] = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        else:
            pts, labels = kw["points"], kw["labels"]
            self.objects[obj_id] = tuple(pts[list(labels).index(1)])
        ids, logits = self._logits()
        return frame_idx, ids, logits

    def add_new_mask(self, state: dict, frame_idx: int, obj_id: int, mask: np.ndarray):
        self.calls.append(("mask", {"frame_idx": frame_idx, "obj_id": obj_id, "mask": mask}))
        ys, xs = np.nonzero(mask)
        self.objects[obj_id] = (float(xs.mean()), float(ys.mean()))
        ids, logits = self._logits()
        return frame_idx, ids, logits

    def remove_object(self, state: dict, obj_id: int) -> None:
        self.calls.append(("remove", {"obj_id": obj_id}))
        del self.objects[obj_id]

    def reset_state(self, state: dict) -> None:
        self.calls.append(("reset", {}))

    def propagate_in_video(
        self, state, start_frame_idx=None, max_frame_num_to_track=None, reverse=False
    ):
        self.calls.append(("propagate", {"start": start_frame_idx, "reverse": reverse}))
        n = self.num_frames
        limit = n if max_frame_num_to_track is None else max_frame_num_to_track
        if reverse:
            order = range(start_frame_idx, max(start_frame_idx - limit, 0) - 1, -1)
            order = order if start_frame_idx > 0 else range(0)
        else:
            order = range(start_frame_idx, min(start_frame_idx + limit, n - 1) + 1)
        for t in order:
            ids, logits = self._logits()
            yield t, ids, logits


def make_video(n: int) -> FrameSequence:
    return FrameSequence.from_arrays([np.zeros((H, W, 3), np.uint8) for _ in range(n)])


def test_points_become_pixels_with_int_labels() -> None:
    coords, labels = to_pixel_points([PointPrompt(0.5, 0.25), PointPrompt(1.5, 0.0, False)], W, H)
    np.testing.assert_allclose(coords, [[20.0, 5.0], [40.0, 0.0]])
    assert coords.dtype == np.float32 and labels.dtype == np.int32
    assert labels.tolist() == [1, 0]


def test_box_becomes_ordered_pixel_xyxy() -> None:
    np.testing.assert_allclose(to_pixel_box(BoxPrompt(0.75, 0.5, 0.25, 0.1), W, H), [10, 2, 30, 10])


def test_logits_threshold_at_zero() -> None:
    logits = np.array([[[[-0.1, 0.1], [2.0, -3.0]]], [[[-1.0, -1.0], [-1.0, -1.0]]]])
    fm = logits_to_frame_masks(7, [4, 9], logits)
    assert fm.frame_index == 7
    assert fm.masks[4].tolist() == [[False, True], [True, False]]
    assert not fm.masks[9].any()
    assert fm.scores[4] > 0.8 and fm.scores[9] < 0.5


def test_logits_from_torch_tensor() -> None:
    torch = pytest.importorskip("torch")
    fm = logits_to_frame_masks(0, [1], torch.tensor([[[[1.0, -1.0]]]], dtype=torch.bfloat16))
    assert fm.masks[1].tolist() == [[True, False]]


def test_session_sends_pixels_and_tracks_both_ways_once() -> None:
    fake = FakeSam2Predictor()
    seg = Sam2Segmenter(predictor=fake, device="cpu")
    with seg.start_session(make_video(9)) as session:
        first = session.add_points(4, 1, [PointPrompt(0.5, 0.5)])
        assert first.masks[1][10, 20] and first.frame_index == 4
        session.add_points(4, 1, [PointPrompt(0.1, 0.1, positive=False)])
        frames = [fm.frame_index for fm in session.propagate("both")]
        tmp = Path(fake.calls[0][1]["video_path"]).parent
    assert sorted(frames) == list(range(9))  # the start frame once although SAM 2 yields it twice
    adds = [kw for name, kw in fake.calls if name == "add"]
    np.testing.assert_allclose(adds[-1]["points"], [[20.0, 10.0], [4.0, 2.0]])
    assert adds[-1]["labels"].tolist() == [1, 0]
    assert [kw["reverse"] for name, kw in fake.calls if name == "propagate"] == [False, True]
    assert not tmp.exists()  # the JPEG folder is removed on close


def test_backward_from_frame_zero_still_yields_it() -> None:
    fake = FakeSam2Predictor()
    session = Sam2Segmenter(predictor=fake, device="cpu").start_session(make_video(5))
    session.add_box(0, 3, BoxPrompt(0.25, 0.25, 0.75, 0.75))
    box = [kw for name, kw in fake.calls if name == "add"][0]["box"]
    np.testing.assert_allclose(box, [10, 5, 30, 15])
    assert [fm.frame_index for fm in session.propagate("backward")] == [0]
    assert [fm.frame_index for fm in session.propagate("backward", start_frame_index=3)] == [
        3,
        2,
        1,
        0,
    ]
    session.close()


def test_text_is_not_understood_and_remove_object() -> None:
    fake = FakeSam2Predictor()
    session = Sam2Segmenter(predictor=fake, device="cpu").start_session(make_video(3))
    with pytest.raises(PromptNotUnderstood) as info:
        session.add_text(0, "dog")
    assert info.value.suggestions
    session.add_points(0, 1, [PointPrompt(0.2, 0.2)])
    session.add_points(0, 2, [PointPrompt(0.8, 0.8)])
    session.remove_object(2)
    session.remove_object(99)  # never prompted: not forwarded
    assert [kw["obj_id"] for name, kw in fake.calls if name == "remove"] == [2]
    assert all(set(fm.masks) == {1} for fm in session.propagate())
    with pytest.raises(InvalidInput):
        session.add_points(5, 1, [PointPrompt(0.5, 0.5)])
    session.close()


def test_missing_checkpoint_and_load_failure(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="checkpoint"):
        Sam2Segmenter(checkpoint_path=tmp_path / "missing.pt", device="cpu")
    ckpt = tmp_path / "sam2.1_hiera_tiny.pt"
    ckpt.write_bytes(b"x")

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Error(s) in loading state_dict")

    with pytest.raises(EngineUnavailable, match="state_dict"):
        Sam2Segmenter(checkpoint_path=ckpt, device="cpu", predictor_factory=boom)
    got: list[Any] = []
    Sam2Segmenter(
        checkpoint_path=ckpt,
        config_file="configs/sam2.1/sam2.1_hiera_t.yaml",
        device="cpu",
        predictor_factory=lambda *a, **k: got.append((a, k)) or FakeSam2Predictor(),
    )
    overrides = ["++model.add_all_frames_to_correct_as_cond=true"]
    assert got == [
        (
            ("configs/sam2.1/sam2.1_hiera_t.yaml", str(ckpt)),
            {"device": "cpu", "hydra_overrides_extra": overrides},
        )
    ]


def test_long_video_is_tracked_window_by_window_handing_masks_over() -> None:
    fake = FakeSam2Predictor()
    seg = Sam2Segmenter(predictor=fake, device="cpu", window=5)
    with seg.start_session(make_video(13)) as session:  # windows (0,5) (4,9) (8,13)
        first = session.add_points(6, 3, [PointPrompt(0.5, 0.5)])
        assert first.frame_index == 6 and first.masks[3][10, 20]
        results = {fm.frame_index: fm for fm in session.propagate("both")}
        inits = [kw["n"] for name, kw in fake.calls if name == "init_state"]
    assert sorted(results) == list(range(13))  # every frame once, across windows
    assert all(fm.masks[3][10, 20] for fm in results.values())  # the object carried on
    assert max(inits) <= 5  # at most 5 frames per state
    assert len(inits) >= 4  # window 1, 2, back to 1 for the backward pass, then 0
    # Hand-over through the shared frame, as a mask at local index 0 (forward) or 4 (backward).
    seeds = [kw for name, kw in fake.calls if name == "mask"]
    assert [kw["frame_idx"] for kw in seeds] == [0, 4]
    assert seeds[0]["mask"].shape == (H, W) and seeds[0]["mask"].dtype == bool
    adds = [kw for name, kw in fake.calls if name == "add"]
    assert {kw["frame_idx"] for kw in adds} == {2}  # frame 6 is local frame 2 of window (4, 9)
    assert [name for name, _ in fake.calls].count("reset") == len(inits)  # every state released


def test_a_window_without_objects_is_not_tracked() -> None:
    fake = FakeSam2Predictor()
    session = Sam2Segmenter(predictor=fake, device="cpu", window=4).start_session(make_video(10))
    session.add_points(1, 1, [PointPrompt(0.5, 0.5)])
    session.remove_object(1)
    session.add_points(8, 2, [PointPrompt(0.5, 0.5)])  # windows (0,4) (3,7) (6,10)
    frames = [fm.frame_index for fm in session.propagate("forward")]
    assert frames == [8, 9]
    session.close()

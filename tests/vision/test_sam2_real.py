"""SAM 2 through the real `sam2` library (no stand-in): random weights saved as a checkpoint.

The model is SAM 2.1 tiny as its own config builds it, with random weights (no checkpoint can be
downloaded here), saved in sam2's checkpoint format ({"model": state_dict}) and loaded back by
sam2's own loader through the studio's settings. Random weights cost the same compute as trained
ones and exercise the same code, so this proves the plumbing (API, registry, health, prompts,
propagation, ids, shapes), not mask quality. The clip is 5 real DAVIS frames at 160x90 and the
model input 128 (VTRACK_SAM2_IMAGE_SIZE) to keep the test's CPU time small.
"""

from __future__ import annotations

import importlib.util
import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings
from vtrack.media.encode import VideoWriter
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import BoxPrompt, FrameMasks, PointPrompt
from vtrack.vision.metrics import jaccard

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("sam2") is None,
    reason="torch and sam2 are not installed (make setup installs sam2==1.1.0)",
)

CONFIG = "configs/sam2.1/sam2.1_hiera_t.yaml"
IMAGE_SIZE = 128
N_FRAMES, W, H = 5, 160, 90


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    # Small tensors on 2 shared cores: thread hand-off costs more than it gains.
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory, one_thread: None) -> Path:
    """SAM 2.1 tiny with random weights, in the file format sam2's loader reads."""
    import torch
    from sam2.build_sam import build_sam2_video_predictor

    torch.manual_seed(0)
    model = build_sam2_video_predictor(CONFIG, None, device="cpu")
    path = tmp_path_factory.mktemp("sam2") / "sam2.1_hiera_tiny_random.pt"
    torch.save({"model": model.state_dict()}, path)
    return path


@pytest.fixture(scope="module")
def clip(davis_clip, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FrameSequence]:
    """The first 5 frames of DAVIS 'bear', downscaled to 160x90: as an MP4 and as frames."""
    video, _ = davis_clip("bear", N_FRAMES)
    frames = [cv2.resize(f, (W, H), interpolation=cv2.INTER_AREA) for f in video]
    path = tmp_path_factory.mktemp("sam2clip") / "bear5.mp4"
    with VideoWriter(path, W, H, 24.0, crf=16) as writer:
        for frame in frames:
            writer.write(frame)
    return path, FrameSequence.from_arrays(frames, fps=24.0)


def sam2_settings(tmp_path: Path, checkpoint: Path, **kw: object) -> Settings:
    values: dict = {
        "data_dir": tmp_path / "data",
        "preload_engines": False,
        "workers": 1,
        "vision_engine": "sam2",
        "sam2_checkpoint": checkpoint,
        "sam2_config": CONFIG,
        "sam2_image_size": IMAGE_SIZE,
    }
    return Settings(**{**values, **kw})


def engine_entry(client: TestClient, name: str, timeout_s: float = 120) -> dict:
    """The health entry of `name` once its load check has finished."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get("/api/health").json()
        entry = {e["name"]: e for e in body["engines"]["vision"]}[name]
        if "checking" not in entry["reason"] or time.monotonic() > deadline:
            return {**entry, "active": body["active"]["vision"], "device": body["device"]}
        time.sleep(0.2)


def read_masks(data: bytes) -> dict[int, np.ndarray]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {
            int(Path(n).stem): cv2.imdecode(np.frombuffer(zf.read(n), np.uint8), 0) > 127
            for n in zf.namelist()
        }


def test_health_and_point_to_track_through_the_api(
    tmp_path: Path, checkpoint: Path, clip: tuple[Path, FrameSequence]
) -> None:
    path, _ = clip
    with TestClient(create_app(sam2_settings(tmp_path, checkpoint))) as client:
        sam2 = engine_entry(client, "sam2")
        assert sam2["available"] is True, sam2
        assert sam2["active"] == "sam2" and sam2["device"] == "cpu"
        points = [{"x": 50, "y": 55, "positive": True}, {"x": 10, "y": 10, "positive": False}]
        with open(path, "rb") as fh:
            response = client.post(
                "/api/track-point?wait=true",
                files={"video": ("bear5.mp4", fh, "video/mp4")},
                data={"x": "50", "y": "55", "frame_idx": "2", "points": json.dumps(points)},
            )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "complete", body
        # The step label names the engine that really ran.
        assert body["processing_steps"][0]["label"].startswith("SAM2"), body["processing_steps"]
        masks = read_masks(client.get(body["masks_url"]).content)
        video = client.get(body["masked_video_url"])
    assert sorted(masks) == list(range(N_FRAMES))  # both ways from frame 2
    assert all(m.shape == (H, W) for m in masks.values())
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"


def test_a_checkpoint_that_does_not_load_is_reported_unavailable(
    tmp_path: Path, one_thread: None
) -> None:
    corrupt = tmp_path / "sam2.1_hiera_tiny.pt"
    corrupt.write_bytes(b"not a checkpoint")
    with TestClient(create_app(sam2_settings(tmp_path, corrupt))) as client:
        sam2 = engine_entry(client, "sam2")
    assert sam2["available"] is False and "does not load" in sam2["reason"], sam2
    assert sam2["active"] is None  # named explicitly, so nothing else is used silently


def test_a_checkpoint_of_another_size_is_reported_unavailable(
    tmp_path: Path, checkpoint: Path
) -> None:
    # Tiny weights under the small config: sam2's strict loader rejects the state dict.
    settings = sam2_settings(tmp_path, checkpoint, sam2_config="configs/sam2.1/sam2.1_hiera_s.yaml")
    with TestClient(create_app(settings)) as client:
        sam2 = engine_entry(client, "sam2")
    assert sam2["available"] is False and "state_dict" in sam2["reason"], sam2


def frame_ids(masks: list[FrameMasks]) -> list[int]:
    return sorted(m.frame_index for m in masks)


@pytest.mark.parametrize("bf16", [False, True], ids=["float32", "bfloat16"])
def test_session_box_two_objects_both_ways_and_a_correction(
    tmp_path: Path, checkpoint: Path, clip: tuple[Path, FrameSequence], bf16: bool
) -> None:
    from vtrack.vision.registry import load_segmenter

    _, frames = clip
    segmenter = load_segmenter(sam2_settings(tmp_path, checkpoint, sam2_cpu_bf16=bf16))
    assert segmenter.name == "sam2" and type(segmenter.predictor).__module__.startswith("sam2.")
    assert segmenter.predictor.image_size == IMAGE_SIZE and segmenter.bf16 is bf16
    with segmenter.start_session(frames) as session:
        clicked = session.add_points(
            2, 1, [PointPrompt(0.5, 0.55), PointPrompt(0.1, 0.1, positive=False)]
        )
        # A second object, prompted on another frame: on a CPU sam2 needs our memory upcast.
        boxed = session.add_box(3, 7, BoxPrompt(0.05, 0.1, 0.4, 0.6))
        assert clicked.frame_index == 2 and set(clicked.masks) == {1}
        assert boxed.frame_index == 3 and set(boxed.masks) == {1, 7}  # every object, that frame
        both = list(session.propagate("both"))  # from the first prompted frame, 2
        assert frame_ids(both) == list(range(N_FRAMES))  # every frame exactly once
        for fm in both:
            assert set(fm.masks) == {1, 7}, fm.frame_index
            for mask in fm.masks.values():
                assert mask.shape == (H, W) and mask.dtype == bool
            assert all(0.0 <= s <= 1.0 for s in fm.scores.values())
        tracked = {fm.frame_index: fm for fm in both}

        # A correction on a later, already tracked frame.
        corrected = session.add_points(4, 1, [PointPrompt(0.6, 0.5)])
        assert jaccard(corrected.masks[1], tracked[4].masks[1]) < 1.0  # the click changed it
        forward = {fm.frame_index: fm for fm in session.propagate("forward", start_frame_index=4)}
        assert sorted(forward) == [4]
        # Tracking keeps the correction (sam2's default would recompute it from memory).
        np.testing.assert_array_equal(forward[4].masks[1], corrected.masks[1])
        backward = list(session.propagate("backward", start_frame_index=4))
        assert frame_ids(backward) == list(range(N_FRAMES))
        assert all(set(fm.masks) == {1, 7} for fm in backward)

        session.remove_object(7)
        after = list(session.propagate("both"))
        assert frame_ids(after) == list(range(N_FRAMES))
        assert all(set(fm.masks) == {1} for fm in after)


def test_windows_hand_objects_over_with_sams_own_mask_prompt(
    tmp_path: Path, checkpoint: Path, clip: tuple[Path, FrameSequence]
) -> None:
    from vtrack.vision.registry import load_segmenter
    from vtrack.vision.sam2_adapter import Sam2Segmenter

    _, frames = clip
    loaded = load_segmenter(sam2_settings(tmp_path, checkpoint, sam2_cpu_bf16=False))
    windowed = Sam2Segmenter(predictor=loaded.predictor, device="cpu", cpu_bf16=False, window=3)
    with windowed.start_session(frames) as session:  # windows (0, 3) and (2, 5)
        session.add_points(3, 1, [PointPrompt(0.5, 0.55)])
        session.add_box(3, 2, BoxPrompt(0.05, 0.1, 0.4, 0.6))
        masks = list(session.propagate("both"))
    assert frame_ids(masks) == list(range(N_FRAMES))
    # Frames 0-1 were reached only through the hand-over on frame 2 (add_new_mask).
    assert all(set(fm.masks) <= {1, 2} and fm.masks for fm in masks)
    assert all(m.shape == (H, W) for fm in masks for m in fm.masks.values())

"""Results at the source's resolution: analysis at the working size, the render on the source."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_export import read_mask_zip
from vtrack.pipelines.progress import Progress
from vtrack.pipelines.video_io import open_video
from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard
from vtrack.workflows.catalog import REMOVE_OBJECT, TRACK_POINT
from vtrack.workflows.declaration import Workflow


@pytest.fixture
def small_work(tmp_path: Path) -> Settings:
    """Analysis at 160x120 while the clip is 320x240, so every result is scaled up."""
    return Settings(data_dir=tmp_path / "data", max_width=160, max_height=120)


def run(
    workflow: Workflow, clip: Path, scene: Scene, settings: Settings, task: Path, **extra
) -> dict:
    task.mkdir(exist_ok=True)
    shutil.copy(clip, task / "input.mp4")
    x, y = scene.click
    params = {"video": "input.mp4", "points": [{"x": x, "y": y}], "has_audio": True, **extra}
    engines = EngineCache(settings)
    return workflow.run(params, task, engines, settings, Progress(workflow.steps()))


def decoded(path: Path) -> tuple[np.ndarray, av.container.InputContainer]:
    with av.open(str(path)) as container:
        frames = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])
        has_audio = bool(container.streams.audio)
    return frames, has_audio


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def away_from(masks: np.ndarray, px: int) -> np.ndarray:
    kernel = np.ones((2 * px + 1, 2 * px + 1), np.uint8)
    return np.stack([cv2.dilate(m.astype(np.uint8), kernel) == 0 for m in masks])


def test_track_is_drawn_at_the_source_resolution(
    moving_clip: Path, moving_scene: Scene, small_work: Settings, tmp_path: Path
) -> None:
    video = open_video(moving_clip, small_work)
    assert video.fmt.work_size == (160, 120) and video.fmt.out_size == (320, 240)
    result = run(TRACK_POINT, moving_clip, moving_scene, small_work, tmp_path, full_res_masks=True)
    assert result["frame_count"] == 48
    frames, has_audio = decoded(tmp_path / result["files"]["masked_video_url"])
    assert frames.shape == (48, 240, 320, 3) and has_audio
    # Away from the object the picture is the source's own (H.264 twice: > 33 dB).
    source = moving_scene.frames
    far = away_from(moving_scene.masks, 12)
    assert psnr(frames[far], source[far]) > 33
    # On the object it is tinted red: the red-green gap grows by ~half the tint.
    inside = np.stack(
        [cv2.erode(m.astype(np.uint8), np.ones((9, 9))) > 0 for m in moving_scene.masks]
    )
    gap = lambda f: float(np.mean(f[inside][:, 0].astype(int) - f[inside][:, 1]))  # noqa: E731
    assert gap(frames) - gap(source) > 60
    # Masks are exported at the working size and still follow the object.
    masks = read_mask_zip(tmp_path / result["files"]["masks_url"])
    assert sorted(masks) == list(range(48)) and masks[0].shape == (120, 160)
    small_truth = [
        cv2.resize(m.astype(np.uint8), (160, 120), interpolation=cv2.INTER_AREA) > 0
        for m in moving_scene.masks
    ]
    small_j = np.mean([jaccard(masks[i], small_truth[i]) for i in range(48)])
    assert small_j > 0.8
    # On request, the masks at the output size too, as good against the full-size truth.
    full = read_mask_zip(tmp_path / result["files"]["full_masks_url"])
    assert sorted(full) == list(range(48)) and full[0].shape == (240, 320)
    full_j = np.mean([jaccard(full[i], moving_scene.masks[i]) for i in range(48)])
    assert full_j > small_j - 0.02
    assert not (tmp_path / ".work").exists()


def test_removal_is_drawn_at_the_source_resolution(
    moving_clip: Path, moving_scene: Scene, small_work: Settings, tmp_path: Path
) -> None:
    result = run(REMOVE_OBJECT, moving_clip, moving_scene, small_work, tmp_path)
    frames, has_audio = decoded(tmp_path / result["files"]["inpainted_video_url"])
    assert frames.shape == (48, 240, 320, 3) and has_audio
    far = away_from(moving_scene.masks, 16)
    assert psnr(frames[far], moving_scene.frames[far]) > 33  # untouched: full-resolution pixels
    hole = moving_scene.masks
    # Inside the object the result is the background, not the object any more.
    assert (
        psnr(frames[hole], moving_scene.backgrounds[hole])
        > psnr(frames[hole], moving_scene.frames[hole]) + 3
    )


def frame_types(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [av.video.frame.PictureType(f.pict_type).name for f in container.decode(video=0)]


def test_the_render_gives_x264_the_source_frame_types(
    moving_clip: Path, moving_scene: Scene, small_work: Settings, tmp_path: Path
) -> None:
    """The encoder takes each source frame's P or B type (as a plain transcode of the decoded
    frames does) instead of deciding it again: the lookahead's costliest work is skipped."""
    result = run(TRACK_POINT, moving_clip, moving_scene, small_work, tmp_path)
    source = frame_types(moving_clip)
    out = frame_types(tmp_path / result["files"]["masked_video_url"])
    inter = [i for i, kind in enumerate(source) if kind in ("P", "B")]
    assert len(out) == len(source) and len(inter) > len(source) // 2
    assert [out[i] for i in inter] == [source[i] for i in inter]

"""The removal pipeline: one mask path with point-to-track, and the object gone from the output."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import numpy as np
import pytest

from vtrack.config import Settings
from vtrack.errors import JobCancelled
from vtrack.inpaint.embedded.masks import dilate
from vtrack.inpaint.metrics import survival_share
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_export import read_mask_zip
from vtrack.pipelines.outputs import Output, OutputFiles
from vtrack.pipelines.progress import Progress
from vtrack.pipelines.video_io import OpenedVideo, open_video
from vtrack.testing.scenes import Scene
from vtrack.vision.base import PointPrompt
from vtrack.workflows.catalog import REMOVE_OBJECT, TRACK_POINT
from vtrack.workflows.point_to_track import PointRequest, point_track_steps, run_point_to_track
from vtrack.workflows.remove_object import removal_steps, run_remove_object


def decode_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def _click_job(
    scene: Scene, clip: Path, settings: Settings
) -> tuple[EngineCache, OpenedVideo, PointRequest]:
    """Engines, the opened clip and a one-click request on the scene's object."""
    return (
        EngineCache(settings),
        open_video(clip, settings),
        PointRequest([PointPrompt(*scene.click)], 0),
    )


def _output_dir(path: Path, outputs: tuple[Output, ...]) -> OutputFiles:
    files = OutputFiles(path, outputs)
    files.dir.mkdir()
    return files


def test_removal_uses_exactly_point_to_tracks_masks_and_removes_the_object(
    moving_scene: Scene, moving_clip: Path, settings: Settings, tmp_path: Path
) -> None:
    engines, video, request = _click_job(moving_scene, moving_clip, settings)
    track = _output_dir(tmp_path / "track", TRACK_POINT.outputs)
    remove = _output_dir(tmp_path / "remove", REMOVE_OBJECT.outputs)
    run_point_to_track(video, request, track, engines, settings, Progress(point_track_steps()))
    result = run_remove_object(video, request, remove, engines, settings, Progress(removal_steps()))
    tracked = read_mask_zip(track.dir / track.written["masks_url"])
    removed = read_mask_zip(remove.dir / remove.written["masks_url"])
    assert sorted(tracked) == sorted(removed) == list(range(len(moving_scene.frames)))
    for i in tracked:
        assert np.array_equal(tracked[i], removed[i]), f"frame {i}: removal's mask differs"
    assert result["frames_with_object"] == len(moving_scene.frames)

    # The object is gone: none of its distinct pixels is left as it was in any frame.
    outputs = decode_frames(remove.dir / remove.written["inpainted_video_url"])
    shares = [
        survival_share(out, frame, truth, mask)
        for out, frame, truth, mask in zip(
            outputs, moving_scene.frames, moving_scene.backgrounds, moving_scene.masks, strict=True
        )
    ]
    assert max(s for s in shares if not np.isnan(s)) < 0.10, shares
    # ... and the rest of the picture is the input's (re-encoded twice: a few levels of noise).
    far = ~dilate(moving_scene.masks[10], 16)
    diff = np.abs(outputs[10][far].astype(int) - moving_scene.frames[10][far].astype(int))
    assert diff.mean() < 4.0


def test_a_removal_cancelled_while_filling_stops_its_engine_threads(
    moving_scene: Scene, moving_clip: Path, settings: Settings, tmp_path: Path
) -> None:
    # The engine fills on its own thread (and finds moving parts on another): a cancel raised
    # from its progress report ends the job with that error and leaves no thread running.
    engines, video, request = _click_job(moving_scene, moving_clip, settings)
    remove = _output_dir(tmp_path / "remove", REMOVE_OBJECT.outputs)
    progress = Progress(removal_steps(), min_interval_s=0.0)

    def on_change(p: Progress) -> None:
        if p.steps[2].status == "processing" and p.fraction > 0.6:
            raise JobCancelled("Cancelled by the user.")

    progress.on_change = on_change
    with pytest.raises(JobCancelled):
        run_remove_object(video, request, remove, engines, settings, progress)
    left = [t.name for t in threading.enumerate() if t.name in ("vtrack-fill", "vtrack-moving")]
    assert left == []

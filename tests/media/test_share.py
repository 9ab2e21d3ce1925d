"""One decode for analysis and render, and the fallback when the analysis must run ahead."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from vtrack.config import Settings
from vtrack.media.decode import decode_in_background, iter_frames
from vtrack.media.share import SourceShare
from vtrack.pipelines.render import source_frames
from vtrack.pipelines.video_io import open_video


def _reference(video) -> list[np.ndarray]:
    return list(iter_frames(video.probe, video.fmt, video.fmt.out_size))


def test_a_renderer_that_follows_gets_every_frame_from_the_one_decode(
    moving_clip: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, max_width=160, max_height=120)
    video = open_video(moving_clip, settings)
    share = SourceShare(capacity=4)
    store = decode_in_background(video.probe, video.fmt, tmp_path / "store", share=share)
    rendered: list[np.ndarray] = []
    renderer = threading.Thread(target=lambda: rendered.extend(source_frames(video, share)))
    renderer.start()
    for i in range(len(store)):  # the tracker walks forwards, a little ahead of the render
        assert store[i].shape == (120, 160, 3)
    renderer.join(30)
    store.wait_finished()
    assert not share.abandoned  # decoded once, for both
    assert len(rendered) == 48 and rendered[0].shape == (240, 320, 3)
    assert all(np.array_equal(a, b) for a, b in zip(rendered, _reference(video), strict=True))


def test_a_reader_far_ahead_lets_go_of_a_stalled_renderer(
    moving_clip: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, max_width=160, max_height=120)
    video = open_video(moving_clip, settings)
    share = SourceShare(capacity=4)
    store = decode_in_background(video.probe, video.fmt, tmp_path / "store", share=share)
    frames = source_frames(video, share)
    first = next(frames)  # the renderer drew frame 0 and now waits for masks
    # A prompt on frame 40: the decoder must run past the renderer's window.
    assert store[40].shape == (120, 160, 3)
    assert share.abandoned
    rest = list(frames)  # the renderer decodes the source itself from frame 1 on
    store.wait_finished()
    reference = _reference(video)
    assert np.array_equal(first, reference[0])
    assert len(rest) == 47
    assert all(np.array_equal(a, b) for a, b in zip(rest, reference[1:], strict=True))

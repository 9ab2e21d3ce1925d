"""Overlapped stages: frames readable while decoding, in-order release, errors reach the reader."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.errors import UnsupportedVideo
from vtrack.pipelines.concurrency import Background, InOrder
from vtrack.pipelines.video_io import decode, open_video


def test_background_decode_matches_and_finishes(
    moving_clip: Path, moving_scene, settings: Settings, tmp_path: Path
) -> None:
    video = open_video(moving_clip, settings)
    frames = decode(video, tmp_path / "work")
    last = frames[47]  # waits for the decoder to get there
    assert last.shape == (240, 320, 3)
    assert abs(float(last.mean()) - float(moving_scene.frames[47].mean())) < 3
    frames.wait_finished(10)
    assert frames.finished.is_set()


def test_decode_error_reaches_the_reader(
    moving_clip: Path, settings: Settings, tmp_path: Path
) -> None:
    video = open_video(moving_clip, settings)
    garbage = tmp_path / "replaced.mp4"
    garbage.write_bytes(b"\x00" * 4096)  # the file changed after it was validated
    video.probe.__dict__["path"] = garbage
    frames = decode(video, tmp_path / "work")
    with pytest.raises(UnsupportedVideo):
        frames[10]
    frames.wait_finished(10)
    assert frames.finished.is_set()


def test_in_order_releases_each_index_once_in_order() -> None:
    order = InOrder(6)
    seen: list[int] = []
    consumer = Background(lambda: seen.extend(order))
    for i in (3, 4, 5, 0, 2, 1):  # backwards from a click, then forwards
        order.ready(i)
        time.sleep(0.01)
    order.close()
    consumer.join()
    assert seen == [0, 1, 2, 3, 4, 5]


def test_in_order_close_with_error_stops_the_consumer() -> None:
    order = InOrder(3)
    order.ready(0)
    started = threading.Event()

    def consume() -> list[int]:
        out = []
        for i in order:
            out.append(i)
            started.set()
        return out

    consumer = Background(consume)
    started.wait(2)
    order.close(RuntimeError("tracking failed"))
    with pytest.raises(RuntimeError, match="tracking failed"):
        consumer.join()

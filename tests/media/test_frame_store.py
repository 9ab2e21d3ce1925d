"""The working-resolution frame store on disk: written by one decoder, read by any process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vtrack.media.frames import FrameInfo, FrameStore


def _filled(directory: Path, count: int = 5) -> tuple[FrameStore, list[np.ndarray]]:
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 255, (6, 10, 3), dtype=np.uint8) for _ in range(count)]
    store = FrameStore.create(directory, FrameInfo(width=10, height=6, fps=24.0, count=count))
    for i, frame in enumerate(frames):
        store.write(i, frame)
        store.mark_ready(i + 1)
    return store, frames


def test_frames_read_back_as_written_and_as_fresh_arrays(tmp_path: Path) -> None:
    store, frames = _filled(tmp_path / "store")
    assert len(store) == 5 and (store.width, store.height) == (10, 6)
    for i, frame in enumerate(frames):
        assert np.array_equal(store[i], frame)
    assert np.array_equal(store[-1], frames[-1])
    assert np.array_equal(store[1:3], np.stack(frames[1:3]))
    got = store[2]
    got[:] = 0  # a reader may draw on its copy; the store keeps the original
    assert np.array_equal(store[2], frames[2])
    with pytest.raises(IndexError):
        store[5]
    with pytest.raises(ValueError, match="does not fit"):
        store.write(0, np.zeros((6, 11, 3), np.uint8))


def test_a_finished_store_opens_in_another_process(tmp_path: Path) -> None:
    store, frames = _filled(tmp_path / "store")
    with pytest.raises(FileNotFoundError, match="never finished"):
        FrameStore.open(tmp_path / "store")
    store.finish()
    script = (
        "import sys; from vtrack.media.frames import FrameStore; "
        "s = FrameStore.open(sys.argv[1]); print(len(s), s.fps, int(s[3].astype(int).sum()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "store")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["5", "24.0", str(int(frames[3].astype(int).sum()))]
    # The data file is a plain .npy: any tool can read it.
    loaded = np.load(tmp_path / "store" / FrameStore.DATA, mmap_mode="r")
    assert loaded.shape == (5, 6, 10, 3) and np.array_equal(loaded[4], frames[4])


def test_disk_use_is_frames_times_frame_size(tmp_path: Path) -> None:
    store, _ = _filled(tmp_path / "store", count=7)
    data = tmp_path / "store" / FrameStore.DATA
    assert data.stat().st_size - 128 == 7 * 6 * 10 * 3  # the .npy header is 128 bytes
    assert store.info.frame_bytes == 180

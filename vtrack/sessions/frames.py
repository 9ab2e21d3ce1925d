"""A session's frames: decoded once into its frame store at creation, opened from disk after.

The store (`media.frames.FrameStore`) is read with pread: frames never count against the
process's resident memory, whatever the number of sessions a server holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from vtrack.media.frames import FrameStore
from vtrack.pipelines.video_io import OpenedVideo, decode
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import VideoMeta

# Open stores kept per process (one file descriptor each): sessions in use come back at once.
_OPEN_LIMIT = 32
_open: OrderedDict[Path, FrameStore] = OrderedDict()
_lock = threading.Lock()


def decode_frames(video: OpenedVideo, files: SessionFiles) -> FrameStore:
    """Decode the whole video once into the session's frame store (raises what the decoder hit)."""
    frames = decode(video, files.frames_dir)
    try:
        frames.wait_all()
    finally:
        frames.wait_finished()
    return frames


def open_frames(files: SessionFiles, video: VideoMeta) -> FrameStore:
    """The session's finished frame store, from any process."""
    key = files.frames_dir.resolve()
    with _lock:
        store = _open.get(key)
        if store is not None:
            _open.move_to_end(key)
            return store
    store = FrameStore.open(files.frames_dir)
    expected = (video.frame_count, video.height, video.width)
    if (len(store), store.height, store.width) != expected:
        raise ValueError(f"the frame store in {files.frames_dir} does not match its session")
    with _lock:
        _open[key] = store
        while len(_open) > _OPEN_LIMIT:
            _open.popitem(last=False)  # closed when the last user lets go of it
    return store


def forget(files: SessionFiles) -> None:
    """Drop the open store of a deleted session."""
    with _lock:
        _open.pop(files.frames_dir.resolve(), None)

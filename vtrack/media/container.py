"""Open media files for reading the same way everywhere, across PyAV versions."""

from __future__ import annotations

from pathlib import Path

import av


def open_input(path: Path | str) -> av.container.InputContainer:
    """Open a file for demuxing; raises av.error.FFmpegError (or OSError) if it can't be.

    PyAV < 19 decodes metadata eagerly and needs `metadata_errors="ignore"` so that non-UTF-8
    tags (common in files from cameras and old tools) don't reject a good video; PyAV 19 dropped
    the option and decodes metadata only when it is read, which we never do.
    """
    try:
        return av.open(str(path), metadata_errors="ignore")
    except TypeError:
        return av.open(str(path))

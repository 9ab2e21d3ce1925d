"""Engine warm-up at server start: load every engine, then run each workflow once on a tiny clip.

Loading a model is only part of a first job's extra cost: the first decode and encode set up
codecs, mediapipe builds its graphs on the first frame, torch plans its first convolution,
numpy and OpenCV page in their kernels. Running the three workflows once on a second of
synthetic video, in the background while the server starts, pays all of it before a person's
first job. `/api/health` says `warming_up` until it is done; a job that arrives earlier simply
waits for the engine it needs (`EngineCache` loads each once, under a lock).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from vtrack.media.audio import AudioTrack
from vtrack.media.encode import VideoWriter
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress
from vtrack.pipelines.video_io import open_video
from vtrack.workflows.catalog import WORKFLOWS

log = logging.getLogger("vtrack.engines")

_SIZE = (192, 144)
_FRAMES = 16
_FPS = 16.0
# One job per workflow: the fields a person would send.
_JOBS = (
    ("track_point", {"x": "50", "y": "50"}),
    ("text_to_video", {"prompt": "the person, isolate the drums"}),
    ("remove_object", {"x": "50", "y": "50"}),
)


def _tiny_clip(path: Path) -> Path:
    """A disc crossing a gradient, with a beat: one second, a few kilobytes."""
    w, h = _SIZE
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx * 255 // w, yy * 255 // h, np.full_like(xx, 96)], -1).astype(np.uint8)
    t = np.arange(int(_FRAMES / _FPS * 44100)) / 44100
    beat = (np.exp(-(t % 0.25) * 30) * np.sin(2 * np.pi * 220 * t) * 0.3).astype(np.float32)
    audio = AudioTrack(np.stack([beat, beat]), 44100)
    with VideoWriter(path, w, h, _FPS, audio=audio, frames=_FRAMES) as writer:
        for i in range(_FRAMES):
            frame = base.copy()
            cx = w // 4 + i * w // (2 * _FRAMES)
            disc = (xx - cx) ** 2 + (yy - h // 2) ** 2 < (h // 5) ** 2
            frame[disc] = (230, 60, 40)
            writer.write(frame)
    return path


def start_warm_up(engines: EngineCache) -> None:
    """Warm the engines up on a background thread; `engines.warming_up` until it ends."""
    engines.begin_warm_up()
    threading.Thread(target=warm_up, args=(engines,), name="vtrack-warmup", daemon=True).start()


def warm_up(engines: EngineCache) -> None:
    """Load the engines and run every workflow once; failures are logged, never raised (a job
    that needs a broken engine reports it with a clear message)."""
    started = time.monotonic()
    try:
        engines.preload()
        tmp = Path(tempfile.mkdtemp(prefix="vtrack-warmup-"))
        try:
            clip = _tiny_clip(tmp / "warmup.mp4")
            for name, fields in _JOBS:
                task = tmp / name
                task.mkdir()
                shutil.copy(clip, task / "input.mp4")
                workflow = WORKFLOWS[name]
                try:
                    video = open_video(task / "input.mp4", engines.settings)
                    params = workflow.build(workflow.parse_form(fields), video, engines)
                    params.update(video="input.mp4", has_audio=True)
                    progress = Progress(workflow.steps())
                    workflow.run(params, task, engines, engines.settings, progress)
                except Exception:  # noqa: BLE001 - e.g. nothing found in the tiny clip
                    log.debug("warm-up run of %s ended early", name, exc_info=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except Exception:  # noqa: BLE001 - the server must start whatever happens here
        log.exception("engine warm-up failed")
    finally:
        engines.ready.set()
        log.info("engines warm in %.1f s", time.monotonic() - started)

"""What the benches run: real clips made at bench time, jobs run the way the job worker runs them.

Clips are made from DAVIS-2016 footage (`../shared/data/davis16-dev`, real video with human
masks): one sequence played forwards and backwards until the clip is long enough (the object
stays in view, the motion stays real), scaled up with bicubic interpolation to the clip's size,
encoded as H.264 (CRF 18) with a real recorded soundtrack (Debian's sonic-pi drum loop, CC0)
when it is installed, else a synthetic chord. Nothing is committed: the clips live in a
temporary folder.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
DAVIS = Path(os.environ.get("VTRACK_DAVIS_DIR", REPO.parent / "shared" / "data" / "davis16-dev"))
LOOP = Path("/usr/share/sonic-pi/samples/loop_amen_full.flac")


@dataclass(frozen=True)
class Clip:
    """A clip to make: `seconds` of `sequence` at `width` x `height` and `fps`."""

    name: str
    sequence: str
    width: int
    height: int
    seconds: float
    fps: float = 30.0

    @property
    def frames(self) -> int:
        return int(round(self.seconds * self.fps))


def click_of(sequence: str) -> tuple[float, float]:
    """Percent (x, y) of the natural click on frame 0: the ground truth's deepest point."""
    mask = cv2.imread(str(DAVIS / f"{sequence}_masks" / "00000.png"), cv2.IMREAD_GRAYSCALE) > 127
    dist = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return 100 * (x + 0.5) / mask.shape[1], 100 * (y + 0.5) / mask.shape[0]


def _soundtrack(seconds: float) -> tuple[np.ndarray, int]:
    if LOOP.is_file():
        with av.open(str(LOOP)) as container:
            rate = container.streams.audio[0].rate
            chunks = [f.to_ndarray().astype(np.float32) for f in container.decode(audio=0)]
        audio = np.concatenate(chunks, axis=1)
        if np.issubdtype(chunks[0].dtype, np.integer):
            audio /= 32768.0
    else:
        from vtrack.testing.make_clip import beat_tone

        tone = beat_tone(seconds)
        audio, rate = tone.samples, tone.sample_rate
    if audio.shape[0] == 1:
        audio = np.vstack([audio, audio])
    need = int(seconds * rate)
    reps = need // audio.shape[1] + 1
    return np.ascontiguousarray(np.tile(audio[:2], (1, reps))[:, :need]), rate


def make_clip(clip: Clip, path: Path) -> Path:
    """Write `clip` to `path` (H.264 CRF 18 + AAC)."""
    with av.open(str(DAVIS / f"{clip.sequence}.mp4")) as container:
        source = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    order = list(range(len(source))) + list(range(len(source) - 2, 0, -1))
    audio, rate = _soundtrack(clip.seconds)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=Fraction(clip.fps).limit_denominator(1001))
        video.width, video.height, video.pix_fmt = clip.width, clip.height, "yuv420p"
        video.options = {"crf": "18", "preset": "veryfast"}
        sound = out.add_stream("aac", rate=rate, layout="stereo")
        for i in range(clip.frames):
            rgb = source[order[i % len(order)]]
            big = cv2.resize(rgb, (clip.width, clip.height), interpolation=cv2.INTER_CUBIC)
            frame = av.VideoFrame.from_ndarray(big, format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        for start in range(0, audio.shape[1], 1024):
            chunk = np.ascontiguousarray(audio[:, start : start + 1024])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = rate, start
            out.mux(sound.encode(frame))
        out.mux(sound.encode(None))
    return path


def run_job(
    workflow_name: str, clip: Path, fields: dict[str, str], engines: Any, task_dir: Path
) -> dict:
    """Run one job the way the worker does: form -> parameters -> the declared workflow."""
    from vtrack.pipelines.progress import Progress
    from vtrack.pipelines.video_io import open_video
    from vtrack.workflows.catalog import WORKFLOWS

    workflow = WORKFLOWS[workflow_name]
    settings = engines.settings
    task_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(clip, task_dir / "input.mp4")
    video = open_video(task_dir / "input.mp4", settings)
    params = workflow.build(workflow.parse_form(fields), video, engines)
    params.update(video="input.mp4", filename=clip.name, has_audio=video.probe.has_audio)
    return workflow.run(params, task_dir, engines, settings, Progress(workflow.steps()))


def transcode_floor(clip: Path, out: Path, settings: Any) -> int:
    """The floor: decode the source, encode it at the output size with the same H.264 settings
    and its sound (AAC), nothing else. Returns the frame count."""
    from vtrack.media.audio import read_audio
    from vtrack.media.decode import iter_decoded
    from vtrack.media.encode import VideoWriter
    from vtrack.pipelines.video_io import open_video

    video = open_video(clip, settings)
    fmt = video.fmt
    audio = read_audio(clip) if video.probe.has_audio else None
    with VideoWriter(
        out,
        fmt.out_width,
        fmt.out_height,
        fmt.fps,
        audio=audio,
        crf=settings.video_crf,
        preset=settings.video_preset,
        frames=fmt.frame_count,
    ) as writer:
        for frame in iter_decoded(video.probe, fmt):
            writer.write_frame(frame)
    return fmt.frame_count

"""Write a small real H.264 MP4 with audio from a composited scene: `python -m vtrack.testing.make_clip OUT`.

The audio is a real-sounding test signal (a chord with a percussive click on every beat), so the
result can be checked for an audio stream of the right duration.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

from vtrack.media.audio import AudioTrack
from vtrack.media.encode import VideoWriter
from vtrack.testing.scenes import Scene, composite_scene


def beat_tone(duration_s: float, sample_rate: int = 44100) -> AudioTrack:
    """Stereo chord with a decaying click on each beat (120 bpm)."""
    t = np.arange(int(duration_s * sample_rate)) / sample_rate
    chord = sum(0.12 * np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    beat = np.exp(-((t % 0.5) * 40.0)) * np.sin(2 * np.pi * 1800 * t) * 0.3
    left = (chord + beat).astype(np.float32)
    right = (chord * 0.8 + beat).astype(np.float32)
    return AudioTrack(np.stack([left, right]), sample_rate)


def write_scene(scene: Scene, path: Path, audio: bool = True) -> Path:
    """Encode a scene's frames (and a test tone) to `path`."""
    n, h, w, _ = scene.frames.shape
    track = beat_tone(n / scene.fps) if audio else None
    with VideoWriter(path, w, h, scene.fps, audio=track, crf=16) as writer:
        for frame in scene.frames:
            writer.write(frame)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--fps", type=float, default=24.0)
    parser.add_argument("--pan", type=float, default=40.0)
    parser.add_argument("--no-audio", action="store_true")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    scene = composite_scene(n_frames=args.frames, size=(w, h), pan_px=args.pan, fps=args.fps)
    write_scene(scene, args.out, audio=not args.no_audio)
    x, y = scene.click
    print(f"{args.out} click_pct={x * 100:.1f},{y * 100:.1f}")


if __name__ == "__main__":
    main()


def damage_end(data: bytes, fraction: float) -> bytes:
    """Random bytes over the last `fraction` of the media data: every packet is still there
    (the container is whole), the last ones cannot be decoded."""
    start = data.index(b"mdat") + 4
    moov = data.rindex(b"moov") - 4
    end = moov if moov > start else len(data)  # the index after the data, or before it
    at = end - int((end - start) * fraction)
    return data[:at] + random.Random(3).randbytes(end - at) + data[end:]


def scratch_media(data: bytes, fraction: int) -> bytes:
    """Random bytes over 1/`fraction` of the media data, a third of the way in, headers intact
    (damaged packets in the middle of a whole file)."""
    start = data.index(b"mdat") + 4
    mid = start + (len(data) - start) // 3
    n = (len(data) - start) // fraction
    return data[:mid] + random.Random(7).randbytes(n) + data[mid + n :]

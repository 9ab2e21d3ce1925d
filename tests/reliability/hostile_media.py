"""Small hostile media for the upload tests, made here with PyAV / OpenCV: files of the wrong
kind, cut-off and corrupt containers, too long or too large videos."""

from __future__ import annotations

import io
import random
import tempfile
import wave
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

TEXT = b"just some text, definitely not a video\n" * 40


def encode(
    fmt: str, codec: str, width: int, height: int, frames: int, fps: int = 24, **opts
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt, options=opts.pop("container_options", {})) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = opts.pop("pix_fmt", "yuv420p")
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            img = np.full((height, width, 3), (i * 7) % 255, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def encode_file(fmt: str, codec: str, frames: int, **options: str) -> bytes:
    """Like `encode`, through a real file (an MP4 is made +faststart by rewriting the file)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"clip.{fmt}"
        with av.open(str(path), "w", format=fmt, options=options) as out:
            stream = out.add_stream(codec, rate=24)
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            for i in range(frames):
                img = np.random.default_rng(i).integers(0, 255, (48, 64, 3), np.uint8)
                for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return path.read_bytes()


def cut(data: bytes, fraction: float) -> bytes:
    """The first `fraction` of the file: a download or copy that stopped early."""
    return data[: int(len(data) * fraction)]


def cut_off_cases() -> list[tuple[str, bytes, str]]:
    """(name, bytes, file name) of cut-off containers: 10 s, 240 frames each, whole at first."""
    faststart = encode_file("mp4", "libx264", 240, movflags="+faststart")
    moov_last = encode_file("mp4", "libx264", 240)
    webm = encode_file("webm", "libvpx-vp9", 240)
    mkv = encode_file("matroska", "libx264", 240)
    return [
        ("cut off: first third of a faststart MP4", cut(faststart, 1 / 3), "clip.mp4"),
        ("cut off: moov-first MP4 at 90 %", cut(faststart, 0.9), "clip.mp4"),
        ("cut off: moov-last MP4 at half", cut(moov_last, 0.5), "clip.mp4"),
        ("cut off: moov-last MP4 at 99 %", cut(moov_last, 0.99), "clip.mp4"),
        ("cut off: WebM at half", cut(webm, 0.5), "clip.webm"),
        ("cut off: MKV at a third", cut(mkv, 1 / 3), "clip.mkv"),
    ]


def mp4_moov_at_end() -> bytes:
    return encode("mp4", "libx264", 64, 48, 24)


def audio_only_m4a() -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=44100)
        for i in range(20):
            samples = (np.sin(np.arange(1024) / 10.0) * 0.2).astype(np.float32)[None, :]
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = 44100, i * 1024, Fraction(1, 44100)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def wav_bytes() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes((np.sin(np.arange(8000) / 5.0) * 8000).astype(np.int16).tobytes())
    return buf.getvalue()


def image(ext: str) -> bytes:
    img = np.random.default_rng(1).integers(0, 255, (64, 64, 3), np.uint8)
    return cv2.imencode(ext, img)[1].tobytes()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("video.mp4", TEXT)
    return buf.getvalue()


def drop_box(data: bytes, box: bytes) -> bytes:
    """The file without its `box` (size and type included): e.g. a faststart MP4 minus its moov."""
    at = data.index(box) - 4
    size = int.from_bytes(data[at : at + 4], "big")
    return data[:at] + data[at + size :]


def corrupt_moov(data: bytes) -> bytes:
    at = data.index(b"moov") + 4
    return data[:at] + random.Random(4).randbytes(400) + data[at + 400 :]


def long_video(seconds: int, fps: int = 1) -> bytes:
    return encode("mp4", "libx264", 16, 16, seconds * fps, fps=fps)

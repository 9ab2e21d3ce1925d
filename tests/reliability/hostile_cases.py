"""The corpus of hostile uploads: what each case sends, grouped by what it attacks (the file's
kind, its container, its length or size, its name, the HTTP transport, the form fields), and the
odd-but-valid controls that must be accepted."""

from __future__ import annotations

import gzip
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from vtrack.testing.make_clip import scratch_media

from .conftest import Cluster
from .hostile_media import (
    TEXT,
    audio_only_m4a,
    corrupt_moov,
    cut_off_cases,
    drop_box,
    encode,
    image,
    long_video,
    mp4_moov_at_end,
    wav_bytes,
    zip_bytes,
)
from .raw_http import BOUNDARY, Outcome, big_body, head, multipart, raw_request, video_form

Case = tuple[str, Callable[[], Outcome]]
Post = Callable[..., Outcome]
Upload = Callable[..., Callable[[], Outcome]]


def build_cases(
    cluster: Cluster, clip: Path, client: httpx.Client
) -> tuple[list[Case], list[Case]]:
    """(rejects, controls): every reject must get a 4xx with a message and leave no file."""
    post = _poster(client)

    def upload(content: bytes | Callable[[], bytes], name: bytes | str = "clip.mp4", **fields):
        return lambda: post(video_form(content() if callable(content) else content, name, **fields))

    good = clip.read_bytes()
    cut_offs = cut_off_cases()
    rejects = [
        *_wrong_kinds(upload, good),
        *_broken_containers(upload, good),
        *_too_much(upload),
        *_hostile_names(upload),
        *_hostile_transport(cluster.base, post, good),
        *_bad_fields(upload, post, good),
        *((name, upload(data, filename)) for name, data, filename in cut_offs),
    ]
    controls: list[Case] = [
        ("valid clip named ../../evil.mp4", upload(good, "../../evil.mp4")),
        ("valid clip with a unicode name", upload(good, "ünïcødé 🎬.mp4")),
        (
            "4K UHD frame (downscaled per spec)",
            upload(lambda: encode("mp4", "libx264", 3840, 2160, 2)),
        ),
        ("corrupt packets mid-stream", upload(scratch_media(good, 3))),
        (
            "cut off, accept_cut_off=true (first third)",
            upload(cut_offs[0][1], accept_cut_off="true"),
        ),
    ]
    return rejects, controls


def _poster(client: httpx.Client) -> Post:
    def post(body: bytes, endpoint: str = "/api/track-point", ctype: str | None = None) -> Outcome:
        started = time.monotonic()
        response = client.post(
            endpoint,
            content=body,
            headers={
                "content-type": ctype or f"multipart/form-data; boundary={BOUNDARY}",
                "prefer": "respond-async",  # accepted controls are followed as tasks
            },
        )
        try:
            detail = response.json().get("detail", "")
        except ValueError:
            detail = response.text[:200]
        task_id = response.json().get("task_id", "") if response.status_code == 202 else ""
        return Outcome(response.status_code, str(detail), time.monotonic() - started, task_id)

    return post


def _wrong_kinds(upload: Upload, good: bytes) -> list[Case]:
    """Files that are not videos at all, under a video's name or their own."""
    return [
        ("zero bytes", upload(b"")),
        ("zero bytes, empty filename", upload(b"", "")),
        ("text renamed .mp4", upload(TEXT)),
        ("text as .txt", upload(TEXT, "notes.txt")),
        ("HTML renamed .mp4", upload(b"<!doctype html><html><body>hi</body></html>" * 20)),
        ("JSON renamed .mp4", upload(b'{"video": true, "frames": [1, 2, 3]}' * 30)),
        ("random bytes", upload(random.Random(1).randbytes(65536))),
        ("random bytes after an ftyp box", upload(good[:32] + random.Random(2).randbytes(65536))),
        ("zip renamed .mp4", upload(zip_bytes)),
        ("PDF renamed .mp4", upload(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + TEXT)),
        ("executable renamed .mp4", upload(Path(sys.executable).read_bytes()[:65536])),
        ("gzip renamed .mp4", upload(gzip.compress(TEXT))),
        ("PNG image", upload(lambda: image(".png"), "still.png")),
        ("PNG renamed .mp4", upload(lambda: image(".png"))),
        ("JPEG image", upload(lambda: image(".jpg"), "photo.jpg")),
        ("JPEG renamed .mp4", upload(lambda: image(".jpg"))),
        ("BMP renamed .mp4", upload(lambda: image(".bmp"))),
        ("animated GIF", upload(lambda: encode("gif", "gif", 32, 32, 6, pix_fmt="rgb8"), "a.gif")),
        ("WAV audio", upload(wav_bytes, "song.wav")),
        ("WAV renamed .mp4", upload(wav_bytes)),
        ("audio-only MP4 (AAC)", upload(audio_only_m4a, "song.m4a")),
    ]


def _broken_containers(upload: Upload, good: bytes) -> list[Case]:
    """Video containers that are truncated, corrupt, empty or of a kind we do not take."""
    moov_end = mp4_moov_at_end()
    return [
        ("truncated MP4, moov missing", upload(moov_end[: moov_end.index(b"moov") - 4])),
        ("MP4 header only", upload(good[:40])),
        ("moov box cut out (mdat kept)", upload(drop_box(good, b"moov"))),
        ("moov contents overwritten", upload(lambda: corrupt_moov(good))),
        ("MPEG-TS container", upload(lambda: encode("mpegts", "libx264", 64, 48, 12), "c.ts")),
        ("raw H.264 stream", upload(lambda: encode("h264", "libx264", 64, 48, 12), "c.h264")),
        ("Y4M raw video", upload(lambda: encode("yuv4mpegpipe", "rawvideo", 32, 32, 4), "c.y4m")),
        ("FLV container", upload(lambda: encode("flv", "flv", 64, 48, 12), "c.flv")),
        (
            "MKV with garbage after EBML",
            upload(b"\x1a\x45\xdf\xa3" + random.Random(3).randbytes(4096), "c.mkv"),
        ),
        ("MP4 with no frames", upload(lambda: encode("mp4", "libx264", 64, 48, 0))),
    ]


def _too_much(upload: Upload) -> list[Case]:
    """Over the duration, frame-count or pixel limits (each refused from the header alone)."""
    return [
        ("10-minute video (16x16, 1 fps)", upload(lambda: long_video(600))),
        ("11-second video", upload(lambda: long_video(11, fps=4))),
        (
            "1440 frames at 16x16 (240 fps)",
            upload(lambda: encode("mp4", "libx264", 16, 16, 1440, fps=240)),
        ),
        (
            "8K frame (above the pixel limit)",
            upload(
                lambda: encode("matroska", "mjpeg", 8192, 4608, 1, pix_fmt="yuvj420p"), "big.mkv"
            ),
        ),
    ]


def _hostile_names(upload: Upload) -> list[Case]:
    """File names that try to escape the upload folder or break headers and logs."""
    return [
        ("unicode name, text inside", upload(TEXT, "видео 🎬 ß.mp4")),
        ("../ name, text inside", upload(TEXT, "../../../../tmp/evil.mp4")),
        ("encoded-slash name, text inside", upload(TEXT, "..%2F..%2Fevil.mp4")),
        ("absolute path name, text inside", upload(TEXT, "/etc/passwd")),
        ("backslash name, text inside", upload(TEXT, "..\\..\\evil.mp4")),
        ("NUL in name, text inside", upload(TEXT, b"evil\x00.mp4")),
        ("5000-char name, text inside", upload(TEXT, "a" * 5000 + ".mp4")),
        ("CRLF in name", upload(TEXT, b"a.mp4\r\nX-Injected: 1")),
    ]


def _hostile_transport(base: str, post: Post, good: bytes) -> list[Case]:
    """Bodies that are too big, too slow, or not the multipart form the endpoint takes."""
    return [
        ("101 MB body (chunked, no length)", lambda: big_body(base)),
        (
            "101 MB declared Content-Length",
            lambda: raw_request(
                base, head("/api/track-point", 101 * 2**20), [(0, b"--" + BOUNDARY.encode())]
            ),
        ),
        (
            "slow-loris (headers, a few bytes, stall)",
            lambda: raw_request(
                base, head("/api/track-point", 50_000), [(0, f"--{BOUNDARY}\r\n".encode())]
            ),
        ),
        (
            "slow drip (1 byte / 0.3 s)",
            lambda: raw_request(
                base,
                head("/api/track-point", 50_000),
                [(0.3, bytes([b])) for b in video_form(TEXT)[:40]],
                wait_s=20,
            ),
        ),
        ("raw body, not multipart", lambda: post(good, ctype="application/octet-stream")),
        ("multipart without boundary", lambda: post(video_form(good), ctype="multipart/form-data")),
        (
            "multipart/mixed",
            lambda: post(video_form(good), ctype=f"multipart/mixed; boundary={BOUNDARY}"),
        ),
        (
            "malformed multipart",
            lambda: post(f"--{BOUNDARY}\r\nnot a header line\r\n\r\nxx".encode()),
        ),
    ]


def _bad_fields(upload: Upload, post: Post, good: bytes) -> list[Case]:
    """A good video with missing, doubled, oversized or out-of-range form fields."""
    return [
        ("no video field", lambda: post(multipart([("x", None, b"50"), ("y", None, b"50")]))),
        (
            "two video files",
            lambda: post(multipart([("video", "a.mp4", good), ("video", "b.mp4", good)])),
        ),
        ("video under another field name", lambda: post(multipart([("file", "a.mp4", good)]))),
        ("100 KB form field", upload(good, x="5" * 100_000)),
        ("click outside the frame (x=500)", upload(good, x="500")),
        ("click is NaN", upload(good, x="nan")),
        ("click missing", lambda: post(multipart([("video", "a.mp4", good)]))),
        ("points not JSON", upload(good, points="[{x: 1")),
        ("frame_idx past the end", upload(good, frame_idx="99999")),
        ("empty text prompt", lambda: post(video_form(good, prompt=" "), "/api/text-to-video")),
        (
            "1000-char prompt",
            lambda: post(video_form(good, prompt="a" * 1000), "/api/text-to-video"),
        ),
    ]

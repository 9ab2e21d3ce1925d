"""Hostile uploads against a real uvicorn API process: each gets a clear 4xx, never a 5xx, and
leaves no file behind; a few valid-but-odd controls are accepted and stored safely."""

from __future__ import annotations

import gzip
import io
import random
import select
import socket
import sys
import time
import wave
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import av
import cv2
import httpx
import numpy as np
import pytest

from vtrack.testing.make_clip import scratch_media

from .conftest import Cluster

pytestmark = pytest.mark.reliability
BOUNDARY = "----vtrackhostile7d3a"
TEXT = b"just some text, definitely not a video\n" * 40


@dataclass
class Outcome:
    status: int | None
    detail: str
    seconds: float
    task_id: str = ""


def multipart(parts: list[tuple[str, bytes | str | None, bytes]]) -> bytes:
    """(field, filename or None, content) parts; filenames go in raw, exactly as given."""
    out = bytearray()
    for name, filename, content in parts:
        out += f"--{BOUNDARY}\r\n".encode()
        disposition = f'Content-Disposition: form-data; name="{name}"'.encode()
        if filename is not None:
            raw = filename.encode() if isinstance(filename, str) else filename
            disposition += b'; filename="' + raw + b'"'
        out += disposition + b"\r\n"
        if filename is not None:
            out += b"Content-Type: video/mp4\r\n"
        out += b"\r\n" + content + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


def video_form(content: bytes, filename: bytes | str = "clip.mp4", **fields: str) -> bytes:
    fields = {"x": "50", "y": "50", **fields}
    return multipart(
        [("video", filename, content), *((k, None, v.encode()) for k, v in fields.items())]
    )


# ---- media generators (small, made here with PyAV / OpenCV) -------------------------------------


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
    import tempfile

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


def valid_mp4(path: Path) -> bytes:
    return path.read_bytes()


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


# ---- raw HTTP for what a well-behaved client would never send ---------------------------------


def raw_request(base: str, head: bytes, chunks: list[tuple[float, bytes]], wait_s: float = 15):
    """Send `head` then each (delay, bytes) chunk; return (status, body, seconds) or None."""
    url = urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=wait_s) as sock:
        sock.sendall(head)
        try:
            for delay, chunk in chunks:
                # Stop sending as soon as the server has answered (like a real client would).
                if select.select([sock], [], [], delay)[0]:
                    break
                sock.sendall(chunk)
        except OSError:
            pass  # the server may answer (and close) before we finish sending
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 10:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
        except OSError:
            pass
    seconds = time.monotonic() - started
    if not data.startswith(b"HTTP/1.1 "):
        return Outcome(None, data[:200].decode(errors="replace"), seconds)
    return Outcome(
        int(data[9:12]), data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace"), seconds
    )


def head(path: str, length: int | None, content_type: str | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines.append(f"Content-Type: {content_type or f'multipart/form-data; boundary={BOUNDARY}'}")
    lines.append(
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---- the corpus --------------------------------------------------------------------------------

Case = tuple[str, Callable[[], Outcome]]


def build_cases(
    cluster: Cluster, clip: Path, client: httpx.Client
) -> tuple[list[Case], list[Case]]:
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

    def upload(content: bytes | Callable[[], bytes], name: bytes | str = "clip.mp4", **fields):
        return lambda: post(video_form(content() if callable(content) else content, name, **fields))

    good = clip.read_bytes()
    moov_end = mp4_moov_at_end()
    rejects: list[Case] = [
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
        ("unicode name, text inside", upload(TEXT, "видео 🎬 ß.mp4")),
        ("../ name, text inside", upload(TEXT, "../../../../tmp/evil.mp4")),
        ("encoded-slash name, text inside", upload(TEXT, "..%2F..%2Fevil.mp4")),
        ("absolute path name, text inside", upload(TEXT, "/etc/passwd")),
        ("backslash name, text inside", upload(TEXT, "..\\..\\evil.mp4")),
        ("NUL in name, text inside", upload(TEXT, b"evil\x00.mp4")),
        ("5000-char name, text inside", upload(TEXT, "a" * 5000 + ".mp4")),
        ("CRLF in name", upload(TEXT, b"a.mp4\r\nX-Injected: 1")),
        ("101 MB body (chunked, no length)", lambda: big_body(cluster.base)),
        (
            "101 MB declared Content-Length",
            lambda: raw_request(
                cluster.base,
                head("/api/track-point", 101 * 2**20),
                [(0, b"--" + BOUNDARY.encode())],
            ),
        ),
        (
            "slow-loris (headers, a few bytes, stall)",
            lambda: raw_request(
                cluster.base, head("/api/track-point", 50_000), [(0, f"--{BOUNDARY}\r\n".encode())]
            ),
        ),
        (
            "slow drip (1 byte / 0.3 s)",
            lambda: raw_request(
                cluster.base,
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
    controls: list[Case] = [
        ("valid clip named ../../evil.mp4", upload(good, "../../evil.mp4")),
        ("valid clip with a unicode name", upload(good, "ünïcødé 🎬.mp4")),
        (
            "4K UHD frame (downscaled per spec)",
            upload(lambda: encode("mp4", "libx264", 3840, 2160, 2)),
        ),
        ("corrupt packets mid-stream", upload(scratch_media(good, 3))),
    ]
    cut_offs = cut_off_cases()
    rejects += [(name, upload(data, filename)) for name, data, filename in cut_offs]
    controls.append(
        (
            "cut off, accept_cut_off=true (first third)",
            upload(cut_offs[0][1], accept_cut_off="true"),
        )
    )
    return rejects, controls


def corrupt_moov(data: bytes) -> bytes:
    at = data.index(b"moov") + 4
    return data[:at] + random.Random(4).randbytes(400) + data[at + 400 :]


def long_video(seconds: int, fps: int = 1) -> bytes:
    return encode("mp4", "libx264", 16, 16, seconds * fps, fps=fps)


def big_body(base: str) -> Outcome:
    """101 MB streamed from a generator (never held in memory), no Content-Length."""
    prefix = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    block = b"\0" * (1 << 20)

    def body():
        yield prefix
        for _ in range(101):
            yield block
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    started = time.monotonic()
    try:
        response = httpx.post(
            base + "/api/track-point",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
            timeout=60,
        )
    except httpx.HTTPError as exc:  # the server may close before reading it all
        return Outcome(None, repr(exc), time.monotonic() - started)
    return Outcome(
        response.status_code, response.json().get("detail", ""), time.monotonic() - started
    )


def disk_state(data_dir: Path, ignore: set[str]) -> set[str]:
    """Every path under the data dir except inside task folders that existed before."""
    found = set()
    for path in data_dir.rglob("*"):
        rel = path.relative_to(data_dir)
        if len(rel.parts) >= 3 and rel.parts[0] == "uploads" and rel.parts[1] in ignore:
            continue
        found.add(str(rel))
    return found


def test_hostile_uploads(cluster: Cluster, tiny_clip: Path, summary: dict[str, str]) -> None:
    cluster.ensure_workers(2)
    data = cluster.data_dir
    problems: list[str] = []
    rejected = server_errors = strays = 0
    slowest_probe = 0.0
    codes: dict[int | None, int] = {}
    with cluster.client() as client:
        rejects, controls = build_cases(cluster, tiny_clip, client)
        for name, run in rejects:
            known = {p.name for p in cluster.uploads.iterdir()}
            before = disk_state(data, known)
            outcome = run()
            after = disk_state(data, known)
            if after != before:
                strays += 1
                problems.append(f"{name}: stray files {sorted(after - before)[:3]}")
            if outcome.status is not None and outcome.status >= 500:
                server_errors += 1
            if outcome.status is not None and 400 <= outcome.status < 500 and outcome.detail:
                rejected += 1
            else:
                problems.append(f"{name}: {outcome.status} {outcome.detail[:120]!r}")
            if name.startswith(("10-minute", "1440 frames", "8K")):
                slowest_probe = max(slowest_probe, outcome.seconds)
                if outcome.seconds > 2:
                    problems.append(f"{name}: took {outcome.seconds:.1f} s")
            codes[outcome.status] = codes.get(outcome.status, 0) + 1
            if name.startswith("slow") and outcome.status != 408:
                problems.append(f"{name}: {outcome.status} instead of 408")
            if name.startswith("cut off") and "cut off" not in outcome.detail:
                problems.append(f"{name}: not told it is cut off: {outcome.detail[:120]!r}")
            if name.startswith("slow") and outcome.seconds > 6:
                problems.append(f"{name}: 408 only after {outcome.seconds:.1f} s")

        accepted = 0
        escaped = [p for p in cluster.tmp.rglob("evil*")] + list(Path("/tmp").glob("evil*"))
        control_ends: list[str] = []
        for name, run in controls:
            outcome = run()
            if outcome.status != 202:
                server_errors += int(outcome.status is not None and outcome.status >= 500)
                problems.append(f"{name}: {outcome.status} {outcome.detail[:120]!r}")
                continue
            accepted += 1
            task_id = outcome.task_id
            stored = sorted(p.name for p in (cluster.uploads / task_id).iterdir())
            if not stored or stored[0] != "input.mp4":
                problems.append(f"{name}: stored as {stored}")
            # Accepted odd files must still end cleanly: done, or failed with a clear 4xx reason.
            final = cluster.wait(client, task_id, timeout_s=90)
            job = final["status"] if final["status"] == "complete" else f"{final['status']}"
            control_ends.append(f"{name} -> {job} {final['error'] or ''}".strip())
            if name.startswith("cut off, accept"):
                # Only what is in the file, and a notice naming the missing part.
                frames = final["result"].get("frame_count")
                notice = [n for n in final["notices"] if "cut off after 0:03" in n]
                if not (frames and 70 <= frames <= 82 and notice):
                    problems.append(f"{name}: {frames} frames, notices {final['notices']}")
            if final["status"] != "complete" and not (
                final["error"] and "Processing failed" not in final["error"]
            ):
                problems.append(f"{name}: job ended {final['status']} {final['error']!r}")
        escaped += [p for p in cluster.tmp.rglob("evil*")] + list(Path("/tmp").glob("evil*"))
        assert not escaped, escaped
    total = len(rejects)
    summary["hostile uploads"] = (
        f"{total} kinds, {rejected} rejected with 4xx and a message, {server_errors} 5xx, "
        f"{strays} stray files; {accepted}/{len(controls)} odd-but-valid controls accepted "
        f"and stored only as uploads/<id>/input.*; header-only rejection of 10-min/1440-frame/8K "
        f"files in <= {slowest_probe:.2f} s; statuses {dict(sorted(codes.items()))}; "
        f"controls: {'; '.join(control_ends)}"
    )
    assert not problems, "\n".join(problems)
    assert total >= 50 and rejected == total and server_errors == 0 and strays == 0

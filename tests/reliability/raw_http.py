"""HTTP as a hostile client sends it: hand-built multipart bodies, raw sockets for what a
well-behaved client never sends (stalls, drips, lying lengths), a 101 MB streamed body."""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

BOUNDARY = "----vtrackhostile7d3a"


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

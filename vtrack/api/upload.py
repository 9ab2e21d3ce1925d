"""Streamed multipart upload: the video goes straight to disk and the size limit is enforced
while bytes arrive (never after buffering a whole body), with idle and total time limits so a
slow-loris client cannot hold a worker slot forever."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from vtrack.errors import InvalidInput, VideoTooLarge

FIELD_LIMIT = 64 * 1024
SAFE_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"}


class UploadTimedOut(InvalidInput):
    http_status = 408


class UnsupportedMediaType(InvalidInput):
    http_status = 415


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    file_path: Path | None = None
    filename: str | None = None
    size: int = 0


def safe_display_name(name: str | None) -> str:
    """A filename to show back to the user; never used to build a path."""
    if not name:
        return "video"
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .")[:120] or "video"


def stored_name(filename: str | None) -> str:
    suffix = Path(safe_display_name(filename)).suffix.lower()
    return "input" + (suffix if suffix in SAFE_EXTENSIONS else ".bin")


def check_headers(request: Request, max_bytes: int) -> bytes:
    """The multipart boundary; refuse other bodies, and a declared size over the limit, early."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise UnsupportedMediaType(
            "Send the video as multipart/form-data with a 'video' file field."
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + FIELD_LIMIT * 4:
        raise VideoTooLarge(
            f"The upload is {int(declared) / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB "
            "(VTRACK_MAX_UPLOAD_MB on the server)."
        )
    return options[b"boundary"]


class _FormSink:
    """The multipart parser's callbacks: the file part goes to disk, the other parts to fields."""

    def __init__(self, form: UploadForm, dest_dir: Path, file_field: str, max_bytes: int):
        self.form = form
        self.dest_dir = dest_dir
        self.file_field = file_field
        self.max_bytes = max_bytes
        self.name: str | None = None
        self.buf = bytearray()
        self.fh: BinaryIO | None = None
        self.headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()

    def callbacks(self) -> dict[str, Callable]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda d, a, b: self._field.extend(d[a:b]),
            "on_header_value": lambda d, a, b: self._value.extend(d[a:b]),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.name, self.buf, self.fh, self.headers = None, bytearray(), None, {}

    def on_header_end(self) -> None:
        self.headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def on_headers_finished(self) -> None:
        _, opts = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = opts.get(b"name", b"").decode("utf-8", "replace")
        if self.name != self.file_field:
            return
        if self.form.file_path is not None:
            raise InvalidInput("Send exactly one video file.")
        raw = opts.get(b"filename*") or opts.get(b"filename") or b""
        self.form.filename = safe_display_name(raw.decode("utf-8", "replace"))
        self.form.file_path = self.dest_dir / stored_name(self.form.filename)
        self.fh = open(self.form.file_path, "wb")  # noqa: SIM115 - closed in on_part_end / close

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.fh is not None:
            self.form.size += len(chunk)
            if self.form.size > self.max_bytes:
                raise VideoTooLarge(
                    f"The video is larger than the {self.max_bytes / 2**20:.0f} MB limit "
                    "(VTRACK_MAX_UPLOAD_MB on the server)."
                )
            self.fh.write(chunk)
        else:
            self.buf.extend(chunk)
            if len(self.buf) > FIELD_LIMIT:
                raise InvalidInput(f"The form field '{self.name}' is too long.")

    def on_part_end(self) -> None:
        if self.fh is not None:
            self.close()
        elif self.name:
            self.form.fields[self.name] = bytes(self.buf).decode("utf-8", "replace")

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


async def _feed(
    request: Request, parser: MultipartParser, idle_timeout_s: float, total_timeout_s: float
) -> None:
    """Pass the body to the parser as it arrives; stop a stalled or endless upload with 408."""
    deadline = time.monotonic() + total_timeout_s
    stream = request.stream().__aiter__()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise UploadTimedOut("The upload took too long and was stopped.")
        try:
            chunk = await asyncio.wait_for(
                stream.__anext__(), timeout=min(idle_timeout_s, remaining)
            )
        except StopAsyncIteration:
            break
        except TimeoutError as exc:
            raise UploadTimedOut(
                "The upload stalled (no data arrived for a while) and was stopped."
            ) from exc
        if chunk:
            parser.write(chunk)
    parser.finalize()


async def receive_upload(
    request: Request,
    dest_dir: Path,
    file_field: str,
    max_bytes: int,
    idle_timeout_s: float = 30.0,
    total_timeout_s: float = 300.0,
) -> UploadForm:
    """Parse a multipart body; the file part `file_field` is written to `dest_dir`.

    On any error the partial file is removed by the caller (it owns `dest_dir`).
    """
    boundary = check_headers(request, max_bytes)
    form = UploadForm()
    sink = _FormSink(form, dest_dir, file_field, max_bytes)
    try:
        await _feed(
            request, MultipartParser(boundary, sink.callbacks()), idle_timeout_s, total_timeout_s
        )
    except MultipartParseError as exc:
        raise InvalidInput("The upload is not a well-formed multipart form.") from exc
    except ClientDisconnect as exc:
        raise InvalidInput("The upload was interrupted before it finished.") from exc
    finally:
        sink.close()
    if form.file_path is None or form.size == 0:
        raise InvalidInput("No video was uploaded (the 'video' field is missing or empty).")
    return form

"""Streamed multipart upload: the video goes straight to disk and the size limit is enforced
while bytes arrive (never after buffering a whole body), with idle and total time limits so a
slow-loris client cannot hold a worker slot forever."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

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
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise UnsupportedMediaType(
            "Send the video as multipart/form-data with a 'video' file field."
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + FIELD_LIMIT * 4:
        raise VideoTooLarge(
            f"The upload is {int(declared) / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB."
        )

    form = UploadForm()
    state: dict = {"name": None, "filename": None, "buf": None, "fh": None, "headers": {}}
    header_field = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        state.update(name=None, filename=None, buf=bytearray(), fh=None, headers={})

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        state["headers"][bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, opts = parse_options_header(state["headers"].get(b"content-disposition", b""))
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if name == file_field:
            if form.file_path is not None:
                raise InvalidInput("Send exactly one video file.")
            raw = opts.get(b"filename*") or opts.get(b"filename") or b""
            form.filename = safe_display_name(raw.decode("utf-8", "replace"))
            path = dest_dir / stored_name(form.filename)
            form.file_path = path
            state["fh"] = open(path, "wb")  # noqa: SIM115 - closed in on_part_end / finally

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state["fh"] is not None:
            form.size += len(chunk)
            if form.size > max_bytes:
                raise VideoTooLarge(
                    f"The video is larger than the {max_bytes / 2**20:.0f} MB limit."
                )
            state["fh"].write(chunk)
        else:
            state["buf"].extend(chunk)
            if len(state["buf"]) > FIELD_LIMIT:
                raise InvalidInput(f"The form field '{state['name']}' is too long.")

    def on_part_end() -> None:
        if state["fh"] is not None:
            state["fh"].close()
            state["fh"] = None
        elif state["name"]:
            form.fields[state["name"]] = bytes(state["buf"]).decode("utf-8", "replace")

    parser = MultipartParser(
        options[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    deadline = time.monotonic() + total_timeout_s
    stream = request.stream().__aiter__()
    try:
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
    except MultipartParseError as exc:
        raise InvalidInput("The upload is not a well-formed multipart form.") from exc
    except ClientDisconnect as exc:
        raise InvalidInput("The upload was interrupted before it finished.") from exc
    finally:
        if state["fh"] is not None:
            state["fh"].close()
    if form.file_path is None or form.size == 0:
        raise InvalidInput("No video was uploaded (the 'video' field is missing or empty).")
    return form

"""Write and read stems as WAV files (16-bit PCM or 32-bit float) with the standard library only."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np

from vtrack.errors import InvalidInput

_WAVE_FORMAT_IEEE_FLOAT = 3


def write_wav(path: Path | str, audio: np.ndarray, sample_rate: int, float32: bool = False) -> Path:
    """Write (channels, samples) or (samples,) audio in [-1, 1]; 16-bit PCM unless `float32`."""
    path = Path(path)
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] < 1 or sample_rate <= 0:
        raise InvalidInput(f"cannot write audio of shape {audio.shape} at {sample_rate} Hz")
    interleaved = np.ascontiguousarray(x.T)
    path.parent.mkdir(parents=True, exist_ok=True)
    if float32:
        # The wave module writes only PCM headers, so float WAV gets its header written by hand.
        data = interleaved.astype("<f4").tobytes()
        n_ch = x.shape[0]
        fmt = struct.pack(
            "<HHIIHH",
            _WAVE_FORMAT_IEEE_FLOAT,
            n_ch,
            sample_rate,
            sample_rate * n_ch * 4,
            n_ch * 4,
            32,
        )
        with open(path, "wb") as f:
            f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
            f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
            f.write(b"data" + struct.pack("<I", len(data)) + data)
        return path
    # Clip, then round to nearest: stems of a loud mix may exceed full scale slightly.
    pcm = np.round(np.clip(interleaved, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[0])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path | str) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM or 32-bit float WAV written by `write_wav`: ((channels, samples), rate)."""
    raw = Path(path).read_bytes()
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise InvalidInput(f"{path} is not a WAV file")
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos : pos + 4], struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        body = raw[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif cid == b"data":
            data = body
        pos += 8 + size + (size & 1)
    if fmt is None or data is None:
        raise InvalidInput(f"{path} has no fmt/data chunk")
    tag, n_ch, rate, _, _, bits = fmt
    if tag == _WAVE_FORMAT_IEEE_FLOAT and bits == 32:
        x = np.frombuffer(data, "<f4").astype(np.float32)
    elif tag == 1 and bits == 16:
        x = np.frombuffer(data, "<i2").astype(np.float32) / 32767.0
    else:
        raise InvalidInput(f"{path}: unsupported WAV format tag {tag}, {bits} bits")
    return x.reshape(-1, n_ch).T.copy(), int(rate)


def write_stems(
    folder: Path | str, stems: dict[str, np.ndarray], sample_rate: int, float32: bool = False
) -> dict[str, Path]:
    """Write each stem to `<folder>/<stem>.wav`; returns {stem: path}."""
    folder = Path(folder)
    return {
        name: write_wav(folder / f"{name}.wav", audio, sample_rate, float32)
        for name, audio in stems.items()
    }

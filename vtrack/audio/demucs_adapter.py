"""Adapter over Demucs 4.1.0 (`demucs.api.Separator`), loading only from a local model folder.

The folder (settings.demucs_repo) holds `<sig>[-<checksum>].th` files and bag files such as
`htdemucs.yaml`. We never pass `repo=None`: Demucs would then go to the Hugging Face hub or AWS.
Progress and cancel go through Demucs' per-segment callback; a progress callback that raises
aborts the separation with that exception. Long inputs are fed in bounded outer chunks with
cross-fades (Demucs itself resamples and normalises whole inputs at once).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from vtrack.audio.base import STEMS_4, STEMS_6, ProgressCallback, StemSeparator, as_channels_first
from vtrack.errors import EngineUnavailable, InvalidInput


def demucs_unavailable_reason(repo: Path | None, model: str) -> str:
    """Why Demucs cannot run here ("" when it can), checked without importing torch or demucs."""
    for package in ("torch", "demucs"):
        if importlib.util.find_spec(package) is None:
            return f"{package} is not installed (pip install demucs==4.1.0)"
    if importlib.util.find_spec("demucs.api") is None:
        return "demucs has no demucs.api: install demucs==4.1.0 (4.0.1 lacks it)"
    if repo is None:
        return "no local model folder: set VTRACK_DEMUCS_REPO to a folder with the model files"
    repo = Path(repo)
    if not repo.is_dir():
        return f"model folder {repo} does not exist"
    bag = repo / f"{model}.yaml"
    singles = [p for p in repo.glob("*.th") if p.stem.split("-", 1)[0] == model]
    if not bag.is_file() and not singles:
        return f"model {model!r} not found in {repo} (expected {model}.yaml or {model}[-hash].th)"
    if bag.is_file():
        missing = _missing_bag_members(bag, repo)
        if missing:
            return f"{bag.name} lists models missing from {repo}: {', '.join(missing)}"
    return ""


def _missing_bag_members(bag: Path, repo: Path) -> list[str]:
    try:
        import yaml

        spec = yaml.safe_load(bag.read_text()) or {}
    except Exception as exc:
        return [f"(unreadable {bag.name}: {exc})"]
    have = {p.stem.split("-", 1)[0] for p in repo.glob("*.th")}
    return [str(sig) for sig in spec.get("models", []) if str(sig) not in have]


def verify_model(repo: Path, model: str) -> None:
    """Load `model` from `repo` on the CPU with Demucs' own loader and drop it; raises if it fails."""
    reason = demucs_unavailable_reason(repo, model)
    if reason:
        raise EngineUnavailable(f"Demucs unavailable: {reason}")
    from demucs.pretrained import get_model

    try:
        get_model(model, repo=Path(repo))
    except SystemExit as exc:  # demucs calls sys.exit() via fatal() on a bad repo
        raise EngineUnavailable(f"Demucs could not load {model!r} from {repo}") from exc
    except Exception as exc:  # a truncated download, a model of another Demucs version...
        raise EngineUnavailable(
            f"Demucs could not load {model!r} from {repo}: {type(exc).__name__}: {exc}"
        ) from exc


def model_files(repo: Path | None) -> list[Path]:
    """The weight and bag files of a local model folder (their identity keys the load check)."""
    if repo is None or not Path(repo).is_dir():
        return []
    return sorted(p for p in Path(repo).iterdir() if p.suffix in (".th", ".yaml"))


class DemucsSeparator(StemSeparator):
    """Demucs (HT-Demucs by default) from local weights; 4 or 6 stems depending on the model."""

    name = "demucs"
    sums_to_mix = False  # a neural estimate per stem; the residual is not forced into one stem

    def __init__(
        self,
        repo: Path | None,
        model: str = "htdemucs",
        device: str = "cpu",
        shifts: int = 0,
        overlap: float = 0.25,
        segment: float | None = None,
        chunk_seconds: float = 120.0,
        separator: Any = None,
    ) -> None:
        """Load `model` from `repo`. `separator` injects a ready `demucs.api.Separator` (tests)."""
        if separator is None:
            reason = demucs_unavailable_reason(repo, model)
            if reason:
                raise EngineUnavailable(f"Demucs unavailable: {reason}")
            import demucs.api

            try:
                separator = demucs.api.Separator(
                    model=model, repo=Path(repo), device=device, shifts=shifts, overlap=overlap
                )
            except SystemExit as exc:  # demucs calls sys.exit() via fatal() on a bad repo
                raise EngineUnavailable(f"Demucs could not load {model!r} from {repo}") from exc
            except Exception as exc:
                raise EngineUnavailable(f"Demucs could not load {model!r}: {exc}") from exc
        self._sep = separator
        if segment is not None:
            self._sep.update_parameter(segment=segment)
        self.model_name = model
        self.chunk_seconds = chunk_seconds
        self.overlap_seconds = 2.0
        sources = tuple(self._sep.model.sources)
        self.stems = STEMS_6 if set(sources) >= set(STEMS_6) else sources or STEMS_4
        self._sources = sources

    @property
    def samplerate(self) -> int:
        return int(self._sep.samplerate)

    def separate(
        self,
        audio: np.ndarray,
        sample_rate: int,
        progress: ProgressCallback | None = None,
    ) -> dict[str, np.ndarray]:
        import torch

        audio = as_channels_first(audio)
        n_ch, n = audio.shape
        if n_ch > 2:
            raise InvalidInput("Demucs takes mono or stereo audio")
        out = {s: np.zeros((n_ch, n), np.float32) for s in self._sources}
        if n == 0:
            return out
        chunk = int(self.chunk_seconds * sample_rate)
        overlap = int(self.overlap_seconds * sample_rate)
        starts = [0] if n <= chunk else list(range(0, n - overlap, chunk - overlap))
        if progress:
            progress(0.0)
        for i, start in enumerate(starts):
            end = n if i == len(starts) - 1 else min(n, start + chunk)
            self._sep.update_parameter(callback=self._callback(progress, i, len(starts)))
            piece = torch.from_numpy(np.ascontiguousarray(audio[:, start:end]))
            # Demucs models are stereo; it converts channels itself (mono is duplicated) and
            # resamples to the model rate. We bring its output back to the caller's shape and rate.
            _, stems = self._sep.separate_tensor(piece, sample_rate)
            weight = np.ones(end - start, np.float32)
            m = min(overlap, end - start)
            if i > 0:
                weight[:m] = np.linspace(0.0, 1.0, m + 2, dtype=np.float32)[1:-1]
            if i < len(starts) - 1:
                weight[-m:] *= np.linspace(1.0, 0.0, m + 2, dtype=np.float32)[1:-1]
            for name, wav in stems.items():
                back = self._to_caller(wav, sample_rate, n_ch, end - start)
                out[name][:, start:end] += back * weight
        if progress:
            progress(1.0)
        return out

    def _to_caller(self, wav: Any, sample_rate: int, n_ch: int, length: int) -> np.ndarray:
        x = wav.detach().cpu().numpy().astype(np.float32)
        if sample_rate != self.samplerate:
            from scipy.signal import resample_poly

            g = np.gcd(sample_rate, self.samplerate)
            x = resample_poly(x, sample_rate // g, self.samplerate // g, axis=-1).astype(np.float32)
        if x.shape[-1] >= length:
            x = x[:, :length]
        else:
            x = np.pad(x, ((0, 0), (0, length - x.shape[-1])))
        if n_ch == 1 and x.shape[0] != 1:
            x = x.mean(axis=0, keepdims=True)
        return x

    @staticmethod
    def _callback(progress: ProgressCallback | None, chunk_idx: int, n_chunks: int):
        """Map Demucs' per-segment callback dicts onto our 0-1 progress (exceptions propagate)."""

        def callback(info: dict) -> None:
            if progress is None or info.get("state") != "end":
                return
            length = max(1, int(info.get("audio_length") or 1))
            models = max(1, int(info.get("models") or 1))
            within = min(1.0, (int(info.get("segment_offset", 0)) + 1) / length)
            # Segment offsets restart for each model of a bag; the last segment lands near 1.
            frac = (int(info.get("model_idx_in_bag", 0)) + within) / models
            progress(min(1.0, (chunk_idx + frac) / n_chunks))

        return callback

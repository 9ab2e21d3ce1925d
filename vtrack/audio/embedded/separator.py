"""The embedded 4-stem separator: pretrained Spleeter vocals plus DSP for drums, bass and other.

Per chunk (at 44.1 kHz): vocals = Spleeter's soft mask on a 4096-point STFT (or, without torch,
REPET non-repetition x stereo centredness x voice band); accompaniment = mix - vocals; drums =
HPSS percussive mask on the accompaniment (with a transient rule for kicks below 150 Hz);
bass = the non-percussive, centre-panned part under ~400 Hz; other = what remains. Every stem
is a residual or a masked copy of the same chunk, so the four sum back to the mix exactly.
Long audio is processed in overlapping chunks with linear cross-fades (memory stays bounded,
and cross-fading every stem with the same weights keeps the sum equal to the mix).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

from vtrack.audio.base import STEMS_4, ProgressCallback, StemSeparator
from vtrack.audio.embedded import dsp
from vtrack.audio.embedded.stft import istft, stft
from vtrack.errors import InvalidInput

WORK_RATE = 44100
N_FFT = 4096
HOP = 1024
BASS_CUTOFF_HZ = 400.0


class EmbeddedSeparator(StemSeparator):
    """Drums, bass, other, vocals on CPU from packages alone (no downloaded weights)."""

    name = "embedded"
    stems = STEMS_4
    sums_to_mix = True

    def __init__(
        self,
        use_model: bool = True,
        chunk_seconds: float = 30.0,
        overlap_seconds: float = 2.0,
    ) -> None:
        if chunk_seconds <= 2 * overlap_seconds:
            raise ValueError("chunk_seconds must exceed twice the overlap")
        self.chunk_seconds = chunk_seconds
        self.overlap_seconds = overlap_seconds
        self._spleeter = None
        self.fallback_reason = ""
        if use_model:
            from vtrack.audio.embedded import spleeter

            self.fallback_reason = spleeter.unavailable_reason()
            if not self.fallback_reason:
                try:
                    self._spleeter = spleeter.SpleeterVocals()
                except Exception as exc:  # a broken install must not take the studio down
                    self.fallback_reason = f"Spleeter failed to load: {exc}"
        else:
            self.fallback_reason = "model disabled"

    @property
    def uses_model(self) -> bool:
        """True when vocals come from the pretrained Spleeter nets, False in pure-DSP mode."""
        return self._spleeter is not None

    @property
    def description(self) -> str:
        if self.uses_model:
            return "Spleeter 2-stem vocals (pretrained) + HPSS/low-band/stereo DSP for drums, bass, other"
        return f"pure DSP (REPET + stereo centre vocals, HPSS drums); no Spleeter: {self.fallback_reason}"

    def separate(
        self,
        audio: np.ndarray,
        sample_rate: int,
        progress: ProgressCallback | None = None,
    ) -> dict[str, np.ndarray]:
        audio = np.asarray(audio, dtype=np.float32)
        if audio.ndim == 1:
            audio = audio[None, :]
        if audio.ndim != 2 or audio.shape[0] < 1:
            raise InvalidInput(f"audio must be (channels, samples), got shape {audio.shape}")
        if sample_rate <= 0:
            raise InvalidInput(f"invalid sample rate {sample_rate}")
        n_ch, n = audio.shape
        out = {s: np.zeros((n_ch, n), np.float32) for s in self.stems}
        if n == 0:
            return out
        chunk = max(1, int(self.chunk_seconds * sample_rate))
        overlap = int(self.overlap_seconds * sample_rate)
        step = chunk - overlap
        starts = list(range(0, max(1, n - overlap), step)) if n > chunk else [0]
        if progress:
            progress(0.0)
        for i, start in enumerate(starts):
            end = min(n, start + chunk)
            if i == len(starts) - 1:
                end = n
            piece = self._separate_chunk(audio[:, start:end], sample_rate)
            # Linear fade-in over the overlap with the previous chunk (which faded out there).
            weight = np.ones(end - start, np.float32)
            if i > 0:
                m = min(overlap, end - start)
                weight[:m] = np.linspace(0.0, 1.0, m + 2, dtype=np.float32)[1:-1]
            if i < len(starts) - 1:
                m = min(overlap, end - start)
                weight[-m:] *= np.linspace(1.0, 0.0, m + 2, dtype=np.float32)[1:-1]
            for s in self.stems:
                out[s][:, start:end] += piece[s] * weight
            if progress:
                progress((i + 1) / len(starts))
        # Float rounding across chunks and resampling: put the last crumbs into "other" so the sum
        # is the mix to float precision.
        out["other"] += audio - sum(out[s] for s in self.stems)
        return out

    def _separate_chunk(self, x: np.ndarray, sample_rate: int) -> dict[str, np.ndarray]:
        """Separate one chunk of any channel count (pairs of channels are processed as stereo)."""
        n_ch, n = x.shape
        result = {s: np.zeros((n_ch, n), np.float32) for s in self.stems}
        for c in range(0, n_ch, 2):
            group = x[c : c + 2]
            stereo = group if group.shape[0] == 2 else np.repeat(group, 2, axis=0)
            work = _resample(stereo, sample_rate, WORK_RATE)
            stems = self._separate_stereo(work)
            for s in ("drums", "bass", "vocals"):
                back = _resample(stems[s], WORK_RATE, sample_rate, length=n)
                if group.shape[0] == 1:
                    back = back.mean(axis=0, keepdims=True)
                result[s][c : c + group.shape[0]] = back
            # "other" is the residual at the caller's rate, so resampling cannot break the sum.
            result["other"][c : c + group.shape[0]] = group - sum(
                result[s][c : c + group.shape[0]] for s in ("drums", "bass", "vocals")
            )
        return result

    def _separate_stereo(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """(2, n) at 44.1 kHz -> four stems that sum to x."""
        n = x.shape[1]
        spec = stft(x, N_FFT, HOP)
        mag = np.abs(spec)
        freqs = np.fft.rfftfreq(N_FFT, 1.0 / WORK_RATE)
        if self._spleeter is not None:
            vmask = self._spleeter.vocals_mask(spec)
        else:
            vmask = _dsp_vocals_mask(mag, freqs)
        vocals = istft(spec * vmask, N_FFT, HOP, n)
        accomp = x - vocals
        aspec = stft(accomp, N_FFT, HOP)
        amag = np.abs(aspec)
        pmask = dsp.percussive_mask(amag.mean(axis=0), freqs)
        drums = istft(aspec * pmask, N_FFT, HOP, n)
        bmask = (1.0 - pmask) * dsp.lowpass_weight(freqs, BASS_CUTOFF_HZ) * dsp.centre_weight(amag)
        bass = istft(aspec * bmask, N_FFT, HOP, n)
        other = accomp - drums - bass
        return {"drums": drums, "bass": bass, "other": other, "vocals": vocals}


def _dsp_vocals_mask(mag: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Vocals without a model: what does not repeat (REPET), is centred and in the voice band."""
    mono = mag.mean(axis=0)
    background = dsp.repet_background(mono, HOP / WORK_RATE)
    foreground = np.clip(1.0 - background / (mono + 1e-9), 0.0, 1.0)
    band = ((freqs > 150) & (freqs < 8000)).astype(np.float32)[:, None]
    return (foreground * dsp.centre_weight(mag, width=0.3) * band)[None].repeat(2, axis=0)


def _resample(x: np.ndarray, rate_in: int, rate_out: int, length: int | None = None) -> np.ndarray:
    if rate_in == rate_out:
        y = x
    else:
        g = np.gcd(rate_in, rate_out)
        y = resample_poly(x, rate_out // g, rate_in // g, axis=-1).astype(np.float32)
    if length is not None:
        if y.shape[-1] >= length:
            y = y[..., :length]
        else:
            y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, length - y.shape[-1])])
    return np.ascontiguousarray(y, dtype=np.float32)

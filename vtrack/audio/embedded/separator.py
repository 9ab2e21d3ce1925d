"""The embedded 4-stem separator: pretrained Spleeter vocals plus DSP for drums, bass and other.

Per chunk (at 44.1 kHz): vocals = Spleeter's soft mask on a 4096-point STFT (or, without torch,
REPET non-repetition x stereo centredness x voice band); accompaniment = mix - vocals; drums =
HPSS percussive mask on the accompaniment (with a transient rule for kicks below 150 Hz);
bass = a harmonic comb along the tracked bass f0 (8192-point STFT) on the non-percussive
accompaniment; other = what remains. Every stem
is a residual or a masked copy of the same chunk, so the four sum back to the mix exactly.
Long audio is processed in overlapping chunks with linear cross-fades (memory stays bounded,
and cross-fading every stem with the same weights keeps the sum equal to the mix).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

from vtrack.audio.base import STEMS_4, ProgressCallback, StemSeparator, as_channels_first
from vtrack.audio.embedded import dsp
from vtrack.audio.embedded.stft import istft, stft
from vtrack.errors import InvalidInput

WORK_RATE = 44100
N_FFT = 4096
HOP = 1024
# Bass: a longer window resolves the harmonics of a 40 Hz note (5.4 Hz bins instead of 10.8).
BASS_N_FFT = 8192
BASS_DECIMATE = 8
BASS_COMB_MAX_HZ = 2000.0
BASS_FLOOR_HZ = 120.0  # below this, centred energy off the comb still goes mostly to bass
BASS_FLOOR = 0.7


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
            return (
                "Spleeter 2-stem vocals (pretrained) + HPSS drums, pitch-comb bass, residual other"
            )
        return f"pure DSP (REPET + stereo centre vocals, HPSS drums); no Spleeter: {self.fallback_reason}"

    def separate(
        self,
        audio: np.ndarray,
        sample_rate: int,
        progress: ProgressCallback | None = None,
    ) -> dict[str, np.ndarray]:
        audio = as_channels_first(audio)
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
        bass = _bass(accomp - drums)
        other = accomp - drums - bass
        return {"drums": drums, "bass": bass, "other": other, "vocals": vocals}


def _bass(harmonic: np.ndarray) -> np.ndarray:
    """The bass in the non-percussive accompaniment (2, n): a pitch-tracked harmonic comb.

    The f0 of the strongest harmonic series rooted in 30-300 Hz is tracked per frame, and the
    comb keeps its harmonics up to ~2 kHz (so a bright bass keeps its upper partials) while a
    guitar or keys note in the same register, whose partials fall between the teeth, stays in
    "other". This needs no stereo cue, so it works on mono-ish low ends. Energy off the comb below
    ~120 Hz (note onsets, decays, misses of the tracker) is mostly bass too when it is centred,
    hence a soft floor there.
    """
    n = harmonic.shape[1]
    # Everything kept lies under ~2.6 kHz, so work at 1/8 of the rate: the same 5.4 Hz bins
    # (1024 points at 5.5 kHz = 8192 at 44.1 kHz) for an eighth of the FFT work.
    low = resample_poly(harmonic, 1, BASS_DECIMATE, axis=-1).astype(np.float32)
    n_fft, hop = BASS_N_FFT // BASS_DECIMATE, HOP // BASS_DECIMATE
    spec = stft(low, n_fft, hop)
    freqs = np.fft.rfftfreq(n_fft, BASS_DECIMATE / WORK_RATE)
    mag = np.abs(spec)
    f0 = dsp.bass_f0(mag.mean(axis=0), freqs[1])
    comb = dsp.harmonic_comb(f0, freqs, BASS_COMB_MAX_HZ)
    comb = dsp.limit_outlier_harmonics(comb, mag.mean(axis=0), f0, freqs[1])
    # Pan cue relative to the bass's own stereo image, measured under 150 Hz where it dominates:
    # panned guitar partials on the comb teeth go to "other", a wide bass keeps its sides.
    width = max(0.15, 4.0 * dsp.stereo_spread(mag, comb * (freqs < 150.0)[:, None]))
    pan_weight = dsp.centre_weight(mag, width)
    floor = BASS_FLOOR * dsp.lowpass_weight(freqs, BASS_FLOOR_HZ)
    bass = istft(spec * np.maximum(comb, floor) * pan_weight, n_fft, hop, low.shape[1])
    return _upsample(bass, BASS_DECIMATE, n)


def _upsample(x: np.ndarray, factor: int, length: int) -> np.ndarray:
    y = resample_poly(x, factor, 1, axis=-1)[..., :length]
    if y.shape[-1] < length:
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, length - y.shape[-1])])
    return y.astype(np.float32)


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

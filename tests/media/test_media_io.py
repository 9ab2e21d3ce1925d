"""Probe, validate, decode and encode real files made with PyAV."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vtrack.config import Settings
from vtrack.errors import UnsupportedVideo, VideoTooLong
from vtrack.media.audio import read_audio
from vtrack.media.decode import iter_frames
from vtrack.media.encode import VideoWriter
from vtrack.media.probe import probe_video
from vtrack.media.validate import fit_within, validate_video
from vtrack.testing.make_clip import beat_tone, damage_end, scratch_media


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def write_raw(
    path: Path,
    frames: list[np.ndarray],
    fps: float,
    *,
    codec: str = "libx264",
    fmt: str = "mp4",
    pts: list[int] | None = None,
    time_base: Fraction | None = None,
) -> Path:
    """Write frames with explicit timestamps (to make VFR, rotated or other-container files)."""
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
        h, w = frames[0].shape[:2]
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p"
        if time_base is not None:
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = pts[i] if pts else i
            frame.time_base = time_base or Fraction(1, 1) / Fraction(fps).limit_denominator(1001)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def test_probe_reports_streams_and_duration(moving_clip: Path) -> None:
    probe = probe_video(moving_clip)
    assert (probe.width, probe.height) == (320, 240)
    assert probe.fps == pytest.approx(24.0)
    assert probe.frame_count == 48
    assert probe.duration_s == pytest.approx(2.0, abs=0.05)
    assert probe.has_audio and probe.audio_codec == "aac"
    assert probe.video_codec == "h264"


def test_decode_roundtrip_is_faithful(moving_clip: Path, moving_scene, settings: Settings) -> None:
    probe = probe_video(moving_clip)
    frames = list(iter_frames(probe, validate_video(probe, settings)))
    assert len(frames) == 48
    assert frames[0].shape == (240, 320, 3) and frames[0].dtype == np.uint8
    # Encoded at CRF 16: the decoded frames must be close to what was written.
    assert min(psnr(a, b) for a, b in zip(frames, moving_scene.frames, strict=True)) > 30


def test_encoded_output_is_browser_playable_h264_with_audio(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    tone = beat_tone(1.0)
    with VideoWriter(out, 64, 48, 24.0, audio=tone) as writer:
        for i in range(24):
            writer.write(np.full((48, 64, 3), i * 10, np.uint8))
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert audio.codec_context.name == "aac"
        assert float(audio.duration * audio.time_base) == pytest.approx(1.0, abs=0.05)
        assert sum(1 for _ in container.decode(video=0)) == 24
    data = out.read_bytes()
    # +faststart: the moov atom precedes mdat so a browser can start playing at once.
    assert data.index(b"moov") < data.index(b"mdat")
    assert not list(tmp_path.glob(".*.part"))


def test_audio_encoded_beside_the_video_has_the_video_length(tmp_path: Path) -> None:
    out = tmp_path / "ahead.mp4"
    with VideoWriter(out, 64, 48, 24.0, audio=beat_tone(3.0), frames=48) as writer:
        for i in range(48):
            writer.write(np.full((48, 64, 3), i * 5, np.uint8))
    with av.open(str(out)) as container:
        audio = container.streams.audio[0]
        assert float(audio.duration * audio.time_base) == pytest.approx(2.0, abs=0.05)
        assert sum(1 for _ in container.decode(video=0)) == 48
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(audio=0)) > 80  # 2 s of 1024-sample frames


def test_failed_encode_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError), VideoWriter(out, 64, 48, 24.0) as writer:
        writer.write(np.zeros((48, 64, 3), np.uint8))
        raise RuntimeError("pipeline failed")
    assert list(tmp_path.iterdir()) == []


def test_audio_roundtrip_keeps_duration(moving_clip: Path) -> None:
    track = read_audio(moving_clip)
    assert track is not None and track.channels == 2
    assert track.duration_s == pytest.approx(2.0, abs=0.05)
    assert float(np.abs(track.samples).max()) > 0.1


def test_video_without_audio(silent_clip: Path) -> None:
    assert not probe_video(silent_clip).has_audio
    assert read_audio(silent_clip) is None


def test_vfr_is_resampled_to_constant_rate(tmp_path: Path, settings: Settings) -> None:
    # 20 distinct frames at irregular times over ~2 s (time base 1/1000).
    frames = [np.full((32, 32, 3), 10 * i, np.uint8) for i in range(20)]
    pts = [
        0,
        40,
        90,
        200,
        250,
        260,
        300,
        420,
        500,
        600,
        640,
        700,
        820,
        900,
        1000,
        1100,
        1300,
        1500,
        1700,
        1900,
    ]
    path = write_raw(
        tmp_path / "vfr.mkv", frames, 10.0, fmt="matroska", pts=pts, time_base=Fraction(1, 1000)
    )
    probe = probe_video(path)
    fmt = validate_video(probe, settings)
    decoded = list(iter_frames(probe, fmt))
    assert len(decoded) == fmt.frame_count
    # Each output instant k/fps shows the frame nearest in time at or before it (+half a period).
    times = np.array(pts) / 1000
    for k, frame in enumerate(decoded):
        t = k / fmt.fps
        expected = int(np.searchsorted(times, t + 0.5 / fmt.fps, side="right") - 1)
        assert abs(int(frame[0, 0, 0]) - 10 * expected) <= 3, (k, t)
    # repeated instants are separate arrays: an overlay drawn on one must not show on the next
    assert len({id(frame) for frame in decoded}) == len(decoded)


def test_odd_size_is_made_even(tmp_path: Path, settings: Settings) -> None:
    frames = [np.full((51, 67, 3), 100, np.uint8) for _ in range(10)]
    path = write_raw(tmp_path / "odd.avi", frames, 10.0, codec="mpeg4", fmt="avi")
    probe = probe_video(path)
    fmt = validate_video(probe, settings)
    assert fmt.width % 2 == 0 and fmt.height % 2 == 0
    assert next(iter(iter_frames(probe, fmt))).shape == (fmt.height, fmt.width, 3)


def test_hd_is_analysed_small_and_rendered_at_its_own_size(
    tmp_path: Path, settings: Settings
) -> None:
    frames = [np.full((720, 1280, 3), 50, np.uint8) for _ in range(3)]
    probe = probe_video(write_raw(tmp_path / "hd.mp4", frames, 24.0))
    fmt = validate_video(probe, settings)
    assert fmt.work_size == (854, 480)
    assert fmt.out_size == (1280, 720)
    assert fmt.notices == []  # nothing the person sees was made smaller


def test_larger_than_the_output_limit_is_rendered_at_it_with_a_notice(tmp_path: Path) -> None:
    frames = [np.full((1440, 2560, 3), 50, np.uint8) for _ in range(2)]
    probe = probe_video(write_raw(tmp_path / "qhd.mp4", frames, 24.0))
    fmt = validate_video(probe, Settings(output_max_width=1920, output_max_height=1080))
    assert fmt.out_size == (1920, 1080)
    assert fmt.work_size == (854, 480)
    assert any("rendered at 1920x1080" in n and "VTRACK_OUTPUT_MAX" in n for n in fmt.notices)
    # Portrait sources fit the limit turned the same way.
    portrait = [np.full((2560, 1440, 3), 50, np.uint8) for _ in range(2)]
    probe = probe_video(write_raw(tmp_path / "tall.mp4", portrait, 24.0))
    assert validate_video(probe, Settings()).out_size == (1080, 1920)


def test_portrait_fits_rotated_limits() -> None:
    assert fit_within(1080, 1920, 854, 480) == (480, 854)
    assert fit_within(640, 360, 854, 480) == (640, 360)


def test_rotation_metadata_is_applied(tmp_path: Path, settings: Settings) -> None:
    # A frame whose left half is white; with 90° display rotation the white half ends up on top
    # or bottom, and the displayed size is swapped.
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[:, :32] = 255
    path = tmp_path / "rot.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.set_display_rotation(90)
        for i in range(6):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    probe = probe_video(path)
    assert probe.rotation in (90, 270)
    assert (probe.width, probe.height) == (48, 64)
    first = next(iter(iter_frames(probe, validate_video(probe, settings))))
    assert first.shape == (64, 48, 3)
    top, bottom = first[:32].mean(), first[32:].mean()
    assert abs(top - bottom) > 150


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "not a video"),
        (b"hello, this is text renamed to mp4\n" * 10, "not a video"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "not a video"),
    ],
)
def test_probe_rejects_non_videos(tmp_path: Path, payload: bytes, message: str) -> None:
    path = tmp_path / "fake.mp4"
    path.write_bytes(payload)
    with pytest.raises(UnsupportedVideo) as err:
        probe_video(path)
    assert message in err.value.message


def test_audio_only_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "song.m4a"
    tone = beat_tone(0.5)
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=tone.sample_rate, layout="stereo")
        frame = av.AudioFrame.from_ndarray(tone.samples, format="fltp", layout="stereo")
        frame.sample_rate = tone.sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(UnsupportedVideo, match="no video stream"):
        probe_video(path)


def test_too_long_is_rejected(tmp_path: Path) -> None:
    frames = [np.zeros((32, 32, 3), np.uint8) for _ in range(30)]
    probe = probe_video(write_raw(tmp_path / "long.mp4", frames, 2.0))  # 15 s
    with pytest.raises(VideoTooLong, match="15.0 s long") as err:
        validate_video(probe, Settings(max_duration_s=10))
    # The message names the limit and the setting that changes it.
    assert "the limit is 10 s" in err.value.message
    assert "VTRACK_MAX_DURATION_S" in err.value.message
    assert validate_video(probe, Settings()).frame_count == 30  # the default allows 120 s


def test_too_many_frames_names_the_setting(tmp_path: Path) -> None:
    frames = [np.zeros((32, 32, 3), np.uint8) for _ in range(30)]
    probe = probe_video(write_raw(tmp_path / "many.mp4", frames, 30.0))
    with pytest.raises(VideoTooLong, match="VTRACK_MAX_FRAMES"):
        validate_video(probe, Settings(max_frames=20))


def test_a_few_broken_packets_cost_frames_not_the_video(
    moving_clip: Path, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "scratched.mp4"
    path.write_bytes(scratch_media(moving_clip.read_bytes(), 50))
    probe = probe_video(path)
    assert len(list(iter_frames(probe, validate_video(probe, settings)))) == 48


def test_a_badly_damaged_stream_is_rejected_clearly(
    moving_clip: Path, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "shredded.mp4"
    path.write_bytes(scratch_media(moving_clip.read_bytes(), 3))
    probe = probe_video(path)
    with pytest.raises(UnsupportedVideo, match="too damaged"):
        list(iter_frames(probe, validate_video(probe, settings)))


def test_a_damaged_end_is_refused_not_frozen(
    moving_clip: Path, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "bad_end.mp4"
    path.write_bytes(damage_end(moving_clip.read_bytes(), 0.1))
    probe = probe_video(path)
    with pytest.raises(UnsupportedVideo, match="damaged data") as err:
        list(iter_frames(probe, validate_video(probe, settings)))
    assert "accept_cut_off" in err.value.message
    # Accepted, the part that decodes is worked on: every frame is there, the end held still.
    frames = list(iter_frames(probe, validate_video(probe, settings, accept_cut_off=True)))
    assert len(frames) == 48 and np.array_equal(frames[-1], frames[-2])


def test_remux_swaps_the_audio_without_reencoding(moving_clip: Path, tmp_path: Path) -> None:
    from vtrack.media.encode import remux_with_audio

    out = remux_with_audio(moving_clip, beat_tone(2.0, 22050), tmp_path / "swapped.mp4")
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.sample_rate == 22050
        assert sum(1 for _ in container.demux(video=0)) >= 48
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 512)
    with pytest.raises(av.error.FFmpegError):
        remux_with_audio(broken, beat_tone(1.0), tmp_path / "never.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.mp4", "swapped.mp4"]

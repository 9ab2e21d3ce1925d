"""Cut-off files are found without decoding; whole real files never are."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from vtrack.config import Settings
from vtrack.errors import VideoTruncated
from vtrack.media.probe import probe_video
from vtrack.media.validate import validate_video

from ..conftest import DAVIS_DIR


def test_whole_real_clips_are_not_cut_off() -> None:
    clips = sorted(DAVIS_DIR.glob("*.mp4"))
    if not clips:
        pytest.skip(f"DAVIS clips not found in {DAVIS_DIR}")
    flagged = [c.name for c in clips if probe_video(c).cut_off_at_s is not None]
    assert flagged == [], flagged  # real footage from other tools, 30 clips


def last_video_packet_end(path: Path) -> int:
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    return packets[-1].pos + packets[-1].size // 2


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.9, "half of the last frame"])
def test_a_cut_faststart_mp4_is_found_however_little_is_missing(
    moving_clip: Path, tmp_path: Path, fraction: float | str
) -> None:
    data = moving_clip.read_bytes()  # faststart: the index lists all 48 frames up front
    cut = tmp_path / "cut.mp4"
    end = last_video_packet_end(moving_clip) if isinstance(fraction, str) else len(data) * fraction
    cut.write_bytes(data[: int(end)])
    probe = probe_video(cut)
    assert probe.cut_off_at_s is not None and probe.cut_off_at_s < probe.duration_s
    with pytest.raises(VideoTruncated, match="upload the whole file"):
        validate_video(probe, Settings())
    taken = validate_video(probe, Settings(), accept_cut_off=True)
    assert taken.frame_count == max(1, round(probe.cut_off_at_s * probe.fps))
    assert taken.frame_count < 48
    assert "cut off after" in taken.notices[0]


def test_the_whole_file_is_not_cut_off(moving_clip: Path) -> None:
    probe = probe_video(moving_clip)
    assert probe.cut_off_at_s is None and validate_video(probe, Settings()).frame_count == 48

"""The `vtrack` command line runs the same pipeline as the API."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from vtrack.cli import main
from vtrack.pipelines.mask_export import read_mask_zip
from vtrack.vision.metrics import jaccard


def test_track_command_writes_video_and_masks(
    moving_clip: Path, moving_scene, tmp_path: Path, capsys
) -> None:
    x, y = moving_scene.click
    out, masks = tmp_path / "out.mp4", tmp_path / "masks.zip"
    code = main(
        [
            "track",
            str(moving_clip),
            "--point",
            f"{x * 100},{y * 100}",
            "--frame",
            "0",
            "-o",
            str(out),
            "--masks",
            str(masks),
        ]
    )
    assert code == 0
    assert "object on 48/48 frames" in capsys.readouterr().out
    with av.open(str(out)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}
    got = read_mask_zip(masks)
    assert np.mean([jaccard(got[i], moving_scene.masks[i]) for i in range(48)]) > 0.6


def test_track_command_reports_bad_input(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    assert main(["track", str(bad), "--point", "50,50", "-o", str(tmp_path / "o.mp4")]) == 2
    assert "not a video" in capsys.readouterr().err

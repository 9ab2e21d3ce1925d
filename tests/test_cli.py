"""The `vtrack` command line runs the API's workflows, on one video or a batch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from vtrack.cli import build_parser, main
from vtrack.pipelines.mask_export import read_mask_zip
from vtrack.testing.make_clip import write_scene
from vtrack.testing.scenes import composite_scene
from vtrack.vision.metrics import jaccard
from vtrack.workflows.catalog import WORKFLOWS

# What the libraries print on their own when nobody stops them (mediapipe, TF-Lite, absl, glog,
# protobuf): none of it may reach the terminal.
NOISE = ("W0000", "I0000", "TensorFlow Lite", "absl::", "XNNPACK", "Warning", "warnings.warn")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary table wraps to the terminal: give it room, so a sentence stays on one line."""
    monkeypatch.setenv("COLUMNS", "200")


def test_track_command_writes_video_and_masks(
    moving_clip: Path, moving_scene, tmp_path: Path, capsys
) -> None:
    x, y = moving_scene.click
    out, masks = tmp_path / "out.mp4", tmp_path / "masks.zip"
    argv = ["track", str(moving_clip), "--point", f"{x * 100},{y * 100}", "--frame", "0"]
    code = main([*argv, "-o", str(out), "--masks", str(masks)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "object on 48/48" in printed and "done" in printed
    with av.open(str(out)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}
    got = read_mask_zip(masks)
    assert np.mean([jaccard(got[i], moving_scene.masks[i]) for i in range(48)]) > 0.6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["masks.zip", "out.mp4"]


def test_text_command_writes_the_stems_beside_the_video(moving_clip: Path, tmp_path: Path) -> None:
    code = main(["text", str(moving_clip), "--prompt", "isolate drums", "-o", str(tmp_path)])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    expected = ["drums.wav", "highlighted_video.mp4", "masks.zip", "no_drums.wav", "stem_video.mp4"]
    assert names == [f"moving_{n}" for n in expected]


def test_workflow_options_are_the_api_fields() -> None:
    parser = build_parser()
    for workflow in WORKFLOWS.values():
        sub = parser._subparsers._group_actions[0].choices[workflow.command]
        flags = {flag for action in sub._actions for flag in action.option_strings}
        for name in workflow.form.model_fields:
            assert "--" + name.replace("_", "-") in flags, (workflow.command, name)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["track", "V", "--x", "500", "--y", "50"], "'x' must be between 0 and 100"),
        (["track", "V", "--x", "50"], "'y' is required"),
        (["text", "V", "--prompt", "x" * 400], "too long"),
    ],
)
def test_bad_options_are_refused_with_the_apis_message(argv, words, capsys) -> None:
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_track_command_reports_bad_input(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    assert main(["track", str(bad), "--point", "50,50", "-o", str(tmp_path / "o.mp4")]) == 1
    captured = capsys.readouterr()
    assert "not a video" in captured.out and "failed" in captured.out
    assert "1 of 1 file(s) failed" in captured.err


@pytest.fixture(scope="module")
def batch_clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("batch")
    clips = []
    for i, sprite in enumerate(("chelsea", "astronaut", "coffee")):
        scene = composite_scene(
            f"b{i}", sprite=sprite, background="rocket", n_frames=16, size=(160, 120), seed=i
        )
        clips.append(write_scene(scene, folder / f"clip{i}.mp4"))
    (folder / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000))
    return clips


def test_batch_with_a_bad_file_among_good_ones(batch_clips: list[Path], tmp_path: Path) -> None:
    """A real process, as a person runs it: a glob over three clips and a broken file."""
    folder = batch_clips[0].parent
    made = subprocess.run(
        [sys.executable, "-m", "vtrack.cli", "track", str(folder / "*.mp4"), "--point", "30,50"]
        + ["-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert made.returncode == 1, made.stdout + made.stderr
    # One progress bar per file (a non-terminal gets the final state of each), no noise.
    bars = [line for line in made.stderr.splitlines() if ".mp4" in line]
    assert len(bars) == 4, made.stderr
    assert not [n for n in NOISE if n in made.stderr + made.stdout], made.stderr
    assert "1 of 4 file(s) failed" in made.stderr
    rows = [line for line in made.stdout.splitlines() if ".mp4" in line and "│" in line]
    assert [("done" in r, "failed" in r) for r in rows] == [(False, True)] + [(True, False)] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"clip{i}_{name}" for i in range(3) for name in ("masked_video.mp4", "masks.zip")
    ]


def test_a_cut_off_file_is_refused_unless_accepted(
    moving_clip: Path, moving_scene, tmp_path: Path, capsys
) -> None:
    data = moving_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    x, y = (v * 100 for v in moving_scene.click)
    argv = ["track", str(cut), "--point", f"{x},{y}", "-o", str(tmp_path / "out")]
    assert main(argv) == 1
    assert "upload the whole file" in capsys.readouterr().out
    assert main([*argv, "--accept-cut-off"]) == 0
    printed = capsys.readouterr().out
    assert "cut off after" in printed and "object on 2" in printed, printed

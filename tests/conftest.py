"""Shared fixtures: settings on a temporary data dir, small real clips with known ground truth."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.testing.make_clip import write_scene
from vtrack.testing.scenes import Scene, composite_scene

REPO = Path(__file__).resolve().parents[1]
DAVIS_DIR = Path(
    os.environ.get("VTRACK_DAVIS_DIR", REPO.parent / "shared" / "data" / "davis16-dev")
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", cleanup_interval_s=3600, workers=1, preload_engines=False
    )


@pytest.fixture(scope="session")
def moving_scene() -> Scene:
    """A real photo (a cat) moving over a panning photo background (2 s, 320x240, 24 fps)."""
    return composite_scene(
        "clip",
        sprite="chelsea",
        background="rocket",
        n_frames=48,
        size=(320, 240),
        pan_px=40,
        seed=7,
    )


@pytest.fixture(scope="session")
def moving_clip(moving_scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`moving_scene` as a real H.264 MP4 with an AAC audio track."""
    return write_scene(moving_scene, tmp_path_factory.mktemp("clips") / "moving.mp4")


@pytest.fixture(scope="session")
def silent_clip(moving_scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scene(moving_scene, tmp_path_factory.mktemp("clips") / "silent.mp4", audio=False)

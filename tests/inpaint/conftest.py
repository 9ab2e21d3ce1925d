"""Fixtures for the inpainting tests: small composited clips run once through both engines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from vtrack.inpaint.embedded import EmbeddedInpainter, TeleaInpainter
from vtrack.inpaint.metrics import RemovalScores
from vtrack.media.frames import FrameSequence
from vtrack.testing.scenes import Scene, composite_scene


@dataclass
class Run:
    """One engine's output on one scene, with its scores."""

    scene: Scene
    outputs: np.ndarray
    scores: RemovalScores


def run_engine(engine, scene: Scene) -> Run:
    video = FrameSequence.from_arrays(scene.frames, fps=scene.fps)
    outputs = np.stack(list(engine.inpaint(video, list(scene.masks))))
    scores = RemovalScores()
    for out, truth, mask in zip(outputs, scene.backgrounds, scene.masks, strict=True):
        scores.add(out, truth, mask)
    return Run(scene, outputs, scores)


@pytest.fixture(scope="session")
def pan_scene() -> Scene:
    """A real photo object crossing a panning real photo background (small, for speed)."""
    return composite_scene("pan_small", pan_px=50, n_frames=32, size=(240, 180), seed=21)


@pytest.fixture(scope="session")
def static_scene() -> Scene:
    return composite_scene(
        "static_small",
        sprite="chelsea",
        background="rocket",
        pan_px=0,
        n_frames=32,
        size=(240, 180),
        seed=22,
    )


@pytest.fixture(scope="session")
def pan_runs(pan_scene: Scene) -> dict[str, Run]:
    return {
        "embedded": run_engine(EmbeddedInpainter(margin_px=6), pan_scene),
        "telea": run_engine(TeleaInpainter(margin_px=6), pan_scene),
    }


@pytest.fixture(scope="session")
def static_runs(static_scene: Scene) -> dict[str, Run]:
    return {
        "embedded": run_engine(EmbeddedInpainter(margin_px=6), static_scene),
        "telea": run_engine(TeleaInpainter(margin_px=6), static_scene),
    }

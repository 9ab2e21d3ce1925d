"""Rendering a session: effects over its masks, cutout with alpha, exports that agree with the
session's own masks, and the sound following the visual edit."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings
from vtrack.media.webm import read_alpha_webm
from vtrack.pipelines import effects
from vtrack.sessions import rle
from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard

from .conftest import click, open_session, propagate, wait_task


@pytest.fixture(scope="module")
def tracked(
    tmp_path_factory: pytest.TempPathFactory, moving_clip: Path, moving_scene: Scene
) -> Iterator[tuple[TestClient, str, list[np.ndarray]]]:
    """One session, the cat clicked and propagated: (client, session id, its masks)."""
    data = tmp_path_factory.mktemp("render")
    settings = Settings(data_dir=data, cleanup_interval_s=3600, preload_engines=False)
    with TestClient(create_app(settings)) as client:
        sid = open_session(client, moving_clip)["session_id"]
        x, y = moving_scene.click
        assert click(client, sid, [(x, y, True)]).status_code == 200
        assert wait_task(client, propagate(client, sid)["task_id"])["status"] == "complete"
        masks = [
            rle.decode(
                client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": i}).json()["masks"][
                    "1"
                ]
            )
            for i in range(len(moving_scene.frames))
        ]
        yield client, sid, masks


def render(client: TestClient, sid: str, **body) -> dict:
    response = client.post(f"/api/sessions/{sid}/render", json=body)
    assert response.status_code == 202, response.text
    task = wait_task(client, response.json()["task_id"], timeout_s=240)
    assert task["status"] == "complete", task
    return task["result"]


def fetch(client: TestClient, url: str, tmp_path: Path) -> Path:
    response = client.get(url)
    assert response.status_code == 200, url
    path = tmp_path / url.rsplit("/", 1)[-1]
    path.write_bytes(response.content)
    return path


def decode_video(path: Path) -> tuple[list[np.ndarray], bool]:
    with av.open(str(path)) as container:
        has_audio = bool(container.streams.audio)
        assert container.streams.video[0].codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames, has_audio


def test_overlay_and_the_exports_agree_with_the_session(
    tracked, moving_scene: Scene, tmp_path: Path
) -> None:
    client, sid, masks = tracked
    result = render(client, sid, effect="overlay")
    assert result["effect"] == "overlay" and result["object_ids"] == [1]
    frames, has_audio = decode_video(fetch(client, result["video_url"], tmp_path))
    assert len(frames) == 48 and has_audio
    i = 20
    inside, source = frames[i][masks[i]].astype(float), moving_scene.frames[i][masks[i]]
    assert (inside[:, 0] - source[:, 0].astype(float)).mean() > 40  # tinted red
    outside = ~cv2.dilate(masks[i].astype(np.uint8), np.ones((9, 9))).astype(bool)
    assert np.abs(frames[i][outside].astype(float) - moving_scene.frames[i][outside]).mean() < 6

    with zipfile.ZipFile(fetch(client, result["masks_url"], tmp_path)) as zf:
        for n in (0, 30):
            png = cv2.imdecode(np.frombuffer(zf.read(f"{n:05d}.png"), np.uint8), -1)
            assert np.array_equal(png > 0, masks[n])
    coco = json.loads(fetch(client, result["coco_url"], tmp_path).read_text())
    assert len(coco["images"]) == 48 and coco["categories"][0]["id"] == 1
    by_frame = {a["image_id"]: a for a in coco["annotations"]}
    for n, annotation in by_frame.items():
        assert np.array_equal(rle.decode(annotation["segmentation"]), masks[n])
        assert annotation["area"] == masks[n].sum()
    mattes, _ = decode_video(fetch(client, result["matte_url"], tmp_path))
    assert np.mean([jaccard(m[..., 0] > 127, masks[k]) for k, m in enumerate(mattes)]) > 0.97


def test_cutout_is_webm_with_alpha_and_png_frames(tracked, tmp_path: Path) -> None:
    client, sid, masks = tracked
    result = render(client, sid, effect="cutout", exports=[])
    assert result["video_url"].endswith("cutout.webm")
    assert result.get("masks_url") is None and result.get("matte_url") is None
    rgba = read_alpha_webm(fetch(client, result["video_url"], tmp_path))
    assert len(rgba) == 48 and rgba[0].shape == (240, 320, 4)
    assert np.mean([jaccard(f[..., 3] > 127, masks[k]) for k, f in enumerate(rgba)]) > 0.95
    with zipfile.ZipFile(io.BytesIO(client.get(result["png_sequence_url"]).content)) as zf:
        png = cv2.imdecode(np.frombuffer(zf.read("00010.png"), np.uint8), cv2.IMREAD_UNCHANGED)
    assert png.shape == (240, 320, 4) and np.array_equal(png[..., 3] == 255, masks[10])


def sharpness(image: np.ndarray, where: np.ndarray) -> float:
    gray = cv2.cvtColor(np.ascontiguousarray(image, dtype=np.uint8), cv2.COLOR_RGB2GRAY)
    return float(np.abs(cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F))[where].mean())


def test_privacy_and_background_effects(tracked, moving_scene: Scene, tmp_path: Path) -> None:
    client, sid, masks = tracked
    i = 24
    source = moving_scene.frames[i]
    grown = cv2.dilate(masks[i].astype(np.uint8), np.ones((15, 15))).astype(bool)
    core = cv2.erode(masks[i].astype(np.uint8), np.ones((9, 9))).astype(bool)
    rest = ~grown

    def frame_of(**body) -> np.ndarray:
        result = render(client, sid, exports=[], **body)
        return decode_video(fetch(client, result["video_url"], tmp_path))[0][i]

    def kept(frame: np.ndarray, where: np.ndarray) -> float:
        """Detail left, as a share of the source's (two H.264 passes keep ~0.65 of it)."""
        return sharpness(frame, where) / sharpness(source, where)

    frame = frame_of(effect="blur")
    assert kept(frame, core) < 0.3 and kept(frame, rest) > 0.5
    frame = frame_of(effect="pixelate")
    # square blocks over the object: the picture matches the source pixelated on the same grid
    blocks = effects.pixelate()(source.copy(), {1: masks[i]}).astype(float)
    error = np.abs(frame.astype(float) - blocks)
    assert error[core].mean() < 0.5 * np.abs(source.astype(float) - blocks)[core].mean()
    assert kept(frame, rest) > 0.5
    frame = frame_of(effect="blur", target="background")
    assert kept(frame, rest) < 0.3 and kept(frame, core) > 0.5
    frame = frame_of(effect="background", background="#00ff00")
    assert np.abs(frame[rest].astype(float) - (0, 255, 0)).mean() < 12 and kept(frame, core) > 0.5
    frame = frame_of(effect="spotlight")
    assert frame[rest].mean() < 0.5 * source[rest].mean()
    spread = frame[rest].astype(float).std(axis=-1).mean()  # grey: channels equal
    assert spread < 3 and kept(frame, core) > 0.5


def test_remove_with_the_sound_that_goes_with_it(
    tracked, moving_scene: Scene, tmp_path: Path
) -> None:
    client, sid, masks = tracked
    result = render(client, sid, effect="remove", audio="without:drums", exports=[])
    assert result["audio_url"].endswith("without_drums.wav")
    frames, has_audio = decode_video(fetch(client, result["video_url"], tmp_path))
    assert has_audio and len(frames) == 48
    errors_bg, errors_obj = [], []
    for k in range(0, 48, 6):
        m = moving_scene.masks[k]
        out = frames[k][m].astype(float)
        errors_bg.append(np.abs(out - moving_scene.backgrounds[k][m]).mean())
        errors_obj.append(np.abs(out - moving_scene.frames[k][m]).mean())
    assert np.mean(errors_bg) < 0.5 * np.mean(errors_obj)
    unknown = client.post(f"/api/sessions/{sid}/render", json={"audio": "stem:kazoo"})
    assert unknown.status_code == 400 and "Unknown stem 'kazoo'" in unknown.json()["detail"]

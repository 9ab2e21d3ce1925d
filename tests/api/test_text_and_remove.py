"""Text-to-video and object removal through the API, checked with numbers."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.media.audio import read_audio
from vtrack.testing.scenes import Scene

from .conftest import upload, wait_done


def wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as wf:
        raw = np.frombuffer(wf.readframes(wf.getnframes()), np.int16)
        return raw.reshape(-1, wf.getnchannels()).T.astype(np.float32) / 32768, wf.getframerate()


def streams(path: Path) -> dict[str, float]:
    with av.open(str(path)) as container:
        return {s.type: float(s.duration * s.time_base) for s in container.streams}


def test_isolate_drums_contract_and_stems(
    client: TestClient, moving_clip: Path, tmp_path: Path
) -> None:
    response = upload(client, moving_clip, "/api/text-to-video", prompt="isolate drums")
    assert response.status_code == 200, response.text
    body = response.json()
    task_id = body["task_id"]
    assert body["highlighted_video_url"] == f"/uploads/{task_id}/highlighted_video.mp4"
    assert body["audio_url"] == f"/uploads/{task_id}/drums.wav"
    assert "ai_response" in body
    assert [s["id"] for s in body["processing_steps"]] == ["sam3", "track", "demucs", "highlight"]

    task = wait_done(client, task_id, timeout_s=180)
    assert task["status"] == "complete", task
    result = task["result"]
    # No drummer in this clip: the answer must say so, and still deliver the drums.
    assert "drummer" in result["ai_response"] and "isolated" in result["ai_response"]
    drums, rate = wav_samples(client.get(result["audio_url"]).content)
    rest, _ = wav_samples(client.get(result["complement_audio_url"]).content)
    mix = read_audio(moving_clip)
    assert rate == mix.sample_rate
    n = min(drums.shape[1], mix.samples.shape[1])
    # The stem and its complement add back up to the original mix (16-bit rounding aside).
    residual = drums[:, :n] + rest[:, :n] - mix.samples[:, :n]
    assert float(np.abs(residual).max()) < 2e-3
    assert float(np.abs(drums).max()) > 0.01

    video = tmp_path / "stem.mp4"
    video.write_bytes(client.get(result["stem_video_url"]).content)
    lengths = streams(video)
    assert lengths["audio"] == pytest.approx(lengths["video"], abs=0.05)


def test_remove_prompt_gives_what_is_heard_as_audio_url(
    client: TestClient, moving_clip: Path, tmp_path: Path
) -> None:
    # "Remove the drums" (or karaoke): the seed's client plays `audio_url`, so it must hold the
    # mix without the drums; the drums alone are beside it, and the stem video sounds the same.
    response = upload(
        client, moving_clip, "/api/text-to-video?wait=true", prompt="remove the drums"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["audio_url"] == f"/uploads/{body['task_id']}/no_drums.wav"
    assert body["complement_audio_url"] == f"/uploads/{body['task_id']}/drums.wav"
    heard, rate = wav_samples(client.get(body["audio_url"]).content)
    drums, _ = wav_samples(client.get(body["complement_audio_url"]).content)
    mix = read_audio(moving_clip)
    n = min(heard.shape[1], mix.samples.shape[1])
    assert float(np.abs(drums).max()) > 0.01
    # what is heard is the mix minus the drums, not the drums
    assert float(np.abs(heard[:, :n] - (mix.samples[:, :n] - drums[:, :n])).max()) < 2e-3
    video = tmp_path / "stem.mp4"
    video.write_bytes(client.get(body["stem_video_url"]).content)
    sound = read_audio(video)
    m = min(sound.samples.shape[1], n) - 2048
    lag = slice(1024, m)  # AAC priming and frame edges aside
    corr_heard = np.corrcoef(sound.samples[0, lag], heard[0, lag])[0, 1]
    corr_drums = np.corrcoef(sound.samples[0, lag], drums[0, lag])[0, 1]
    assert corr_heard > 0.9 and corr_heard > corr_drums


def test_visual_prompt_highlights_the_moving_object(
    client: TestClient, moving_clip: Path, moving_scene: Scene, tmp_path: Path
) -> None:
    response = upload(
        client, moving_clip, "/api/text-to-video?wait=true", prompt="the moving object"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # A purely visual prompt: the video keeps its sound, and audio_url still plays (the seed's
    # fallback to the "other" stem), as the answer says.
    assert body["audio_url"] == f"/uploads/{body['task_id']}/other.wav"
    assert "names no sound" in body["ai_response"] and "'other' stem" in body["ai_response"]
    wav = client.get(body["audio_url"])
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    other, _ = wav_samples(wav.content)
    assert float(np.abs(other).max()) > 0.001
    assert "stem_video_url" not in body or body["stem_video_url"] is None
    video = tmp_path / "hl.mp4"
    video.write_bytes(client.get(body["highlighted_video_url"]).content)
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(float)
    truth = moving_scene.frames[0].astype(float)
    inside = moving_scene.masks[0]
    # Spotlight: the object keeps its pixels, the rest is dimmed.
    assert np.abs(frame[inside] - truth[inside]).mean() < 25
    assert frame[~inside].mean() < 0.6 * truth[~inside].mean()


@pytest.mark.parametrize("endpoint", ["/api/text-to-video", "/api/text-to-video?wait=true"])
def test_video_without_sound_has_no_audio_url(
    client: TestClient, silent_clip: Path, endpoint: str
) -> None:
    """No sound, no audio file: audio_url is null, never a URL of a file that is not written."""
    body = upload(client, silent_clip, endpoint, prompt="isolate drums").json()
    assert body["status"] == "complete", body
    assert body["audio_url"] is None and body["complement_audio_url"] is None
    assert "no sound" in body["ai_response"]
    urls = [v for k, v in body.items() if k.endswith("_url") and v and k.startswith(("h", "m"))]
    assert urls and all(client.get(url).status_code == 200 for url in urls)


@pytest.mark.parametrize(
    ("prompt", "status", "words"),
    [
        ("", 400, "Type what to find"),
        ("x" * 400, 400, "too long"),
    ],
)
def test_bad_prompts(
    client: TestClient, moving_clip: Path, prompt: str, status: int, words: str
) -> None:
    response = upload(client, moving_clip, "/api/text-to-video", prompt=prompt)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_ungroundable_visual_prompt_fails_with_422_and_suggestions(
    client: TestClient, moving_clip: Path
) -> None:
    response = upload(client, moving_clip, "/api/text-to-video?wait=true", prompt="the giraffe")
    assert response.status_code == 422, response.text
    assert "giraffe" in response.json()["detail"]


def test_remove_object_contract_and_fill(
    client: TestClient, moving_clip: Path, moving_scene: Scene, tmp_path: Path
) -> None:
    x, y = moving_scene.click
    response = upload(
        client,
        moving_clip,
        "/api/remove-object",
        x=str(x * 100),
        y=str(y * 100),
        frame_idx="0",
        remove_stem="drums",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    task_id = body["task_id"]
    assert body["inpainted_video_url"] == f"/uploads/{task_id}/inpainted_video.mp4"
    assert [s["id"] for s in body["processing_steps"]] == ["track", "mask", "inpaint", "render"]
    task = wait_done(client, task_id, timeout_s=180)
    assert task["status"] == "complete", task
    video = tmp_path / "removed.mp4"
    video.write_bytes(client.get(task["result"]["inpainted_video_url"]).content)
    with av.open(str(video)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 48
    lengths = streams(video)
    assert lengths["audio"] == pytest.approx(lengths["video"], abs=0.05)
    # Inside the object's mask the output must look like the true background, not the object.
    errors_bg, errors_obj = [], []
    for i in range(0, 48, 6):
        m = moving_scene.masks[i]
        out = frames[i][m].astype(float)
        errors_bg.append(np.abs(out - moving_scene.backgrounds[i][m]).mean())
        errors_obj.append(np.abs(out - moving_scene.frames[i][m]).mean())
    assert np.mean(errors_bg) < 0.5 * np.mean(errors_obj)
    assert task["result"]["audio_url"].endswith("no_drums.wav")


def test_failed_grounding_reports_422_in_the_task(client: TestClient, moving_clip: Path) -> None:
    response = upload(
        client, moving_clip, "/api/text-to-video", prompt="a unicorn", prefer="respond-async"
    )
    assert response.status_code == 202
    task = wait_done(client, response.json()["task_id"])
    assert task["status"] == "error"
    assert task["error_code"] == 422
    assert "unicorn" in task["error"]

"""Preview latency of POST .../prompts through a real server (bench_sessions.py --only latency).

Three kinds of click, reported apart:
- the first click after the upload, on frame 0 (the upload prepared that frame), and the first
  click on a frame nothing prepared (the middle one);
- warm clicks: each a new object's first click at a random object pixel of one of those two
  frames, objects 1-3 in turn (the frame's cues exist, the object's mask does not);
- later clicks: the robot's corrective clicks on one object (the full list sent each time, as
  the studio does), three a frame.
The floors are measured in the same run: the same warm click given to the engine in this process
(the engine's own time) and a GET of the session (HTTP + store).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from vtrack.testing.robot_clicks import corrective_click
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt
from vtrack.vision.embedded.davis import davis_dir

CORRECTIONS_PER_FRAME = 3


def click_plan(gts: np.ndarray, frames: list[int], clicks: int) -> list[tuple[int, int, object]]:
    """(frame, object, click) for the latency run: a random object pixel, objects 1-3 in turn."""
    rng = np.random.default_rng(0)
    plan = []
    for k in range(clicks):
        frame = frames[k % len(frames)]
        ys, xs = np.nonzero(gts[frame])
        pick = int(rng.integers(len(xs)))
        point = PointPrompt((xs[pick] + 0.5) / 854, (ys[pick] + 0.5) / 480, True)
        plan.append((frame, 1 + k % 3, point))
    return plan


def engine_session(seq: str, frames: list[int], gts: np.ndarray):
    """The engine alone, in this process, warm on `frames` (the floor a preview cannot beat)."""
    from vtrack.config import Settings
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.vision.embedded.davis import load_davis

    video, _ = load_davis(seq, max_frames=max(frames) + 1)
    session = EngineCache(Settings()).segmenter().start_session(video)
    for frame in frames:
        session.add_points(frame, 1, [PointPrompt(*farthest_interior_point(gts[frame]), True)])
    return session


def _timed(call, *args, **kwargs) -> float:
    t0 = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - t0


def later_clicks(api, sid: str, frames: list[int], gts: np.ndarray) -> list[float]:
    """Seconds of each corrective click on object 1 (its first click at the deepest point)."""
    times = []
    for frame in frames:
        points = [PointPrompt(*farthest_interior_point(gts[frame]), True)]
        pred = api.prompt(sid, frame, points)
        for _ in range(CORRECTIONS_PER_FRAME):
            nxt = corrective_click(pred, gts[frame])
            if nxt is None:
                break
            points.append(nxt)
            t0 = time.perf_counter()
            pred = api.prompt(sid, frame, points)
            times.append(time.perf_counter() - t0)
    return times


def latency(api, seq: str, gts: np.ndarray, clicks: int, load: Callable[[], str]) -> dict:
    """Every kind of click of the module docstring on `seq` (854x480), printed and returned."""
    t0 = time.perf_counter()
    info = api.open(davis_dir() / f"{seq}.mp4")
    upload_s = time.perf_counter() - t0
    sid = info["session_id"]
    assert (info["width"], info["height"]) == (854, 480), info
    frames = [0, info["frame_count"] // 2]
    first_clicks = []
    for frame in frames:  # warm: the engine session of each frame exists
        point = PointPrompt(*farthest_interior_point(gts[frame]), True)
        first_clicks.append(_timed(api.prompt, sid, frame, [point]))
    engine = engine_session(seq, frames, gts)
    times, engine_times, floor = [], [], []
    for frame, object_id, point in click_plan(gts, frames, clicks):
        times.append(_timed(api.prompt, sid, frame, [point], object_id=object_id))
        engine.remove_object(object_id)  # as the API does: the list replaces earlier points
        engine_times.append(_timed(engine.add_points, frame, object_id, [point]))
        floor.append(_timed(api.get, sid))
    engine.close()
    later = later_clicks(api, sid, frames, gts)
    api.delete(sid)
    result = {"seq": seq, "clicks": clicks, **percentiles("", times)}
    result.update(percentiles("engine_", engine_times))
    result.update(percentiles("later_", later))
    result.update({"floor_p50_s": statistics.median(floor), "load": load()})
    result.update(
        {"upload_s": upload_s, "first_click_s": first_clicks[0], "cold_frame_s": first_clicks[1]}
    )
    _print(result, seq, frames[1], len(later))
    return result


def _print(result: dict, seq: str, cold_frame: int, later: int) -> None:
    print(
        f"\nPreview latency (POST prompts, {seq} 854x480, {result['clicks']} warm clicks): p50 "
        f"{result['p50_s']:.3f} s, p90 {result['p90_s']:.3f} s, max {result['max_s']:.3f} s; "
        f"the engine alone on the same clicks p50 {result['engine_p50_s']:.3f} s, p90 "
        f"{result['engine_p90_s']:.3f} s (API / engine "
        f"{result['p50_s'] / result['engine_p50_s']:.2f}x); GET session p50 "
        f"{result['floor_p50_s'] * 1000:.1f} ms; {result['load']}\n"
        f"Later clicks ({later} corrective clicks on one object): p50 {result['later_p50_s']:.3f}"
        f" s, p90 {result['later_p90_s']:.3f} s, max {result['later_max_s']:.3f} s\n"
        f"Upload (decode into the frame store, prepare frame 0) {result['upload_s']:.2f} s; the "
        f"first click after it, on frame 0: {result['first_click_s']:.3f} s; the first click on "
        f"another frame (frame {cold_frame}, not prepared): {result['cold_frame_s']:.3f} s"
    )


def percentiles(prefix: str, values: list[float]) -> dict[str, float]:
    if not values:
        return {
            f"{prefix}p50_s": float("nan"),
            f"{prefix}p90_s": float("nan"),
            f"{prefix}max_s": float("nan"),
        }
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {
        f"{prefix}p50_s": statistics.median(ordered),
        f"{prefix}p90_s": p90,
        f"{prefix}max_s": ordered[-1],
    }

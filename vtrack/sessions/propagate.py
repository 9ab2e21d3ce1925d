"""Propagation with "each frame follows the latest prompted frame at or before it".

An object prompted on frames p1 < p2 < ... governs frame f from the last prompted frame at or
before f; the frames before p1 follow p1. So a correction on frame k changes the frames from k up
to the next prompted frame (the frames that follow the correction, as the SAM 2 demo's "propagate
from here" does) and leaves every frame governed by another prompted frame as it was, the frames
just before k included: the user corrects where the track went wrong, and what came before it
was seen and kept. (Splitting at the middle between two prompted frames, the earlier rule, let a
correction also re-track backwards over half the gap; on the DAVIS robot user that lost J&F:
tune 0.683 -> 0.635, holdout 0.554 -> 0.544, see bench/RESULTS.md.)

A propagation runs, for each prompted frame, that frame's prompts forward (and, for the first
prompted frame, backward) over the frames it governs, and stops there. Going forward from a
later prompted frame (a correction), the engine is also given the object's masks on its earlier
prompted frames (`recall`), so a tracker with memory goes on from what it learnt there instead
of starting afresh from the corrected frame (`SegmentationSession.remember`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vtrack.errors import InvalidInput
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.sessions.engine_sessions import EngineSessions, engine_sessions
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import Session
from vtrack.sessions.rle import decode, encode
from vtrack.vision.base import Direction

Span = tuple[int, int]  # first and last frame, inclusive


def governed_spans(prompt_frames: list[int], frame_count: int) -> dict[int, Span]:
    """The frames each prompted frame governs (the latest at or before each frame; the frames
    before the first prompted frame follow the first)."""
    frames = sorted(set(prompt_frames))
    spans: dict[int, Span] = {}
    for i, frame in enumerate(frames):
        first = 0 if i == 0 else frame
        last = frame_count - 1 if i == len(frames) - 1 else frames[i + 1] - 1
        spans[frame] = (first, last)
    return spans


@dataclass
class Pass:
    """One engine run: the prompts of `frame`, tracked one way over each object's span."""

    frame: int
    direction: Direction  # "forward" (the prompted frame and after) or "backward" (before)
    spans: dict[int, Span] = field(default_factory=dict)

    @property
    def length(self) -> int:
        if not self.spans:
            return 0
        if self.direction == "forward":
            return max(last for _, last in self.spans.values()) - self.frame + 1
        return self.frame - min(first for first, _ in self.spans.values()) + 1


def plan(
    session: Session,
    object_ids: list[int],
    start_frame_idx: int | None,
    direction: Direction,
) -> list[Pass]:
    """The passes a propagation runs (start frame first), each with the frames it may write."""
    n = session.video.frame_count
    by_frame: dict[int, dict[str, dict[int, Span]]] = {}
    for object_id in object_ids:
        obj = session.objects[object_id]
        for frame, (first, last) in governed_spans(list(obj.prompts), n).items():
            if start_frame_idx is not None and frame != start_frame_idx:
                continue
            ways = by_frame.setdefault(frame, {"forward": {}, "backward": {}})
            if direction in ("both", "forward"):
                ways["forward"][object_id] = (frame, last)
            if direction == "backward":
                ways["backward"][object_id] = (first, frame)
            elif direction == "both" and first < frame:
                ways["backward"][object_id] = (first, frame - 1)
    if start_frame_idx is not None and start_frame_idx not in by_frame:
        raise InvalidInput(
            f"No object to propagate has a prompt on frame {start_frame_idx}; click the object "
            "on that frame first, or leave out start_frame_idx to propagate every prompt."
        )
    passes = []
    for frame in sorted(by_frame):
        for way in ("forward", "backward"):
            if by_frame[frame][way]:
                passes.append(Pass(frame, way, by_frame[frame][way]))  # type: ignore[arg-type]
    return passes


def directions_done(direction: Direction) -> tuple[str, ...]:
    return ("forward", "backward") if direction == "both" else (direction,)


MaskSink = Callable[[int, dict[int, np.ndarray]], None]  # (frame, {object: mask}) as tracked
Recall = Callable[[int, int], np.ndarray | None]  # (object, frame) -> its stored mask there
Progress = Callable[[float], None]


def run_passes(
    session: Session,
    frames: FrameSequence,
    engines: EngineCache,
    passes: list[Pass],
    store: MaskSink,
    progress: Progress | None = None,
    cache: EngineSessions | None = None,
    recall: Recall | None = None,
) -> int:
    """Run every pass, handing each frame's masks to `store` as they come; returns the frames
    stored. `cache` holds the engine sessions (default: the process's, shared with previews);
    `recall` gives an object's mask on an earlier prompted frame (None: no memory)."""
    cache = cache if cache is not None else engine_sessions(engines)
    total = max(1, sum(p.length for p in passes))
    done = 0
    for one in passes:
        tracked = _track(session, frames, engines, cache, one, recall)
        with contextlib.closing(tracked):
            for frame_idx, masks in tracked:
                store(frame_idx, masks)
                done += 1
                if progress is not None:
                    progress(done / total)
    return done


def file_recall(files: SessionFiles) -> Recall:
    """Masks as the session folder holds them (a prompted frame's is its prompt's mask)."""

    def recall(object_id: int, frame_idx: int) -> np.ndarray | None:
        stored = files.read_mask(object_id, frame_idx)
        return decode(stored) if stored is not None else None

    return recall


def file_sink(files: SessionFiles, on_frame: Callable[[int], None] | None = None) -> MaskSink:
    """A sink that writes each mask into the session folder (then calls `on_frame`)."""

    def store(frame_idx: int, masks: dict[int, np.ndarray]) -> None:
        for object_id, mask in masks.items():
            files.write_mask(object_id, frame_idx, encode(mask))
        if on_frame is not None:
            on_frame(frame_idx)

    return store


def record_done(
    session: Session,
    files: SessionFiles,
    object_ids: list[int],
    start_frame_idx: int | None,
    direction: Direction,
) -> None:
    """Note, per object and prompted frame, which way its prompt has now been propagated."""
    for object_id in object_ids:
        for frame, prompt in session.objects[object_id].prompts.items():
            if start_frame_idx is not None and frame != start_frame_idx:
                continue
            for way in directions_done(direction):
                files.record_propagation(object_id, frame, prompt.fingerprint(), way)


def _track(
    session: Session,
    frames: FrameSequence,
    engines: EngineCache,
    cache: EngineSessions,
    one: Pass,
    recall: Recall | None,
):
    """Yield (frame, {object: mask}) over the pass's spans, in tracking order, then stop the
    engine (a generator closed early stops tracking)."""
    height, width = session.video.height, session.video.width
    prompts = session.prompts_on(one.frame)
    wanted = {f for first, last in one.spans.values() for f in range(first, last + 1)}
    with cache.borrow(
        (session.id, one.frame), lambda: engines.segmenter().start_session(frames)
    ) as entry:
        entry.sync(one.frame, prompts)
        for object_id in prompts:
            entry.session.remember(object_id, _earlier_masks(session, one, object_id, recall))
        stream = entry.session.propagate(one.direction, start_frame_index=one.frame)
        try:
            for result in stream:
                f = result.frame_index
                if f not in wanted:
                    continue
                wanted.discard(f)
                masks = {
                    object_id: _mask_or_empty(result.masks.get(object_id), height, width)
                    for object_id, (first, last) in one.spans.items()
                    if first <= f <= last
                }
                yield f, masks
                if not wanted:
                    break
        finally:
            stream.close()


def _earlier_masks(
    session: Session, one: Pass, object_id: int, recall: Recall | None
) -> list[tuple[int, np.ndarray]]:
    """The object's masks on its prompted frames before the pass's, for a forward pass."""
    if recall is None or one.direction != "forward":
        return []
    earlier = []
    for frame in sorted(f for f in session.objects[object_id].prompts if f < one.frame):
        mask = recall(object_id, frame)
        if mask is not None and mask.any():
            earlier.append((frame, mask))
    return earlier


def _mask_or_empty(mask: np.ndarray | None, height: int, width: int) -> np.ndarray:
    if mask is None:
        return np.zeros((height, width), bool)
    return np.asarray(mask, bool)

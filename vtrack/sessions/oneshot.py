"""The seed's one-shot workflows as a session: opened, prompted, propagated in one call.

Point-to-track and remove-object track their click through the same code as an interactive
session: the prompt is a session `Prompt`, applied through an engine session brought up to date
by `EngineEntry.sync` (as a preview is), and tracked by the passes `propagate.plan` makes (each
frame follows the latest prompted frame at or before it), so an improvement to either shows in both; the render
then goes through the same effects and renderer as a session render. The session lives for the
job only: its engine sessions sit in a cache of their own (a one-shot never evicts a user's
interactive engine session) and its masks go to the job's mask sink, not the job store.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vtrack.media.frames import FrameSequence
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.sessions.engine_sessions import EngineSessions
from vtrack.sessions.model import ObjectInfo, Point, Prompt, Session, SessionObject, VideoMeta
from vtrack.sessions.propagate import MaskSink, plan, run_passes
from vtrack.vision.base import PointPrompt


def clicks_session(
    frames: FrameSequence, fps: float, frame_idx: int, clicks: dict[int, list[PointPrompt]]
) -> Session:
    """A session over `frames` whose objects (by id) have these clicks (relative 0-1) on one
    frame, as the session API would hold them after `POST .../prompts`."""
    count = len(frames)
    video = VideoMeta(
        frame_count=count,
        fps=fps,
        width=frames.width,
        height=frames.height,
        duration_s=count / fps if fps > 0 else 0.0,
        has_audio=False,
        filename="",
        source="",
    )
    objects = {
        object_id: SessionObject(
            object_id,
            ObjectInfo(),
            {frame_idx: Prompt(frame_idx=frame_idx, points=[_percent(p) for p in points])},
        )
        for object_id, points in clicks.items()
    }
    return Session(f"oneshot-{uuid.uuid4().hex}", video, objects, [], 0.0, 0.0)


def _percent(point: PointPrompt) -> Point:
    return Point(x=point.x * 100, y=point.y * 100, positive=point.positive)


@dataclass
class OneShot:
    """A job's session: `prompt` (the mask on each prompted frame now), then `propagate`."""

    session: Session
    frames: FrameSequence
    engines: EngineCache
    cache: EngineSessions

    def prompt(self) -> None:
        """Apply every prompt, frame by frame (what previews do); propagation reuses them."""
        frames = sorted({f for obj in self.session.objects.values() for f in obj.prompts})
        for frame_idx in frames:
            with self.cache.borrow((self.session.id, frame_idx), self._build) as entry:
                entry.sync(frame_idx, self.session.prompts_on(frame_idx))

    def propagate(self, store: MaskSink, progress: Callable[[float], None] | None = None) -> int:
        """Track every object both ways from its prompts; `store` gets each frame's masks."""
        passes = plan(self.session, list(self.session.objects), None, "both")
        return run_passes(
            self.session, self.frames, self.engines, passes, store, progress, self.cache
        )

    def _build(self):
        return self.engines.segmenter().start_session(self.frames)


@contextlib.contextmanager
def one_shot(session: Session, frames: FrameSequence, engines: EngineCache) -> Iterator[OneShot]:
    """The job's session; its engine sessions are closed when the job is done with it."""
    prompted = {f for obj in session.objects.values() for f in obj.prompts}
    cache = EngineSessions(capacity=max(1, len(prompted)))
    try:
        yield OneShot(session, frames, engines, cache)
    finally:
        cache.clear()

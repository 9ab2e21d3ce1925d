"""A prompt's preview: that object's mask on that frame, computed now by the cached engine."""

from __future__ import annotations

import logging

import numpy as np

from vtrack.media.frames import FrameSequence
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.sessions.engine_sessions import engine_sessions
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import Prompt, Session
from vtrack.sessions.rle import Rle, area, decode, encode

log = logging.getLogger(__name__)


def correction_base(
    session: Session, files: SessionFiles, object_id: int, frame_idx: int
) -> Rle | None:
    """The mask a first click on a frame corrects: the object's propagated mask there (None
    when the object has no mask there yet, or it is empty: then the clicks start afresh)."""
    obj = session.objects.get(object_id)
    if obj is None or frame_idx in obj.prompts:
        return obj.prompts[frame_idx].base if obj is not None else None
    stored = files.read_mask(object_id, frame_idx)
    return stored if stored is not None and area(stored) > 0 else None


def prepare_first_frame(session: Session, frames: FrameSequence, engines: EngineCache) -> None:
    """Build frame 0's engine session now and let it compute what a first click there needs:
    the upload's answer waits for it, the user's first click does not (it is on frame 0, the
    frame the page shows first). A failure here only costs that time on the first click."""
    cache = engine_sessions(engines)
    try:
        with cache.borrow(
            (session.id, 0), lambda: engines.segmenter().start_session(frames)
        ) as entry:
            entry.session.prepare_frame(0)
    except Exception as exc:  # the session itself is fine: clicks build their engine session
        log.warning("preparing frame 0 of session %s failed: %s", session.id, exc)


def preview(
    session: Session,
    frames: FrameSequence,
    files: SessionFiles,
    engines: EngineCache,
    object_id: int,
    prompt: Prompt,
) -> np.ndarray:
    """Apply `prompt` (the object's whole input on its frame) and store and return its mask.

    `session` holds the other objects' prompts; the engine session for the frame is brought up
    to date with all of them, so it matches the durable state after this prompt is saved.
    """
    frame_idx = prompt.frame_idx
    prompts = {**session.prompts_on(frame_idx), object_id: prompt}
    cache = engine_sessions(engines)
    with cache.borrow(
        (session.id, frame_idx), lambda: engines.segmenter().start_session(frames)
    ) as entry:
        fresh = entry.sync(frame_idx, prompts)
    if object_id not in fresh:
        # the engine already held exactly this prompt: its mask is the one stored for it
        stored = files.read_mask(object_id, frame_idx)
        if stored is not None:
            return decode(stored)
    mask = fresh.get(object_id)
    if mask is None:
        mask = np.zeros((session.video.height, session.video.width), bool)
    mask = np.asarray(mask, bool)
    files.write_mask(object_id, frame_idx, encode(mask))
    return mask

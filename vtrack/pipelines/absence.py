"""Tell the user where a tracked object has no mask (it left the frame or was hidden)."""

from __future__ import annotations

from vtrack.pipelines.mask_store import MaskStore

# at most this many gaps are spelled out; the rest are counted
_LISTED = 3


def _clock(frame: int, fps: float) -> str:
    seconds = frame / fps if fps > 0 else 0.0
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def out_of_view_notice(masks: MaskStore, fps: float) -> str | None:
    """A sentence naming the frames where the object is absent, or None when it never is.

    The tracker reports an object that leaves the frame or goes behind something as absent (an
    empty mask) rather than guessing; the user should know that this was deliberate, and where.
    """
    runs = masks.empty_runs()
    if not runs:
        return None
    if runs == [(0, len(masks) - 1)]:
        return "The object was not found on any frame; try clicking nearer its middle."
    parts = [
        f"frames {a}-{b} ({_clock(a, fps)}-{_clock(b + 1, fps)})" if b > a else f"frame {a}"
        for a, b in runs[:_LISTED]
    ]
    more = len(runs) - _LISTED
    listed = ", ".join(parts) + (f" and {more} more gaps" if more > 0 else "")
    count = sum(b - a + 1 for a, b in runs)
    return (
        f"The object is out of view on {count} of {len(masks)} frames: {listed}. It left the "
        "picture or was hidden, so those frames have no mask."
    )

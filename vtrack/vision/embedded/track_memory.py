"""Tracking forward from a correction with the memory of the object's earlier prompts.

A correction is made on a frame where the track went wrong: often its worst frame, the object
half hidden, blurred or mixed up with its surroundings. Started afresh there, the tracker takes
its usual area, colours and keyframes from that one frame and one click, and loses what the
track had learnt since the first prompt; on the DAVIS robot user a fresh re-track made J&F after
the correction worse than before it on 13 of 20 tune sequences (soccerball 0.878 -> 0.468,
tennis 0.824 -> 0.750), even where the click had improved the corrected frame. SAM 2 keeps every
prompted frame in its memory; here the object is tracked again from its earliest prompted frame
and its mask is set to the prompt's mask as the track reaches each later prompted frame. Only
the mask is reset: the usual area, the colour models, the keyframes and the latest full view go
on as the track had them (also resetting the usual area to the corrected mask's took back
nearly all of the gain: tune 0.751 -> 0.721; also refreshing the short-term colours or the full
view from it: no better on tune). Costs a second pass over the frames from the first
prompt to the correction.
"""

from __future__ import annotations

import numpy as np

from vtrack.vision.embedded.flow_tracker import FlowTracker, TrackState, init_state
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.work_frames import WorkFrames


def replayed_state(
    frames: WorkFrames,
    person: PersonSegmenter | None,
    quality: str,
    keyed: list[tuple[int, np.ndarray]],
    is_person: bool,
) -> TrackState:
    """The tracking state at the last of the `keyed` (frame, working-res mask) pairs (ascending),
    tracked from the first; the mask is reset to each keyed frame's mask as the track reaches
    it. `is_person`: the object was a person on the first keyed frame (pose cues)."""
    start, mask = keyed[0]
    image = frames.image(start)
    seg = None
    if person is not None and person.available:
        seg = person.person_probability(image)
    state = init_state(image, mask, seg, person=is_person)
    resets = dict(keyed[1:])
    last = keyed[-1][0]
    stream = ((i, frames.read(i)) for i in range(start + 1, last + 1))
    run = FlowTracker(frames.size, person, quality).run(stream, {0: state}, image)
    try:
        for index, _ in run:
            if index in resets:
                state.mask = resets[index]
                state.absent = not state.mask.any()
            if index == last:
                break
    finally:
        run.close()
    return state

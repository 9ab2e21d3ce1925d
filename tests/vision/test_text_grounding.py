"""Text prompts: parsing, colour and person grounding, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.errors import PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.testing.scenes import composite_scene
from vtrack.vision.embedded import EmbeddedSegmenter
from vtrack.vision.embedded.text_query import parse_prompt
from vtrack.vision.metrics import jaccard


def test_parse_prompt() -> None:
    q = parse_prompt("the person on the left")
    assert (q.target, q.position) == ("person", "left")
    assert parse_prompt("drummer").role == "drummer"
    assert parse_prompt("isolate drums").role == "drummer"
    q = parse_prompt("red car")
    assert (q.target, q.colour, q.unknown) == ("colour", "red", ["car"])
    assert parse_prompt("biggest person").size == "biggest"
    assert parse_prompt("moving object").target == "moving"
    assert parse_prompt("giraffe").target is None


def _scene_with_red_square() -> tuple[FrameSequence, np.ndarray]:
    scene = composite_scene(n_frames=6, sprite="chelsea", background="rocket", pan_px=0, seed=4)
    frames = scene.frames.copy()
    gt = np.zeros(frames.shape[1:3], bool)
    gt[30:70, 230:290] = True
    frames[:, gt] = (210, 20, 25)
    return FrameSequence.from_arrays(list(frames)), gt


def test_colour_prompt_finds_the_red_object_and_tracks_it() -> None:
    video, gt = _scene_with_red_square()
    session = EmbeddedSegmenter(use_mediapipe=False).start_session(video)
    found = session.add_text(0, "red object")
    assert len(found.labels) == 1
    (obj_id,) = found.labels
    assert "red" in found.description
    assert jaccard(found.frame_masks.masks[obj_id], gt) > 0.8
    masks = {fm.frame_index: fm.masks[obj_id] for fm in session.propagate()}
    assert len(masks) == len(video)
    assert all(jaccard(m, gt) > 0.7 for m in masks.values())


def test_ungroundable_prompts_raise_with_suggestions() -> None:
    video, _ = _scene_with_red_square()
    session = EmbeddedSegmenter(use_mediapipe=False).start_session(video)
    with pytest.raises(PromptNotUnderstood) as err:
        session.add_text(0, "giraffe")
    assert "giraffe" in err.value.message and err.value.suggestions
    with pytest.raises(PromptNotUnderstood) as err:
        session.add_text(0, "green car")  # nothing green in this scene
    assert "green" in err.value.message


def test_person_prompt_on_davis(davis_clip) -> None:
    video, gts = davis_clip("lucia", 8)
    engine = EmbeddedSegmenter()
    session = engine.start_session(video)
    if session.person is None or not session.person.available:
        pytest.skip("mediapipe is not installed: person prompts use the HOG fallback")
    found = session.add_text(0, "the person on the left")
    assert len(found.labels) == 1
    (obj_id,) = found.labels
    assert "person" in found.description
    assert jaccard(found.frame_masks.masks[obj_id], gts[0]) > 0.6
    with pytest.raises(PromptNotUnderstood):
        session.add_text(0, "giraffe")

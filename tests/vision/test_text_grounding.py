"""Text prompts: parsing, colour and person grounding, roles by sync on real footage, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.audio.envelope import stem_envelopes
from vtrack.audio.mixes import SR, samples_available
from vtrack.errors import PromptAmbiguous, PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.testing.band import compose, crop_tile, looped
from vtrack.testing.scenes import composite_scene
from vtrack.vision.base import StemEnvelope
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


# ---- real footage: people side by side, music one of them plays (vtrack/testing/band.py) ----


@pytest.fixture(scope="module")
def band(davis_clip):
    """DAVIS hockey's player twice, side by side: the right one as filmed, the left one the same
    take played from its end (same person, same amount of motion, other timing). The drums'
    hits follow the right one's measured motion; bass and pad follow nobody."""
    if not samples_available():
        pytest.skip("needs Debian's sonic-pi-samples")
    video, masks = davis_clip("hockey", 75)
    tile = crop_tile("hockey", np.asarray(video.array), masks, (427, 480))
    tiles = [looped(tile, 144, backwards=True), looped(tile, 144)]
    clip = compose(tiles, player=1, role="drummer", fps=24.0)
    frames = FrameSequence.from_arrays(list(clip.frames), fps=24.0)
    return clip, frames


def _envelope(clip, stem: str) -> StemEnvelope:
    onset, energy = stem_envelopes(clip.stems[stem], SR, clip.fps, len(clip.frames))
    return StemEnvelope("drums", onset, energy)


def _session(frames: FrameSequence, sound: StemEnvelope | None):
    session = EmbeddedSegmenter().start_session(frames)
    if session.person is None or not session.person.available:
        pytest.skip("mediapipe is not installed")
    session.set_sound((lambda: sound) if sound is not None else None)
    return session


def test_the_drummer_is_the_person_in_sync_with_the_drums(band) -> None:
    clip, frames = band
    found = _session(frames, _envelope(clip, "drums")).add_text(0, "the drummer")
    (mask,) = found.frame_masks.masks.values()
    assert jaccard(mask, clip.masks[1][0]) > 0.5  # the right one, the one in sync
    assert not (mask & clip.masks[0][0]).any()
    assert "on the right" in found.description and "sync" in found.description


def test_a_stem_that_follows_nobody_cannot_tell(band) -> None:
    clip, frames = band
    with pytest.raises(PromptAmbiguous) as err:
        # the bass line plays a steady beat of its own: nobody's movements follow it
        _session(frames, _envelope(clip, "bass")).add_text(0, "the drummer")
    assert "2 people" in err.value.message and "sync" in err.value.message


def test_without_sound_several_people_cannot_tell(band) -> None:
    _clip, frames = band
    with pytest.raises(PromptAmbiguous) as err:
        _session(frames, None).add_text(0, "the drummer")
    assert "without the drums sound" in err.value.message


def test_position_words_pick_one_person(band) -> None:
    clip, frames = band
    session = _session(frames, None)
    for prompt, side in (("the person on the left", 0), ("the person on the right", 1)):
        found = session.add_text(0, prompt)
        (mask,) = found.frame_masks.masks.values()
        assert jaccard(mask, clip.masks[side][0]) > 0.5
    everyone = session.add_text(0, "people")
    assert len(everyone.labels) == 2  # two objects, never one merged mask

"""Ground a text prompt to masks with what runs here: people, roles, faces, hands, colours, motion.

The prompt is parsed (text_query.py) into a target and selectors. People are separate instances
(people.py); a role picks the one whose movements match the named sound (roles.py); position and
size words pick one instance. Several people are never merged into one object. Anything the
engine cannot find raises PromptNotUnderstood with what it can find instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vtrack.vision.base import SoundSource
from vtrack.vision.embedded import finders
from vtrack.vision.embedded.people import PersonInstance, find_people
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.roles import pick_role
from vtrack.vision.embedded.text_query import Query, not_understood, parse_prompt
from vtrack.vision.embedded.work_frames import WorkFrames


@dataclass
class Grounding:
    """Masks found for a prompt (working resolution) with kind and label, a summary, a score."""

    objects: list[tuple[np.ndarray, str, str]]
    description: str
    score: float


def _centroid(mask: np.ndarray) -> tuple[float, float]:
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    return float(xs.mean()) / w, float(ys.mean()) / h


def select(cands: list[np.ndarray], q: Query) -> list[np.ndarray]:
    """The one candidate the position or size words pick; all of them without such words."""
    if not cands:
        return []
    if q.position is not None:
        key = {
            "left": lambda m: _centroid(m)[0],
            "right": lambda m: -_centroid(m)[0],
            "top": lambda m: _centroid(m)[1],
            "bottom": lambda m: -_centroid(m)[1],
            "centre": lambda m: np.hypot(_centroid(m)[0] - 0.5, _centroid(m)[1] - 0.5),
        }[q.position]
        return [min(cands, key=key)]
    if q.size == "biggest":
        return [max(cands, key=lambda m: int(m.sum()))]
    if q.size == "smallest":
        return [min(cands, key=lambda m: int(m.sum()))]
    return cands


def _by_colour(image: np.ndarray, people: list[PersonInstance], colour: str) -> PersonInstance:
    """The person with the largest share of `colour` ("the person in red")."""
    cm = finders.colour_mask(image, colour)
    return max(people, key=lambda p: np.count_nonzero(cm & p.mask) / max(1, p.mask.sum()))


def _ground_people(
    frames: WorkFrames,
    person: PersonSegmenter | None,
    frame_index: int,
    q: Query,
    text: str,
    sound: SoundSource | None,
) -> tuple[list[np.ndarray], str]:
    """Person masks for the query, each person its own mask, and how a role was decided."""
    image = frames.image(frame_index)
    people = find_people(person, image)
    if not people:
        raise not_understood(text, "no person was detected on this frame")
    if q.colour is not None:
        people = [_by_colour(image, people, q.colour)]
    if q.position is not None or q.size is not None:
        return select([p.mask for p in people], q), ""
    if q.role is not None:
        chosen, why = pick_role(frames, person, people, frame_index, q.role, sound)
        return [chosen.mask], why
    return [p.mask for p in people], ""


def _ground_things(frames: WorkFrames, person: PersonSegmenter | None, frame_index: int,
                   q: Query, text: str) -> tuple[list[np.ndarray], str]:  # fmt: skip
    """Faces, hands, moving things or colour regions for the query, and their noun."""
    image = frames.image(frame_index)
    if q.target == "face":
        cands, noun, missing = finders.faces(person, image), "face", "no face was detected"
    elif q.target == "hands":
        cands, noun, missing = finders.hands(person, image), "hand", "no hands were detected"
    elif q.target == "moving":
        cands, noun = finders.moving_regions(frames, frame_index), "moving object"
        missing = "nothing moves differently from the camera here"
    else:
        assert q.colour is not None
        cands, noun = finders.colour_regions(image, q.colour), f"{q.colour} region"
        missing = f"there is no {q.colour} region on this frame"
    if not cands:
        raise not_understood(text, missing)
    if q.target in ("moving", "colour") and not (q.position or q.size):
        return cands[:1], noun
    return select(cands, q), noun


def _describe(q: Query, count: int, label: str, frame_index: int, why: str) -> str:
    where = f" on the {q.position}" if q.position else ""
    size_word = f"{q.size} " if q.size else ""
    plural = "s" if count > 1 else ""
    desc = f"Found {count} {size_word}{label}{plural}{where} on frame {frame_index}"
    if why:
        desc += f": {why}"
    if q.unknown:
        desc += f"; could not check the words {', '.join(repr(u) for u in q.unknown)}"
    return desc + "."


def ground_text(
    frames: WorkFrames,
    person: PersonSegmenter | None,
    frame_index: int,
    text: str,
    sound: SoundSource | None = None,
) -> Grounding:
    """Find the objects `text` describes on one frame (masks at the working resolution).

    `sound` gives the stem a role names ("the drummer": the drums), for telling musicians apart.
    """
    q = parse_prompt(text)
    if q.target is None:
        what = f'"{" ".join(q.unknown)}"' if q.unknown else "nothing recognisable"
        raise not_understood(text, f"{what} is not something it can recognise")
    why = ""
    if q.target == "person":
        chosen, why = _ground_people(frames, person, frame_index, q, text, sound)
        kind, noun, score = "person", q.role or "person", 0.7
    else:
        chosen, noun = _ground_things(frames, person, frame_index, q, text)
        kind, score = "object", 0.6 if q.target == "colour" else 0.7
    chosen = [c for c in chosen if c.any()]
    if not chosen:
        raise not_understood(text, "nothing matching was found on this frame")
    label = (q.colour + " " if q.colour and q.target != "colour" else "") + noun
    desc = _describe(q, len(chosen), label, frame_index, why)
    return Grounding([(m, kind, label) for m in chosen], desc, score)

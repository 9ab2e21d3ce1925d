"""What a text prompt asks the embedded engine for: a target, a role and selectors, from words.

A prompt is parsed into a target (person / face / hands / colour / moving thing) plus selectors
(position, size, count) and, for people, a role (drummer, singer, guitarist, bassist, pianist).
The words are plain English vocabulary; nothing here knows any particular video.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vtrack.errors import PromptNotUnderstood
from vtrack.vision.embedded.finders import COLOUR_NAMES

SUGGESTIONS = [
    "person",
    "the person on the left",
    "biggest person",
    "drummer",
    "singer",
    "face",
    "hands",
    "red object",
    "moving object",
]

PERSON_WORDS = {
    "person", "man", "woman", "guy", "girl", "boy", "human", "someone", "somebody", "kid",
    "child", "lady", "gentleman", "adult", "teenager", "figure", "performer", "musician",
    "player", "dancer", "walker", "runner", "jogger", "hiker", "climber", "skier", "skater",
    "surfer", "swimmer", "rider", "cyclist", "biker", "driver", "pedestrian", "athlete",
    "speaker", "presenter", "actor", "actress", "artist", "worker", "student", "teacher",
}  # fmt: skip
PLURAL_PERSON_WORDS = {"people", "persons", "men", "women", "humans", "band", "crowd"}
ROLE_WORDS = {
    "singer": "singer", "vocalist": "singer", "vocals": "singer", "vocal": "singer",
    "voice": "singer", "rapper": "singer",
    "drummer": "drummer", "drums": "drummer", "drum": "drummer", "percussionist": "drummer",
    "percussion": "drummer",
    "guitarist": "guitarist", "guitar": "guitarist",
    "bassist": "bassist", "bass": "bassist",
    "pianist": "pianist", "piano": "pianist", "keyboardist": "pianist", "keys": "pianist",
    "keyboard": "pianist",
}  # fmt: skip
FACE_WORDS = {"face", "faces", "head", "heads"}
HAND_WORDS = {"hand", "hands", "fingers"}
MOVING_WORDS = {"moving", "motion", "mover", "movement", "fast"}
GENERIC_OBJECT_WORDS = {"object", "objects", "thing", "things", "region", "area", "stuff", "one"}
POSITION_WORDS = {
    "left": "left", "leftmost": "left", "right": "right", "rightmost": "right",
    "top": "top", "upper": "top", "bottom": "bottom", "lower": "bottom",
    "centre": "centre", "center": "centre", "middle": "centre", "central": "centre",
}  # fmt: skip
SIZE_WORDS = {
    "biggest": "biggest", "largest": "biggest", "big": "biggest", "large": "biggest",
    "main": "biggest", "closest": "biggest", "nearest": "biggest",
    "smallest": "smallest", "small": "smallest", "tiny": "smallest", "farthest": "smallest",
}  # fmt: skip
FILLER = {
    "the", "a", "an", "on", "in", "at", "of", "to", "with", "and", "isolate", "select", "track",
    "find", "show", "me", "all", "every", "each", "who", "is", "that", "side", "most", "please",
    "remove", "only", "just", "keep", "cut", "out", "mask", "segment", "follow", "frame", "video",
    "any", "some", "this", "its", "his", "her", "their", "from", "playing", "plays", "singing",
    "sings", "wearing", "shirt", "colored", "coloured", "one", "guy",
}  # fmt: skip


@dataclass
class Query:
    """What a prompt asks for, in the terms the embedded engine understands."""

    target: str | None = None  # person | face | hands | colour | moving
    role: str | None = None  # drummer | singer | guitarist | bassist | pianist
    colour: str | None = None
    position: str | None = None
    size: str | None = None
    plural: bool = False
    unknown: list[str] = field(default_factory=list)


def _take_word(q: Query, word: str) -> None:
    if word in ROLE_WORDS:
        q.role = ROLE_WORDS[word]
        q.target = "person"
    elif word in PERSON_WORDS or word in PLURAL_PERSON_WORDS:
        q.target = q.target or "person"
        q.plural = q.plural or word in PLURAL_PERSON_WORDS
    elif word in FACE_WORDS:
        q.target = "face"
        q.plural = q.plural or word.endswith("s")
    elif word in HAND_WORDS:
        q.target = "hands"
    elif word in MOVING_WORDS:
        q.target = q.target or "moving"
    elif word in COLOUR_NAMES:
        q.colour = word
    elif word in POSITION_WORDS:
        q.position = POSITION_WORDS[word]
    elif word in SIZE_WORDS:
        q.size = SIZE_WORDS[word]
    elif word not in GENERIC_OBJECT_WORDS and word not in FILLER:
        q.unknown.append(word)


def parse_prompt(text: str) -> Query:
    """Turn free text into a Query; words it cannot use are kept in `unknown`."""
    q = Query()
    for word in re.findall(r"[a-z]+", text.lower()):
        # plural person nouns ("dancers", "guitarists") mean several people of that kind
        if (
            word not in ROLE_WORDS
            and word.endswith("s")
            and word[:-1] in PERSON_WORDS | set(ROLE_WORDS)
        ):
            q.plural = True
            word = word[:-1]
        _take_word(q, word)
    if q.target is None and q.colour is not None:
        q.target = "colour"
    if q.target == "moving" and q.colour is not None:
        q.target = "colour"  # "moving red thing": colour first, motion as a tie-breaker
    return q


def not_understood(text: str, why: str) -> PromptNotUnderstood:
    """The refusal for a prompt the embedded engine cannot ground, with what it can find."""
    return PromptNotUnderstood(
        f'The embedded engine could not find "{text}": {why}. Without a large model it can find '
        "people (and tell a drummer, singer, guitarist, bassist or pianist by matching their "
        "movements to the music), faces, hands, objects of a given colour, and moving objects, "
        "with left/right/top/bottom/centre and biggest/smallest to choose between them. Or "
        "click the object instead.",
        SUGGESTIONS,
    )

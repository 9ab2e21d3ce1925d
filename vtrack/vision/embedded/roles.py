"""Pick the musician a role names (drummer, singer, ...) among people, by what they play.

Instruments are played with the hands, songs with the mouth: the person whose hands (or jaw)
move with the stem's sound is the one playing it (av_sync.py). When the sound does not say,
the answer says so, with what was found and how sure it is, instead of guessing.
"""

from __future__ import annotations

from vtrack.errors import PromptAmbiguous
from vtrack.vision.base import SoundSource, StemEnvelope
from vtrack.vision.embedded.av_sync import SyncDecision, SyncScore, decide
from vtrack.vision.embedded.body_motion import measure_part_motion
from vtrack.vision.embedded.people import PersonInstance
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.work_frames import WorkFrames

ROLE_SOUND = {
    "drummer": "drums",
    "singer": "voice",
    "guitarist": "guitar",
    "bassist": "bass",
    "pianist": "piano",
}
POSITION_PROMPTS = ["the person on the left", "the person on the right", "the person in the middle"]


def where(index: int, count: int) -> str:
    """Plain words for the place of person `index` among `count` sorted left to right."""
    if count == 1:
        return "the only person"
    if index == 0:
        return "the person on the left"
    if index == count - 1:
        return "the person on the right"
    if count == 3:
        return "the person in the middle"
    return f"the person {index + 1}{'nd' if index == 1 else 'rd' if index == 2 else 'th'} from the left"


def _part(role: str) -> str:
    return "mouth" if role == "singer" else "hands"


def _score_words(score: SyncScore, count: int) -> str:
    return f"{where(score.index, count)}: sync {score.corr:.2f} (z {score.z:.1f})"


def _explain(decision: SyncDecision, count: int) -> str:
    return "; ".join(_score_words(s, count) for s in decision.scores[:3])


def pick_role(
    frames: WorkFrames,
    person: PersonSegmenter | None,
    people: list[PersonInstance],
    frame_index: int,
    role: str,
    sound: SoundSource | None,
) -> tuple[PersonInstance, str]:
    """The one person playing `role` and a sentence saying why; raises PromptAmbiguous when the
    sound does not single one out."""
    noun = ROLE_SOUND.get(role, role)
    part = _part(role)
    if len(people) == 1:
        return people[0], f"{where(0, 1)} in view"
    envelope: StemEnvelope | None = sound() if sound is not None else None
    if envelope is None:
        raise PromptAmbiguous(
            f"{len(people)} people are in view and without the {noun} sound I cannot tell "
            f'which one is the {role}. Say which one (for example "{POSITION_PROMPTS[0]}") '
            "or click them.",
            POSITION_PROMPTS,
        )
    motion = measure_part_motion(frames, person, people, frame_index, part)
    decision = decide(motion, envelope, part)
    if decision.chosen is None:
        raise PromptAmbiguous(
            f"{len(people)} people are in view, but I could not follow anyone's {part} well "
            f"enough to match them to the {envelope.stem} stem, so I cannot tell which one is "
            f"the {role}. Say which one or click them.",
            POSITION_PROMPTS,
        )
    if not decision.sure:
        raise PromptAmbiguous(
            f"{len(people)} people are in view, but the {envelope.stem} stem does not follow "
            f"one person's {part} clearly enough to say who the {role} is "
            f"({_explain(decision, len(people))}). Say which one or click them.",
            POSITION_PROMPTS,
        )
    best = decision.scores[0]
    moves = "hands move" if part == "hands" else "mouth moves"
    why = f"{where(best.index, len(people))}, whose {moves} with the {envelope.stem} stem"
    why += f" (sync {best.corr:.2f}, z {best.z:.1f}"
    if len(decision.scores) > 1:
        nxt = decision.scores[1]
        why += f"; next best {where(nxt.index, len(people))} {nxt.corr:.2f}"
    return people[best.index], why + ")"

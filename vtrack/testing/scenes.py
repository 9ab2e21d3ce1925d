"""Composited scenes: a real photographed object moving over a real photographed background.

Because we composite, the ground truth is exact: the object's visible mask on every frame and the
clean background behind it (for removal). Images come from scikit-image's bundled data (real
photographs shipped in the wheel; no download). Camera pan, scale change, an occluding pole and
sensor noise make the scenes hard in the ways real footage is.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Scene:
    """Frames (N, H, W, 3) uint8, object masks (N, H, W) bool, clean backgrounds (N, H, W, 3)."""

    name: str
    frames: np.ndarray
    masks: np.ndarray
    backgrounds: np.ndarray
    fps: float

    @property
    def click(self) -> tuple[float, float]:
        """Relative (x, y) of the natural click on frame 0: the interior point farthest from the edge."""
        return farthest_interior_point(self.masks[0])


def farthest_interior_point(mask: np.ndarray) -> tuple[float, float]:
    """Relative (x, y) of the mask pixel farthest from the mask boundary (DAVIS-style click)."""
    m = np.pad(mask.astype(np.uint8), 1)
    dist = cv2.distanceTransform(m, cv2.DIST_L2, 5)[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(dist)), dist.shape)
    h, w = mask.shape
    return (x + 0.5) / w, (y + 0.5) / h


def _load_rgb(name: str) -> np.ndarray:
    import skimage.data

    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return np.ascontiguousarray(image[..., :3]).astype(np.uint8)


def _sprite(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A textured object cut from a photograph with an irregular, smooth silhouette."""
    crops = {
        "astronaut": (slice(20, 260), slice(140, 340)),  # face and helmet
        "chelsea": (slice(20, 280), slice(90, 330)),  # the cat's head
        "rocket": (slice(40, 420), slice(260, 380)),
        "coffee": (slice(40, 360), slice(170, 470)),  # the cup
    }
    rows, cols = crops[name]
    patch = _load_rgb(name)[rows, cols]
    h, w = patch.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ellipse = ((xx - w / 2) / (w * 0.46)) ** 2 + ((yy - h / 2) / (h * 0.46)) ** 2
    wobble = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), min(h, w) / 8)
    wobble /= np.abs(wobble).max() + 1e-6
    alpha = (ellipse + 0.25 * wobble < 1.0).astype(np.float32)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.8)
    return patch, alpha


def _path_x(path: str, t: float) -> float:
    """The object's centre as a fraction of the frame's width at time t in [0, 1]."""
    if path == "across":
        return 0.22 + 0.56 * t
    if path == "exit_return":
        if t < 0.4:
            return 0.3 + 2.0 * t  # leaves through the right edge
        if t < 0.6:
            return 1.5  # outside the frame
        return 1.5 - 2.0 * (t - 0.6)  # comes back in
    raise ValueError(f"unknown path {path!r}")


def _occluder_strips(
    width: int, height: int, occluder: bool, wall: bool
) -> list[tuple[int, np.ndarray]]:
    """(x, full-height strip) in front of everything: a thin pole at 55 % of the width, and/or a
    brick wall a third of the width wide in the middle."""
    strips = []
    if occluder:
        texture = _load_rgb("rocket")
        pole_w = max(6, width // 18)
        pole = cv2.resize(texture[:, 300:340], (pole_w, height), interpolation=cv2.INTER_AREA)
        strips.append((int(width * 0.55), pole))
    if wall:
        brick = _load_rgb("brick")
        band = cv2.resize(brick, (int(width * 0.34), height), interpolation=cv2.INTER_AREA)
        strips.append((int(width * 0.33), band))
    return strips


def _place_sprite(
    patch: np.ndarray,
    alpha: np.ndarray,
    scale: float,
    centre: tuple[float, float],
    size: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """The sprite and its alpha (h, w, 1) scaled about `centre` on a canvas of `size`."""
    ph, pw = patch.shape[:2]
    cx, cy = centre
    obj = np.float32([[scale, 0, cx - scale * pw / 2], [0, scale, cy - scale * ph / 2]])
    rgb = cv2.warpAffine(patch, obj, size, flags=cv2.INTER_LINEAR)
    return rgb, cv2.warpAffine(alpha, obj, size, flags=cv2.INTER_LINEAR)[..., None]


def composite_scene(
    name: str = "astronaut_over_coffee",
    *,
    background: str = "coffee",
    sprite: str = "astronaut",
    n_frames: int = 48,
    size: tuple[int, int] = (320, 240),
    pan_px: float = 60.0,
    scale_range: tuple[float, float] = (0.30, 0.42),
    occluder: bool = False,
    wall: bool = False,
    path: str = "across",
    noise_sigma: float = 2.0,
    fps: float = 24.0,
    seed: int = 0,
) -> Scene:
    """Render a scene of `n_frames` at `size` (width, height).

    `occluder`: a thin pole in front (the object is split, never hidden); `wall`: a band wider
    than the object in front of the middle of the frame (the object is wholly hidden for a while
    and comes out on the other side). `path`: "across" moves the object from left to right;
    "exit_return" takes it out of the right edge, keeps it outside for a fifth of the clip and
    brings it back.
    """
    rng = np.random.default_rng(seed)
    width, height = size
    bg = _load_rgb(background)
    canvas = (int(width + abs(pan_px) + 8), int(height * 1.1 + 8))
    bg = cv2.resize(bg, canvas, interpolation=cv2.INTER_AREA)
    patch, alpha = _sprite(sprite, rng)
    strips = _occluder_strips(width, height, occluder, wall)
    frames = np.empty((n_frames, height, width, 3), np.uint8)
    masks = np.empty((n_frames, height, width), bool)
    backgrounds = np.empty_like(frames)
    for i in range(n_frames):
        t = i / max(1, n_frames - 1)
        cam = np.float32([[1, 0, -pan_px * t - 4], [0, 1, -4 - 3 * np.sin(2 * np.pi * t)]])
        back = cv2.warpAffine(
            bg, cam, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        scale = (scale_range[0] + (scale_range[1] - scale_range[0]) * t) * height / patch.shape[0]
        centre = (width * _path_x(path, t), height * (0.5 + 0.12 * np.sin(2 * np.pi * t)))
        obj_rgb, obj_a = _place_sprite(patch, alpha, scale, centre, size)
        frame = back.astype(np.float32) * (1 - obj_a) + obj_rgb.astype(np.float32) * obj_a
        visible = obj_a[..., 0] > 0.5
        for x, strip in strips:
            frame[:, x : x + strip.shape[1]] = strip
            back = back.copy()
            back[:, x : x + strip.shape[1]] = strip
            visible[:, x : x + strip.shape[1]] = False
        if noise_sigma > 0:
            frame += rng.normal(0, noise_sigma, frame.shape).astype(np.float32)
        frames[i] = np.clip(frame, 0, 255).astype(np.uint8)
        masks[i] = visible
        backgrounds[i] = back
    return Scene(name=name, frames=frames, masks=masks, backgrounds=backgrounds, fps=fps)


def standard_scenes(n_frames: int = 48, size: tuple[int, int] = (320, 240)) -> list[Scene]:
    """The generated evaluation set: static camera, pan, pan + occlusion, other textures."""
    return [
        composite_scene("astronaut_static", pan_px=0, n_frames=n_frames, size=size, seed=1),
        composite_scene("astronaut_pan", pan_px=60, n_frames=n_frames, size=size, seed=2),
        composite_scene(
            "astronaut_pan_occluded", pan_px=60, occluder=True, n_frames=n_frames, size=size, seed=3
        ),
        composite_scene(
            "cat_over_rocket",
            sprite="chelsea",
            background="rocket",
            pan_px=-40,
            n_frames=n_frames,
            size=size,
            seed=4,
        ),
        composite_scene(
            "cup_over_hubble",
            sprite="coffee",
            background="hubble_deep_field",
            pan_px=30,
            scale_range=(0.35, 0.5),
            n_frames=n_frames,
            size=size,
            seed=5,
        ),
    ]


def visibility_scenes(n_frames: int = 64, size: tuple[int, int] = (320, 240)) -> list[Scene]:
    """Scenes where the object is not always in view: it leaves the frame and comes back, or
    passes wholly behind a wall. A tracker must report it absent meanwhile, then find it again."""
    return [
        composite_scene(
            "astronaut_exit_return",
            background="rocket",
            path="exit_return",
            pan_px=30,
            n_frames=n_frames,
            size=size,
            seed=28,
        ),
        composite_scene(
            "cat_behind_wall",
            sprite="chelsea",
            background="rocket",
            wall=True,
            pan_px=-20,
            n_frames=n_frames,
            size=size,
            seed=8,
        ),
    ]

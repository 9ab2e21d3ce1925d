"""Removal quality: PSNR and SSIM inside the filled region, temporal flicker there, and whether
the removed object survives in the output."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.boxes import mask_box

_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2


def _crop(region: np.ndarray, *images: np.ndarray) -> list[np.ndarray]:
    """`region` and `images` cut to the region's box (boolean indexing of whole frames is slow)."""
    box = mask_box(region)
    if box is None:
        return [region[:0, :0]] + [im[:0, :0] for im in images]
    x0, y0, x1, y1 = box
    return [region[y0:y1, x0:x1]] + [im[y0:y1, x0:x1] for im in images]


def psnr(output: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float:
    """PSNR in dB over the pixels where `region` is True (all channels); inf when identical."""
    region, output, truth = _crop(region, output, truth)
    if not region.any():
        return float("nan")
    diff = output[region].astype(np.float64) - truth[region].astype(np.float64)
    mse = float(np.mean(diff**2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def ssim(output: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float:
    """Mean SSIM (Gaussian window, sigma 1.5; averaged over channels) over `region`'s pixels.

    The SSIM map is computed on the region's box plus a border, so windows at the region's edge
    see real context on both images, as a full-frame SSIM would.
    """
    box = mask_box(region, pad=8)
    if box is None:
        return float("nan")
    x0, y0, x1, y1 = box
    a = output[y0:y1, x0:x1].astype(np.float32)
    b = truth[y0:y1, x0:x1].astype(np.float32)

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    num = (2 * mu_a * mu_b + _C1) * (2 * cov + _C2)
    den = (mu_a**2 + mu_b**2 + _C1) * (var_a + var_b + _C2)
    smap = (num / den).reshape(a.shape[0], a.shape[1], -1).mean(axis=2)
    return float(smap[region[y0:y1, x0:x1]].mean())


def temporal_difference(a: np.ndarray, b: np.ndarray, region: np.ndarray) -> float:
    """Mean absolute difference between two consecutive frames over `region`."""
    region, a, b = _crop(region, a, b)
    if not region.any():
        return float("nan")
    return float(np.mean(np.abs(a[region].astype(np.float32) - b[region].astype(np.float32))))


# Summed |RGB| difference above which a pixel of the object is told apart from the background
# behind it (sensor noise and compression stay well below; most object pixels are far above).
DISTINCT = 60
# An object pixel counts as left in the output when the output differs from the input there by
# no more than this summed |RGB| (what re-encoding leaves of an untouched pixel).
UNCHANGED = 24
# A frame "keeps the object" when at least this share of the object's distinct pixels is left:
# a fringe or a fingertip left over is partial, a tenth of the object is something a viewer sees.
SURVIVAL_SHARE = 0.10
# Below this many distinct pixels the object is too small (or too like its background) to judge.
SURVIVAL_MIN_PIXELS = 50


def survival_share(
    output: np.ndarray, original: np.ndarray, truth: np.ndarray, visible: np.ndarray
) -> float:
    """Share of the object's distinct pixels (`visible` where `original` differs from the clean
    `truth`) that the output left as they were (the removal missed them); nan when the object
    shows too few distinct pixels to judge."""
    visible, output, original, truth = _crop(visible, output, original, truth)
    o = original[visible].astype(np.int16)
    t = truth[visible].astype(np.int16)
    distinct = np.abs(o - t).sum(axis=1) > DISTINCT
    if int(distinct.sum()) < SURVIVAL_MIN_PIXELS:
        return float("nan")
    out = output[visible][distinct].astype(np.int16)
    return float(np.mean(np.abs(out - o[distinct]).sum(axis=1) <= UNCHANGED))


@dataclass
class TruthMotion:
    """Where each pixel of a frame's region was on the frame before, along the clean
    background's own motion (DIS flow, forward-backward checked): computed once per clip, shared
    by every engine scored on it. `at(t)` is (box, map_x, map_y, counted) for frame t >= 1."""

    maps: dict[int, tuple[tuple[int, int, int, int], np.ndarray, np.ndarray, np.ndarray]]

    @classmethod
    def of(cls, truths: np.ndarray, regions: list[np.ndarray]) -> TruthMotion:
        dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        maps = {}
        for t in range(1, len(truths)):
            box = mask_box(regions[t], pad=24)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            cur, prev = (
                cv2.cvtColor(np.ascontiguousarray(f[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
                for f in (truths[t], truths[t - 1])
            )
            back = dis.calc(cur, prev, None)  # where each pixel of t was at t-1
            fwd = dis.calc(prev, cur, None)
            h, w = cur.shape
            gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
            mx, my = gx + back[..., 0], gy + back[..., 1]
            trip = back + cv2.remap(fwd, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
            ok = inside & (np.linalg.norm(trip, axis=2) < 1.0) & regions[t][y0:y1, x0:x1]
            maps[t] = (box, mx, my, ok)
        return cls(maps)

    def error(self, t: int, previous: np.ndarray, current: np.ndarray) -> float:
        """Mean |current - previous moved along the true motion| over frame t's counted pixels."""
        if t not in self.maps:
            return float("nan")
        (x0, y0, x1, y1), mx, my, ok = self.maps[t]
        if not ok.any():
            return float("nan")
        warped = cv2.remap(np.ascontiguousarray(previous[y0:y1, x0:x1]), mx, my, cv2.INTER_LINEAR)
        diff = np.abs(current[y0:y1, x0:x1].astype(np.float32) - warped.astype(np.float32))
        return float(diff[ok].mean())


@dataclass
class RemovalScores:
    """Streaming scores of one removed clip: feed frames in order with `add`, read the means.

    flicker: mean |out[t+1] - out[t]| inside the filled region (union of both frames' regions);
    flicker_truth: the same for the true background (what the camera motion alone causes);
    flicker_excess: mean |(out[t+1]-out[t]) - (truth[t+1]-truth[t])|, the temporal change the
    fill adds or misses (0 for a perfect fill, whatever the camera does).
    With `motion` (the clean footage's TruthMotion) also warp_flicker / warp_flicker_truth: the
    temporal error along the true background's motion, for the output and for the clean footage
    itself (its own noise and flow error: the floor a perfect fill would reach).
    With the original frame and the object's visible mask, each frame's `survival_share`.
    """

    motion: TruthMotion | None = None
    psnrs: list[float] = field(default_factory=list)
    ssims: list[float] = field(default_factory=list)
    flicker_out: list[float] = field(default_factory=list)
    flicker_ref: list[float] = field(default_factory=list)
    flicker_err: list[float] = field(default_factory=list)
    warp_out: list[float] = field(default_factory=list)
    warp_ref: list[float] = field(default_factory=list)
    survival: list[float] = field(default_factory=list)
    _prev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    _index: int = 0

    def add(
        self,
        output: np.ndarray,
        truth: np.ndarray,
        region: np.ndarray,
        original: np.ndarray | None = None,
        visible: np.ndarray | None = None,
    ) -> None:
        if region.any():
            value = psnr(output, truth, region)
            self.psnrs.append(min(value, 100.0))
            self.ssims.append(ssim(output, truth, region))
        if original is not None and visible is not None and visible.any():
            self.survival.append(survival_share(output, original, truth, visible))
        if self._prev is not None:
            self._add_temporal(output, truth, region)
        self._prev = (output, truth, region)
        self._index += 1

    def _add_temporal(self, output: np.ndarray, truth: np.ndarray, region: np.ndarray) -> None:
        assert self._prev is not None
        p_out, p_truth, p_region = self._prev
        both = region | p_region
        if not both.any():
            return
        self.flicker_out.append(temporal_difference(output, p_out, both))
        self.flicker_ref.append(temporal_difference(truth, p_truth, both))
        cb, co, cpo, ct, cpt = _crop(both, output, p_out, truth, p_truth)
        d_out = co[cb].astype(np.float32) - cpo[cb].astype(np.float32)
        d_ref = ct[cb].astype(np.float32) - cpt[cb].astype(np.float32)
        self.flicker_err.append(float(np.mean(np.abs(d_out - d_ref))))
        if self.motion is not None:
            out_err = self.motion.error(self._index, p_out, output)
            if not np.isnan(out_err):
                self.warp_out.append(out_err)
                self.warp_ref.append(self.motion.error(self._index, p_truth, truth))

    @staticmethod
    def _mean(values: list[float]) -> float:
        values = [v for v in values if not np.isnan(v)]
        return float(np.mean(values)) if values else float("nan")

    @property
    def psnr(self) -> float:
        return self._mean(self.psnrs)

    @property
    def ssim(self) -> float:
        return self._mean(self.ssims)

    @property
    def flicker(self) -> float:
        return self._mean(self.flicker_out)

    @property
    def flicker_truth(self) -> float:
        return self._mean(self.flicker_ref)

    @property
    def flicker_excess(self) -> float:
        return self._mean(self.flicker_err)

    @property
    def warp_flicker(self) -> float:
        return self._mean(self.warp_out)

    @property
    def warp_flicker_truth(self) -> float:
        return self._mean(self.warp_ref)

    @property
    def surviving_frames(self) -> int:
        """Frames on which the object is still there (see SURVIVAL_SHARE)."""
        return sum(1 for v in self.survival if v >= SURVIVAL_SHARE)

    @property
    def mean_survival(self) -> float:
        """Mean share of the object's distinct pixels left in the output (0 = all gone)."""
        return self._mean(self.survival)

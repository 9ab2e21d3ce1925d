"""Removal quality: PSNR and SSIM inside the filled region, and temporal flicker there."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.boxes import mask_box

_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2


def psnr(output: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float:
    """PSNR in dB over the pixels where `region` is True (all channels); inf when identical."""
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
    if not region.any():
        return float("nan")
    return float(np.mean(np.abs(a[region].astype(np.float32) - b[region].astype(np.float32))))


@dataclass
class RemovalScores:
    """Streaming scores of one removed clip: feed frames in order with `add`, read the means.

    flicker: mean |out[t+1] - out[t]| inside the filled region (union of both frames' regions);
    flicker_truth: the same for the true background (what the camera motion alone causes);
    flicker_excess: mean |(out[t+1]-out[t]) - (truth[t+1]-truth[t])|, the temporal change the
    fill adds or misses (0 for a perfect fill, whatever the camera does).
    """

    psnrs: list[float] = field(default_factory=list)
    ssims: list[float] = field(default_factory=list)
    flicker_out: list[float] = field(default_factory=list)
    flicker_ref: list[float] = field(default_factory=list)
    flicker_err: list[float] = field(default_factory=list)
    _prev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, output: np.ndarray, truth: np.ndarray, region: np.ndarray) -> None:
        if region.any():
            value = psnr(output, truth, region)
            self.psnrs.append(min(value, 100.0))
            self.ssims.append(ssim(output, truth, region))
        if self._prev is not None:
            p_out, p_truth, p_region = self._prev
            both = region | p_region
            if both.any():
                self.flicker_out.append(temporal_difference(output, p_out, both))
                self.flicker_ref.append(temporal_difference(truth, p_truth, both))
                d_out = output[both].astype(np.float32) - p_out[both].astype(np.float32)
                d_ref = truth[both].astype(np.float32) - p_truth[both].astype(np.float32)
                self.flicker_err.append(float(np.mean(np.abs(d_out - d_ref))))
        self._prev = (output, truth, region)

    @staticmethod
    def _mean(values: list[float]) -> float:
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

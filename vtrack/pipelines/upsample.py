"""Masks from the working resolution to the output resolution, snapped to the frame's own edges.

Analysis runs at <= 854x480; the result is drawn at the source's resolution (up to 1920x1080).
A mask scaled up bilinearly keeps the blobby outline of the lower resolution; a guided filter
(He, Sun and Tang 2010) takes the edges from the full-resolution frame instead. It fits, in each
small window, the mask as a linear function of the guide's brightness (q = a * I + b), so a mask
edge that runs near an image edge moves onto it. The fast variant (He and Sun 2015, "Fast
Guided Filter") fits a and b at the working resolution, where the mask lives, and applies them
to the full-resolution guide: the cost at output resolution is two interpolations and a
multiply-add over the object's box, not box filters over it.

Knobs, measured on DAVIS-2016 (masks downscaled 4x and back to mimic the tracker, then scaled
2.25x as 854x480 -> 1920x1080 is; bench figures in bench/RESULTS.md):
- RADIUS = 1 working pixel: the mask's edge is uncertain by about one working pixel; larger
  windows smear it (radius 2: J -0.001, boundary F@2px -0.003; radius 3: worse again).
- EPS = 1e-4 (guide in 0-1): small, so the filter follows real edges; 1e-3 and 1e-2 give up a
  little of the gain on both splits.
- MIX = 0.5: half the guided result, half the bilinear mask. The guided filter alone lifts J but
  makes outlines ragged on texture (boundary F@2px tune 0.950 -> 0.940); the blend keeps the J
  gain (tune 0.9625 -> 0.9683, holdout 0.9588 -> 0.9649) with boundary F within 0.003.
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.boxes import mask_box

RADIUS = 1
EPS = 1e-4
MIX = 0.5


_LUMA = np.float32([0.299, 0.587, 0.114]) / 255  # BT.601 luma, as cv2's RGB2GRAY
_ROW = 1024  # cv2.remap wants maps under 32767 on a side: band pixels go in rows of this length


def _fit(guide: np.ndarray, mask: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Guided-filter coefficients (a, b) and the mask itself, stacked as a 3-channel float image."""
    k = (2 * radius + 1, 2 * radius + 1)
    mean_i = cv2.blur(guide, k)
    mean_p = cv2.blur(mask, k)
    cov = cv2.blur(guide * mask, k) - mean_i * mean_p
    var = cv2.blur(guide * guide, k) - mean_i * mean_i
    a = cov / (var + eps)
    b = mean_p - a * mean_i
    return cv2.merge([cv2.blur(a, k), cv2.blur(b, k), mask])


def _sample(image: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Bilinear samples of a multi-channel float image at float coordinates, shape (N, C)."""
    n = xs.size
    rows = -(-n // _ROW)
    mx = np.zeros(rows * _ROW, np.float32)
    my = np.zeros(rows * _ROW, np.float32)
    mx[:n], my[:n] = xs, ys
    out = cv2.remap(
        image,
        mx.reshape(rows, _ROW),
        my.reshape(rows, _ROW),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return out.reshape(rows * _ROW, -1)[:n]


class MaskUpsampler:
    """Scales bool masks from `work_size` to `out_size` (w, h), guided by the output frame.

    `guide_work` is the same frame at working resolution (the analysis frame store has it), so
    the coefficients are fitted on exactly the pixels the engine saw.

    Only pixels near the mask's edge are computed at full resolution: a and b are (0, 0) or
    (0, 1) wherever the working mask is constant over the filter's reach, so the band of
    `reach` working pixels either side of the edge is all that can differ from the plain mask.
    """

    def __init__(
        self,
        work_size: tuple[int, int],
        out_size: tuple[int, int],
        radius: int = RADIUS,
        eps: float = EPS,
        mix: float = MIX,
    ) -> None:
        self.work_size = work_size
        self.out_size = out_size
        self.scale = (out_size[0] / work_size[0], out_size[1] / work_size[1])
        self.radius = radius
        self.eps = eps
        self.mix = mix
        # In theory a and b vary up to 2r + 1 working pixels from the edge, but the blended
        # result only ever crossed 0.5 within one: on five DAVIS sequences scaled to 1080p,
        # reach 1 and reach 3 gave the same masks (0 of 5.3 M object pixels differed).
        self.reach = 1
        self._kernel = np.ones((2 * self.reach + 1, 2 * self.reach + 1), np.uint8)

    @property
    def identity(self) -> bool:
        return self.work_size == self.out_size

    def __call__(
        self, mask: np.ndarray, frame: np.ndarray, guide_work: np.ndarray | None = None
    ) -> np.ndarray:
        """The mask at output size (bool); `frame` is the output-resolution RGB frame."""
        if self.identity:
            return mask
        out_w, out_h = self.out_size
        out = np.zeros((out_h, out_w), bool)
        # The band plus the box filters' reach: no crop border effect on any band pixel.
        box = mask_box(mask, self.reach + 2 * self.radius + 1)
        if box is None:
            return out
        if guide_work is None:
            guide_work = cv2.resize(frame, self.work_size, interpolation=cv2.INTER_AREA)
        x0, y0, x1, y1 = box
        sx, sy = self.scale
        fx0, fy0 = int(np.floor(x0 * sx)), int(np.floor(y0 * sy))
        fx1, fy1 = min(out_w, int(np.ceil(x1 * sx))), min(out_h, int(np.ceil(y1 * sy)))
        crop = mask[y0:y1, x0:x1].astype(np.uint8)
        inner = cv2.erode(crop, self._kernel, borderType=cv2.BORDER_REPLICATE)
        band = cv2.dilate(crop, self._kernel, borderType=cv2.BORDER_REPLICATE) - inner
        # Pixel centres map exactly: full-res X sits at work (X + 0.5) / s - 0.5.
        warp = np.float32(
            [[1 / sx, 0, (fx0 + 0.5) / sx - 0.5 - x0], [0, 1 / sy, (fy0 + 0.5) / sy - 0.5 - y0]]
        )
        size = (fx1 - fx0, fy1 - fy0)
        flags = cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP
        region = out[fy0:fy1, fx0:fx1]
        region[...] = cv2.warpAffine(inner, warp, size, flags=flags) > 0
        near = cv2.findNonZero(cv2.warpAffine(band, warp, size, flags=flags))
        if near is None:
            return out
        near = near.reshape(-1, 2)  # (N, 1, 2) in OpenCV 4, (N, 2) in 5
        xs, ys = near[:, 0], near[:, 1]
        low = cv2.cvtColor(np.ascontiguousarray(guide_work[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
        coeffs = _fit(
            low.astype(np.float32) * np.float32(1 / 255),
            crop.astype(np.float32),
            self.radius,
            self.eps,
        )
        ab = _sample(coeffs, xs * warp[0, 0] + warp[0, 2], ys * warp[1, 1] + warp[1, 2])
        guide = frame[fy0 + ys, fx0 + xs].astype(np.float32) @ _LUMA
        guided = ab[:, 0] * guide + ab[:, 1]
        region[ys, xs] = self.mix * guided + (1 - self.mix) * ab[:, 2] > 0.5
        return out


def bilinear_upsample(mask: np.ndarray, out_size: tuple[int, int]) -> np.ndarray:
    """The plain alternative (for comparison in the bench): bilinear, then threshold."""
    return cv2.resize(mask.astype(np.float32), out_size, interpolation=cv2.INTER_LINEAR) > 0.5

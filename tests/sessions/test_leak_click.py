"""A negative click on a leak removes the part of the shown mask that moves apart from the
rest (the ground under an animal, an obstacle beside a horse), not just the spot clicked."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.embedded.correction import correct_in_order
from vtrack.vision.embedded.frame_looks import FrameLooks


def _frame(shift: int) -> tuple[np.ndarray, np.ndarray]:
    """A red disk `shift` px right of x=120 over a still, textured grey background."""
    rng = np.random.default_rng(0)
    image = np.repeat(rng.integers(60, 200, (240, 320), dtype=np.uint8)[..., None], 3, axis=2)
    image = cv2.GaussianBlur(image, (0, 0), 1.5)
    disk = np.zeros((240, 320), np.uint8)
    cv2.circle(disk, (120 + shift, 120), 40, 1, -1)
    texture = rng.integers(0, 60, (240, 320), dtype=np.uint8)
    image[disk > 0] = np.stack([140 + texture, 30 + texture // 2, 30 + texture // 2], -1)[disk > 0]
    return image, disk > 0


def _looks(image: np.ndarray, later: np.ndarray) -> FrameLooks:
    return FrameLooks(image, None, lambda step: later)


def test_a_negative_click_removes_the_still_leak_beside_a_moving_object() -> None:
    image, disk = _frame(0)
    later, _ = _frame(12)  # the disk moves right, the background stays
    leak = np.zeros_like(disk)
    leak[150:205, 85:155] = True  # the track took a patch of background under the disk
    leak &= ~disk
    shown = disk | leak
    rx, ry = farthest_interior_point(leak & ~disk)  # where the robot user clicks
    x, y = int(rx * 320), int(ry * 240)
    fixed = correct_in_order(image, shown, [(x, y, False)], looks=_looks(image, later))
    assert np.count_nonzero(fixed & leak) <= 0.25 * np.count_nonzero(leak)  # most of it goes
    assert np.count_nonzero(fixed & disk) >= 0.9 * np.count_nonzero(disk)  # the object stays
    assert not (fixed & ~shown).any()  # a negative click never adds
    without_motion = correct_in_order(image, shown, [(x, y, False)])
    assert np.count_nonzero(without_motion & leak) > np.count_nonzero(fixed & leak)


def test_a_leak_that_moves_with_the_object_is_left_to_the_recut() -> None:
    image, disk = _frame(0)
    shown = disk.copy()
    shown[150:200, 80:200] = True
    x, y = 180, 185
    # nothing moves: no part moves apart, so the click does what it did without motion
    still = correct_in_order(image, shown, [(x, y, False)], looks=_looks(image, image))
    assert np.array_equal(still, correct_in_order(image, shown, [(x, y, False)]))

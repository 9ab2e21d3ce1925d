"""Per-superpixel evidence that a region belongs to the clicked object.

Each feature is a general cue measured relative to the click, never a property of one kind of
object: how unlike the click's colour a region is, how hard it is to reach from the click across
colour edges and motion boundaries (geodesic distances on the superpixel graph), how much it
moves on its own (camera-compensated residual flow) and how much like the click, and what the
person segmenter says. A small model (objectness.py) turns them into a probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.vision.embedded.motion_field import MotionField
from vtrack.vision.embedded.superpixels import RegionGraph

# the order the model's inputs come in; the model file records it and is checked against it
FEATURES = (
    "colour_diff",
    "geo_colour",
    "geo_colour_rank",
    "geo_edge",
    "geo_edge_rank",
    "geo_motion",
    "geo_motion_rank",
    "geo_all_rank",
    "distance",
    "residual",
    "residual_click",
    "flow_diff",
    "person",
    "person_click",
    "seed",
    "border",
)

# CIE Lab difference that counts as one unit of colour change (about "clearly another colour")
_LAB_UNIT = 40.0


@dataclass
class FrameCues:
    """What the features need from the clicked frame, computed once per frame."""

    graph: RegionGraph
    lab: np.ndarray  # (n, 3) region mean Lab
    edge_cost: np.ndarray  # (m,) mean gradient across each adjacent pair, / frame mean
    colour_cost: np.ndarray  # (m,) Lab difference of each adjacent pair / _LAB_UNIT
    flows: list[np.ndarray]  # per partner: (n, 2) region mean flow / that partner's noise
    residual: np.ndarray  # (n,) own motion (residual flow / noise), mean over partners
    motion_cost: np.ndarray  # (m,) flow difference of each adjacent pair / noise, mean
    person: np.ndarray | None  # (n,) region mean person probability

    def pair_cost(self) -> np.ndarray:
        """What stepping across each adjacent pair costs on the way from a click: colour change,
        an edge between them and a motion boundary, each in its own unit."""
        return self.colour_cost + self.edge_cost + self.motion_cost


def frame_cues(
    image: np.ndarray,
    graph: RegionGraph,
    motions: list[MotionField],
    person_prob: np.ndarray | None,
) -> FrameCues:
    """Region statistics of one frame (independent of where the click is)."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab).astype(np.float32)
    # OpenCV's 8-bit Lab scales L to 0-255; back to 0-100 so distances are CIE units
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    region_lab = graph.mean(lab)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    mag = cv2.magnitude(
        cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    )
    edge_cost = graph.boundary_mean(mag / (float(mag.mean()) + 1e-3))
    i, j = graph.pairs[:, 0], graph.pairs[:, 1]
    colour_cost = np.linalg.norm(region_lab[i] - region_lab[j], axis=1) / _LAB_UNIT
    flows = [graph.mean(m.flow) / m.noise for m in motions]
    residual = np.zeros(graph.n, np.float32)
    motion_cost = np.zeros(len(graph.pairs), np.float32)
    for m, flow in zip(motions, flows, strict=True):
        residual += np.linalg.norm(graph.mean(m.residual), axis=1) / m.noise / len(motions)
        motion_cost += np.linalg.norm(flow[i] - flow[j], axis=1) / len(motions)
    return FrameCues(
        graph,
        region_lab,
        edge_cost,
        colour_cost,
        flows,
        residual,
        motion_cost,
        graph.mean(person_prob) if person_prob is not None else None,
    )


def _rank(dist: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Fraction of the frame's area that is closer to the click than each region."""
    order = np.argsort(dist, kind="stable")
    cum = np.cumsum(area[order]) / max(float(area.sum()), 1.0)
    out = np.empty_like(cum)
    out[order] = cum
    return out.astype(np.float32)


def _flow_diff(cues: FrameCues, src: list[int], residual_click: float) -> np.ndarray:
    """How unlike the click's own motion each region moves, in units of how far that motion is
    from the camera's (a fast object tolerates more flow error than a slow one)."""
    if not cues.flows:
        return np.zeros(cues.graph.n, np.float32)
    w = cues.graph.area[src] / cues.graph.area[src].sum()
    diffs = [np.linalg.norm(flow - (flow[src] * w[:, None]).sum(0), axis=1) for flow in cues.flows]
    return (np.mean(diffs, 0) / (1.0 + residual_click)).astype(np.float32)


def click_features(
    cues: FrameCues, clicks: list[tuple[int, int]], seed: np.ndarray | None
) -> np.ndarray:
    """(n, len(FEATURES)) features of every region for positive clicks (pixel x, y)."""
    g = cues.graph
    h, w = g.labels.shape
    src = sorted({int(g.labels[y, x]) for x, y in clicks})
    wsrc = g.area[src] / g.area[src].sum()
    lab_click = (cues.lab[src] * wsrc[:, None]).sum(0)
    residual_click = float((cues.residual[src] * wsrc).sum())
    flow_diff = _flow_diff(cues, src, residual_click)
    geo_colour = g.geodesic(cues.colour_cost, src)
    geo_edge = g.geodesic(cues.edge_cost, src)
    geo_motion = g.geodesic(cues.motion_cost, src)
    geo_all = g.geodesic(cues.pair_cost(), src)
    scale = np.sqrt(h * w)
    pts = np.array(clicks, np.float32)
    distance = np.min(np.linalg.norm(g.centroid[:, None, :] - pts[None], axis=2), axis=1)
    person = cues.person if cues.person is not None else np.zeros(g.n, np.float32)
    person_click = float((person[src] * wsrc).sum())
    seed_frac = g.mean(seed.astype(np.float32)) if seed is not None else np.zeros(g.n)
    border_labels = np.unique(
        np.concatenate([g.labels[0], g.labels[-1], g.labels[:, 0], g.labels[:, -1]])
    )
    border = np.zeros(g.n, np.float32)
    border[border_labels] = 1.0
    cols = {
        "colour_diff": np.linalg.norm(cues.lab - lab_click, axis=1) / _LAB_UNIT,
        "geo_colour": geo_colour,
        "geo_colour_rank": _rank(geo_colour, g.area),
        "geo_edge": geo_edge,
        "geo_edge_rank": _rank(geo_edge, g.area),
        "geo_motion": geo_motion,
        "geo_motion_rank": _rank(geo_motion, g.area),
        "geo_all_rank": _rank(geo_all, g.area),
        "distance": distance / scale,
        "residual": cues.residual,
        "residual_click": np.full(g.n, residual_click, np.float32),
        "flow_diff": flow_diff,
        "person": person,
        "person_click": np.full(g.n, person_click, np.float32),
        "seed": seed_frac,
        "border": border,
    }
    return np.stack([np.asarray(cols[name], np.float32) for name in FEATURES], axis=1)

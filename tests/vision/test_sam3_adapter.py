"""SAM 3 adapter: requests in sam3's real format, outputs parsed, sessions driven end to end."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vtrack.errors import EngineUnavailable, InvalidInput, PromptNotUnderstood
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import BoxPrompt, PointPrompt
from vtrack.vision.sam3_adapter import (
    Sam3Segmenter,
    build_add_exemplar_boxes_request,
    build_add_points_request,
    build_add_text_request,
    build_propagate_request,
    mask_to_seed,
    match_ids_by_iou,
    parse_frame_outputs,
    plan_chunks,
)

H, W = 24, 32


class FakeSam3Predictor:
    """Records requests; answers like sam3's Sam3VideoPredictor (ordering rules included).

    Forward propagation yields start..end inclusive; backward yields start-1 down to 0, as
    `Sam3VideoInference._get_processing_order` does. Each object's mask is a 5x5 square centred on
    its first positive point (or its box centre), on every frame.
    """

    def __init__(self, text_hits: int = 2) -> None:
        self.requests: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.text_hits = text_hits
        self._n = 0

    def _outputs(self, sess: dict[str, Any]) -> dict[str, Any]:
        ids = sorted(sess["objects"])
        masks = np.zeros((len(ids), H, W), dtype=bool)
        for i, obj_id in enumerate(ids):
            x, y = sess["objects"][obj_id]
            cx, cy = int(x * W), int(y * H)
            masks[i, max(cy - 2, 0) : cy + 3, max(cx - 2, 0) : cx + 3] = True
        return {
            "out_obj_ids": np.array(ids, dtype=np.int64),
            "out_probs": np.full(len(ids), 0.9, dtype=np.float32),
            "out_boxes_xywh": np.zeros((len(ids), 4), dtype=np.float32),
            "out_binary_masks": masks,
        }

    def handle_request(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(dict(request))
        kind = request["type"]
        if kind == "start_session":
            path = request["resource_path"]
            n = len([p for p in os.listdir(path) if p.endswith(".jpg")])
            sid = f"s{self._n}"
            self._n += 1
            self.sessions[sid] = {"num_frames": n, "objects": {}, "path": path}
            return {"session_id": sid}
        sess = self.sessions[request["session_id"]]
        if kind == "add_prompt":
            assert 0 <= request["frame_index"] < sess["num_frames"]
            if "text" in request:
                sess["objects"] = {i: (0.2 + 0.3 * i, 0.5) for i in range(self.text_hits)}
            else:
                pts, labels = request["points"], request["point_labels"]
                assert request["obj_id"] is not None
                if 2 in labels:
                    (x0, y0), (x1, y1) = pts[labels.index(2)], pts[labels.index(3)]
                    sess["objects"][request["obj_id"]] = ((x0 + x1) / 2, (y0 + y1) / 2)
                else:
                    sess["objects"][request["obj_id"]] = tuple(pts[labels.index(1)])
            return {"frame_index": request["frame_index"], "outputs": self._outputs(sess)}
        if kind == "remove_object":
            del sess["objects"][request["obj_id"]]
            return {"is_success": True}
        if kind == "close_session":
            self.sessions.pop(request["session_id"])
            return {"is_success": True}
        raise AssertionError(kind)

    def handle_stream_request(self, request: dict[str, Any]):
        self.requests.append(dict(request))
        assert request["type"] == "propagate_in_video"
        sess = self.sessions[request["session_id"]]
        n, start = sess["num_frames"], request["start_frame_index"]
        limit = request["max_frame_num_to_track"]
        limit = n if limit is None else limit
        direction = request["propagation_direction"]
        if direction in ("both", "forward"):
            for t in range(start, min(start + limit, n - 1) + 1):
                yield {"frame_index": t, "outputs": self._outputs(sess)}
        if direction in ("both", "backward"):
            for t in range(start - 1, max(start - limit, 0) - 1, -1):
                yield {"frame_index": t, "outputs": self._outputs(sess)}


def make_video(n: int) -> FrameSequence:
    frames = [np.full((H, W, 3), i % 256, dtype=np.uint8) for i in range(n)]
    return FrameSequence.from_arrays(frames)


def make_segmenter(fake: FakeSam3Predictor, chunk_frames: int = 300) -> Sam3Segmenter:
    return Sam3Segmenter(predictor=fake, chunk_frames=chunk_frames)


# --- request builders ---


def test_points_request_uses_relative_coords_int_labels_and_obj_id() -> None:
    req = build_add_points_request(
        "sid", 3, 7, [PointPrompt(0.25, 0.5), PointPrompt(0.9, 0.1, positive=False)]
    )
    assert req == {
        "type": "add_prompt",
        "session_id": "sid",
        "frame_index": 3,
        "points": [[0.25, 0.5], [0.9, 0.1]],
        "point_labels": [1, 0],
        "obj_id": 7,
    }
    assert all(type(label) is int for label in req["point_labels"])


def test_points_request_clamps_to_unit_range_and_rejects_empty() -> None:
    req = build_add_points_request("sid", 0, 1, [PointPrompt(1.2, -0.1)])
    assert req["points"] == [[1.0, 0.0]]
    with pytest.raises(InvalidInput):
        build_add_points_request("sid", 0, 1, [])


def test_box_for_one_object_travels_as_corner_points_labelled_2_and_3() -> None:
    req = build_add_points_request(
        "sid", 0, 4, [PointPrompt(0.5, 0.5)], box=BoxPrompt(0.6, 0.4, 0.2, 0.1)
    )
    assert req["points"] == [[0.2, 0.1], [0.6, 0.4], [0.5, 0.5]]
    assert req["point_labels"] == [2, 3, 1]
    assert req["obj_id"] == 4
    assert "bounding_boxes" not in req


def test_exemplar_boxes_are_normalised_xywh_with_labels() -> None:
    req = build_add_exemplar_boxes_request(
        "sid", 2, [BoxPrompt(0.1, 0.2, 0.5, 0.6), BoxPrompt(0.7, 0.7, 0.9, 1.0)], [True, False]
    )
    np.testing.assert_allclose(req["bounding_boxes"], [[0.1, 0.2, 0.4, 0.4], [0.7, 0.7, 0.2, 0.3]])
    assert req["bounding_box_labels"] == [1, 0]
    assert "obj_id" not in req and "points" not in req


def test_text_request_has_no_points_or_obj_id() -> None:
    req = build_add_text_request("sid", 5, "  red car ")
    assert req == {"type": "add_prompt", "session_id": "sid", "frame_index": 5, "text": "red car"}
    with pytest.raises(InvalidInput):
        build_add_text_request("sid", 5, "   ")


@pytest.mark.parametrize("direction", ["both", "forward", "backward"])
def test_propagate_request_defaults_to_all_frames_never_minus_one(direction: str) -> None:
    req = build_propagate_request("sid", direction, 4)  # type: ignore[arg-type]
    assert req["type"] == "propagate_in_video"
    assert req["propagation_direction"] == direction
    assert req["start_frame_index"] == 4
    assert req["max_frame_num_to_track"] is None
    with pytest.raises(InvalidInput):
        build_propagate_request("sid", direction, 4, -1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        build_propagate_request("sid", "sideways", 4)  # type: ignore[arg-type]


# --- outputs ---


def test_parse_frame_outputs_reads_the_real_dict() -> None:
    masks = np.zeros((2, H, W), dtype=bool)
    masks[0, :2, :2] = True
    masks[1, -3:, -3:] = True
    out = {
        "out_obj_ids": np.array([3, 8], dtype=np.int64),
        "out_probs": np.array([0.75, 1.2], dtype=np.float32),
        "out_boxes_xywh": np.zeros((2, 4), dtype=np.float32),
        "out_binary_masks": masks,
    }
    fm = parse_frame_outputs(out, 11)
    assert fm.frame_index == 11
    assert sorted(fm.masks) == [3, 8]
    assert fm.masks[3].dtype == bool and fm.masks[3].sum() == 4 and fm.masks[8].sum() == 9
    assert fm.scores[3] == pytest.approx(0.75) and fm.scores[8] == 1.0


def test_parse_frame_outputs_resizes_to_our_frames_and_handles_none() -> None:
    masks = np.zeros((1, 2 * H, 2 * W), dtype=bool)
    masks[0, : H // 2 * 2, : W // 2 * 2] = True  # top-left quarter at twice our size
    fm = parse_frame_outputs(
        {"out_obj_ids": np.array([1]), "out_probs": np.array([0.5]), "out_binary_masks": masks},
        0,
        frame_size=(H, W),
    )
    assert fm.masks[1].shape == (H, W)
    assert fm.masks[1].sum() == (H // 2) * (W // 2)
    empty = parse_frame_outputs(None, 4)
    assert empty.frame_index == 4 and empty.masks == {}


# --- chunking helpers ---


def test_plan_chunks_cover_every_frame_and_share_one_frame() -> None:
    assert plan_chunks(10, 300) == [(0, 10)]
    chunks = plan_chunks(10, 4)
    assert chunks == [(0, 4), (3, 7), (6, 10)]
    covered = set().union(*(range(a, b) for a, b in chunks))
    assert covered == set(range(10))


def test_mask_to_seed_box_and_interior_point() -> None:
    mask = np.zeros((H, W), dtype=bool)
    mask[4:12, 8:24] = True
    points, box = mask_to_seed(mask)  # type: ignore[misc]
    assert (box.x0, box.y0, box.x1, box.y1) == (8 / W, 4 / H, 24 / W, 12 / H)
    px, py = int(points[0].x * W), int(points[0].y * H)
    assert mask[py, px] and points[0].positive
    assert mask_to_seed(np.zeros((H, W), dtype=bool)) is None


def test_match_ids_by_iou_keeps_old_ids() -> None:
    a = np.zeros((H, W), bool)
    a[:5, :5] = True
    b = np.zeros((H, W), bool)
    b[10:, 10:] = True
    assert match_ids_by_iou({4: a, 9: b}, {0: b, 1: a, 2: np.zeros((H, W), bool)}) == {0: 9, 1: 4}


# --- session end to end ---


def test_click_then_track_both_directions_every_frame_once() -> None:
    fake = FakeSam3Predictor()
    with make_segmenter(fake).start_session(make_video(12)) as session:
        first = session.add_points(5, 1, [PointPrompt(0.5, 0.5)])
        assert first.frame_index == 5 and first.masks[1][12, 16]
        second = session.add_points(5, 1, [PointPrompt(0.1, 0.1, positive=False)])
        assert 1 in second.masks
        progress: list[float] = []
        frames = [fm.frame_index for fm in session.propagate("both", progress=progress.append)]
    assert sorted(frames) == list(range(12))
    assert progress[-1] == pytest.approx(1.0)
    adds = [r for r in fake.requests if r["type"] == "add_prompt"]
    # SAM 3 replaces an object's points on a frame with each call: we resend all the clicks.
    assert adds[-1]["points"] == [[0.5, 0.5], [0.1, 0.1]] and adds[-1]["point_labels"] == [1, 0]
    props = [r for r in fake.requests if r["type"] == "propagate_in_video"]
    assert all(r["max_frame_num_to_track"] is None for r in props)
    assert fake.requests[-1]["type"] == "close_session"


def test_backward_only_includes_the_start_frame() -> None:
    fake = FakeSam3Predictor()
    session = make_segmenter(fake).start_session(make_video(10))
    session.add_points(6, 2, [PointPrompt(0.3, 0.3)])
    frames = [fm.frame_index for fm in session.propagate("backward")]
    assert sorted(frames) == list(range(7))
    forward = [fm.frame_index for fm in session.propagate("forward", start_frame_index=6)]
    assert forward == [6, 7, 8, 9]
    session.close()


def test_text_prompt_resets_points_and_reports_instances() -> None:
    fake = FakeSam3Predictor(text_hits=2)
    session = make_segmenter(fake).start_session(make_video(6))
    session.add_points(0, 5, [PointPrompt(0.5, 0.5)])
    det = session.add_text(2, "dog")
    assert sorted(det.frame_masks.masks) == [0, 1]
    assert det.labels == {0: "dog", 1: "dog"}
    assert "2" in det.description
    tracked = list(session.propagate())
    assert {fm.frame_index for fm in tracked} == set(range(6))
    assert all(set(fm.masks) == {0, 1} for fm in tracked)
    session.close()


def test_text_prompt_with_no_hits_is_not_understood() -> None:
    session = make_segmenter(FakeSam3Predictor(text_hits=0)).start_session(make_video(3))
    with pytest.raises(PromptNotUnderstood):
        session.add_text(0, "unicorn")
    session.close()


def test_remove_object_sends_request_only_for_known_ids() -> None:
    fake = FakeSam3Predictor()
    session = make_segmenter(fake).start_session(make_video(4))
    session.add_points(0, 1, [PointPrompt(0.2, 0.2)])
    session.add_box(0, 2, BoxPrompt(0.5, 0.5, 0.9, 0.9))
    session.remove_object(1)
    session.remove_object(42)  # unknown: sam3 would assert, so nothing is sent
    removes = [r for r in fake.requests if r["type"] == "remove_object"]
    assert [r["obj_id"] for r in removes] == [1]
    assert all(set(fm.masks) == {2} for fm in session.propagate())
    session.close()


def test_long_video_is_tracked_in_chunks_handing_objects_over() -> None:
    fake = FakeSam3Predictor()
    session = make_segmenter(fake, chunk_frames=5).start_session(make_video(13))
    session.add_points(6, 3, [PointPrompt(0.5, 0.5)])  # chunk (4, 9)
    results = {fm.frame_index: fm for fm in session.propagate("both")}
    assert sorted(results) == list(range(13))
    assert all(3 in fm.masks and fm.masks[3].any() for fm in results.values())
    starts = [r for r in fake.requests if r["type"] == "start_session"]
    assert len(starts) >= 4  # every chunk had its own session (at most 5 frames on the GPU)
    for r in starts:
        assert len(os.listdir(r["resource_path"])) <= 5
    # The handed-over object is re-prompted with a box + an interior click, never pixels.
    seeds = [r for r in fake.requests if r["type"] == "add_prompt" and 2 in r["point_labels"]]
    assert seeds and all(0.0 <= v <= 1.0 for r in seeds for p in r["points"] for v in p)
    tmp = Path(starts[0]["resource_path"]).parent
    session.close()
    assert not tmp.exists()
    assert fake.sessions == {}


def test_missing_checkpoint_is_engine_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="checkpoint"):
        Sam3Segmenter(checkpoint_path=tmp_path / "sam3.pt")


def test_loader_failure_becomes_engine_unavailable(tmp_path: Path) -> None:
    ckpt = tmp_path / "sam3.pt"
    ckpt.write_bytes(b"not a checkpoint")

    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("CUDA out of memory")

    with pytest.raises(EngineUnavailable, match="CUDA out of memory"):
        Sam3Segmenter(checkpoint_path=ckpt, predictor_factory=boom)
    seen: dict[str, Any] = {}
    seg = Sam3Segmenter(
        checkpoint_path=ckpt, predictor_factory=lambda **kw: seen.update(kw) or FakeSam3Predictor()
    )
    assert seen == {"checkpoint_path": str(ckpt)} and seg.supports_text and seg.name == "sam3"


def test_checkpoint_check_reads_the_video_models_weights(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from vtrack.vision.sam3_adapter import check_checkpoint_file

    good = tmp_path / "sam3.pt"
    weights = {"detector.backbone.w": torch.zeros(2), "tracker.memory.w": torch.zeros(3)}
    torch.save({"model": weights}, good)
    assert check_checkpoint_file(good) == 2
    image_only = tmp_path / "image.pt"
    torch.save({"backbone.w": torch.zeros(2)}, image_only)
    with pytest.raises(EngineUnavailable, match="not a SAM 3 video checkpoint"):
        check_checkpoint_file(image_only)
    garbage = tmp_path / "cut.pt"
    garbage.write_bytes(b"\x80\x02 half a download")
    with pytest.raises(Exception):  # noqa: B017 - torch's own unpickling error, whatever its type
        check_checkpoint_file(garbage)

"""Vision registry: clear reasons when SAM 3 / SAM 2 cannot run, and "auto" falling back."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable
from vtrack.vision import registry
from vtrack.vision.registry import load_segmenter, vision_engines


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", **kw)


def by_name(infos: list[EngineInfo]) -> dict[str, EngineInfo]:
    return {info.name: info for info in infos}


@pytest.fixture
def fake_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend sam3, sam2, triton and torch are installed, with no GPU."""
    site = tmp_path / "site"
    (site / "sam3").mkdir(parents=True)
    (site / "sam2" / "configs" / "sam2.1").mkdir(parents=True)
    (site / "sam2" / "configs" / "sam2.1" / "sam2.1_hiera_t.yaml").write_text("model: {}\n")
    monkeypatch.setattr(registry, "_package_dir", lambda name: site / name)
    monkeypatch.setattr(registry, "_has_module", lambda name: True)
    monkeypatch.setattr(registry, "_cuda_reason", lambda: "no NVIDIA GPU with CUDA is visible")
    return site


def test_lists_three_engines_in_auto_order(tmp_path: Path) -> None:
    infos = vision_engines(settings(tmp_path))
    assert [i.name for i in infos] == ["sam3", "sam2", "embedded"]
    assert all(i.kind == "vision" for i in infos)
    emb = by_name(infos)["embedded"]
    assert emb.available and emb.embedded and emb.loader is not None


def test_missing_packages_are_named(tmp_path: Path) -> None:
    if importlib.util.find_spec("sam3") or importlib.util.find_spec("sam2"):
        pytest.skip("sam3/sam2 installed here")
    infos = by_name(vision_engines(settings(tmp_path, sam3_checkpoint=tmp_path / "sam3.pt")))
    assert not infos["sam3"].available and infos["sam3"].loader is None
    assert "sam3" in infos["sam3"].reason and "not installed" in infos["sam3"].reason
    assert not infos["sam2"].available
    assert "sam2" in infos["sam2"].reason and "not installed" in infos["sam2"].reason


def test_sam3_reasons_step_by_step(tmp_path: Path, fake_packages: Path) -> None:
    reason = by_name(vision_engines(settings(tmp_path)))["sam3"].reason
    assert "VTRACK_SAM3_CHECKPOINT" in reason
    ckpt = tmp_path / "sam3.pt"
    reason = by_name(vision_engines(settings(tmp_path, sam3_checkpoint=ckpt)))["sam3"].reason
    assert "not found" in reason and str(ckpt) in reason
    ckpt.write_bytes(b"weights")
    reason = by_name(vision_engines(settings(tmp_path, sam3_checkpoint=ckpt)))["sam3"].reason
    assert "VTRACK_SAM3_BPE_PATH" in reason and "bpe_simple_vocab_16e6.txt.gz" in reason
    bpe = tmp_path / "bpe_simple_vocab_16e6.txt.gz"
    bpe.write_bytes(b"vocab")
    info = by_name(vision_engines(settings(tmp_path, sam3_checkpoint=ckpt, sam3_bpe_path=bpe)))[
        "sam3"
    ]
    assert not info.available and "GPU" in info.reason


def test_sam3_available_with_everything(
    tmp_path: Path, fake_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "_cuda_reason", lambda: "")
    ckpt, bpe = tmp_path / "sam3.pt", tmp_path / "bpe.txt.gz"
    ckpt.write_bytes(b"w")
    bpe.write_bytes(b"v")
    info = by_name(vision_engines(settings(tmp_path, sam3_checkpoint=ckpt, sam3_bpe_path=bpe)))[
        "sam3"
    ]
    assert info.available and info.reason == "" and info.device == "cuda"
    assert info.loader is not None


def test_sam2_reasons_and_cpu_fallback(tmp_path: Path, fake_packages: Path) -> None:
    ckpt = tmp_path / "sam2.1_hiera_tiny.pt"
    info = by_name(vision_engines(settings(tmp_path, sam2_checkpoint=ckpt)))["sam2"]
    assert not info.available and "VTRACK_SAM2_CHECKPOINT" in info.reason
    ckpt.write_bytes(b"w")
    info = by_name(
        vision_engines(settings(tmp_path, sam2_checkpoint=ckpt, sam2_config="configs/nope.yaml"))
    )["sam2"]
    assert not info.available and "configs/nope.yaml" in info.reason
    info = by_name(vision_engines(settings(tmp_path, sam2_checkpoint=ckpt)))["sam2"]
    assert info.available and info.device == "cpu" and "CPU" in info.reason


def test_auto_falls_back_to_embedded(tmp_path: Path) -> None:
    seg = load_segmenter(settings(tmp_path, vision_engine="auto"))
    from vtrack.vision.embedded import EmbeddedSegmenter

    assert isinstance(seg, EmbeddedSegmenter) and seg.name == "embedded"


def test_explicit_unavailable_engine_raises_with_reason(
    tmp_path: Path, fake_packages: Path
) -> None:
    with pytest.raises(EngineUnavailable, match="VTRACK_SAM3_CHECKPOINT"):
        load_segmenter(settings(tmp_path, vision_engine="sam3"))
    with pytest.raises(EngineUnavailable, match="unknown vision engine 'sam4'"):
        load_segmenter(settings(tmp_path), name="sam4")


def test_load_failure_is_engine_unavailable_and_auto_skips_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> None:
        raise RuntimeError("CUDA out of memory")

    broken = EngineInfo("sam3", "vision", "test", available=True, device="cuda", loader=boom)
    monkeypatch.setattr(registry, "sam3_info", lambda s: broken)
    with pytest.raises(EngineUnavailable, match="CUDA out of memory"):
        load_segmenter(settings(tmp_path), name="sam3")
    seg = load_segmenter(settings(tmp_path, vision_engine="auto"))
    assert seg.name == "embedded"


def test_real_sam3_loader_rejects_missing_checkpoint_cleanly(
    tmp_path: Path, fake_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Availability was true when listed but the file vanished before loading.
    monkeypatch.setattr(registry, "_cuda_reason", lambda: "")
    ckpt, bpe = tmp_path / "sam3.pt", tmp_path / "bpe.txt.gz"
    ckpt.write_bytes(b"w")
    bpe.write_bytes(b"v")
    s = settings(tmp_path, sam3_checkpoint=ckpt, sam3_bpe_path=bpe)
    info = registry.sam3_info(s)
    ckpt.unlink()
    monkeypatch.setattr(registry, "sam3_info", lambda _: info)
    with pytest.raises(EngineUnavailable, match="checkpoint not found"):
        load_segmenter(s, name="sam3")


def test_embedded_quality_comes_from_settings(tmp_path) -> None:
    best = load_segmenter(Settings(data_dir=tmp_path, vision_quality="best"), "embedded")
    assert best.quality == "best"
    assert load_segmenter(Settings(data_dir=tmp_path), "embedded").quality == "fast"
    with pytest.raises(EngineUnavailable, match="VTRACK_VISION_QUALITY"):
        load_segmenter(Settings(data_dir=tmp_path, vision_quality="ultra"), "embedded")

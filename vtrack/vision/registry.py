"""Vision engine registry: which segmenters can run here, why not, and loading the chosen one."""

from __future__ import annotations

import importlib.util
from functools import partial
from pathlib import Path

from vtrack.config import Settings
from vtrack.engine_checks import file_identity, load_checked
from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable
from vtrack.vision.base import VideoSegmenter

# "auto" tries these in order; the embedded engine always runs.
AUTO_ORDER = ("sam3", "sam2", "embedded")
SAM3_BPE_NAME = "bpe_simple_vocab_16e6.txt.gz"


def _package_dir(name: str) -> Path | None:
    """Where a package is installed, without importing it (importing sam3 pulls triton/CUDA)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin).parent if spec.origin else None


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _cuda_reason() -> str:
    """Empty when a CUDA GPU is usable, else why not (torch is imported only here, lazily)."""
    if not _has_module("torch"):
        return "PyTorch is not installed"
    try:
        import torch

        if torch.cuda.is_available():
            return ""
    except Exception as exc:  # a broken CUDA install must not take the health check down
        return f"CUDA check failed: {exc}"
    return "no NVIDIA GPU with CUDA is visible to PyTorch"


def _file_reason(path: Path | None, env_var: str, what: str) -> str:
    if path is None:
        return f"{env_var} is not set (path to the {what})"
    if not Path(path).expanduser().is_file():
        return f"{what} not found at {path} ({env_var})"
    return ""


def sam3_info(settings: Settings) -> EngineInfo:
    """SAM 3: needs the `sam3` package, triton, `sam3.pt`, the BPE vocabulary and a CUDA GPU."""
    info = EngineInfo(
        name="sam3",
        kind="vision",
        description="Meta SAM 3: text, click and box prompts; tracks every instance (CUDA GPU)",
        available=False,
        device="cuda",
    )
    package = _package_dir("sam3")
    if package is None:
        info.reason = "package 'sam3' is not installed (pip install sam3)"
        return info
    if not _has_module("triton"):
        info.reason = "package 'triton' is not installed (sam3 imports it; Linux + NVIDIA only)"
        return info
    reason = _file_reason(settings.sam3_checkpoint, "VTRACK_SAM3_CHECKPOINT", "SAM 3 checkpoint")
    if not reason:
        bpe = settings.sam3_bpe_path
        if bpe is None and (package.parent / "assets" / SAM3_BPE_NAME).is_file():
            bpe = package.parent / "assets" / SAM3_BPE_NAME  # sam3's own default location
        reason = _file_reason(bpe, "VTRACK_SAM3_BPE_PATH", f"tokenizer {SAM3_BPE_NAME}")
    if not reason:
        reason = _cuda_reason()
    if reason:
        info.reason = reason
        return info
    info.available = True
    info.loader = partial(_load_sam3, settings)
    info.verify = partial(_verify_sam3, settings.sam3_checkpoint)
    info.check_key = ("sam3", file_identity(settings.sam3_checkpoint), file_identity(bpe))
    return info


def _sam2_config_reason(package: Path, config: str) -> str:
    # Hydra resolves config names inside the sam2 package (e.g. configs/sam2.1/sam2.1_hiera_t.yaml).
    if Path(config).is_file() or (package / config).is_file():
        return ""
    return f"SAM 2 config {config!r} not found in the sam2 package (VTRACK_SAM2_CONFIG)"


def sam2_info(settings: Settings) -> EngineInfo:
    """SAM 2: needs the `sam2` package and a checkpoint; a CUDA GPU is used when present."""
    info = EngineInfo(
        name="sam2",
        kind="vision",
        description="Meta SAM 2: click and box prompts (no text); GPU, or slowly on CPU",
        available=False,
    )
    package = _package_dir("sam2")
    if package is None:
        info.reason = "package 'sam2' is not installed (pip install sam2)"
        return info
    reason = _file_reason(settings.sam2_checkpoint, "VTRACK_SAM2_CHECKPOINT", "SAM 2 checkpoint")
    if not reason:
        reason = _sam2_config_reason(package, settings.sam2_config)
    if not reason and not _has_module("torch"):
        reason = "PyTorch is not installed"
    if reason:
        info.reason = reason
        return info
    info.device = "cuda" if not _cuda_reason() else "cpu"
    if info.device == "cpu":
        info.reason = "no CUDA GPU: SAM 2 runs on the CPU (slow)"
    info.available = True
    info.loader = partial(_load_sam2, settings, info.device)
    info.verify = partial(_verify_sam2, settings)
    info.check_key = (
        "sam2",
        file_identity(settings.sam2_checkpoint),
        settings.sam2_config,
        settings.sam2_image_size,
    )
    return info


def embedded_info(settings: Settings) -> EngineInfo:
    """The embedded CPU engine: always available, no downloads."""
    return EngineInfo(
        name="embedded",
        kind="vision",
        description="Embedded CPU segmenter: classical segmentation + optical-flow tracking",
        available=True,
        device="cpu",
        embedded=True,
        loader=partial(_load_embedded, settings.vision_quality),
    )


def vision_engines(settings: Settings) -> list[EngineInfo]:
    """Every vision engine, in "auto" preference order, with availability and reason."""
    return [sam3_info(settings), sam2_info(settings), embedded_info(settings)]


def _load_sam3(settings: Settings) -> VideoSegmenter:
    from vtrack.vision.sam3_adapter import Sam3Segmenter

    return Sam3Segmenter(checkpoint_path=settings.sam3_checkpoint, bpe_path=settings.sam3_bpe_path)


def _verify_sam3(checkpoint: Path) -> None:
    from vtrack.vision.sam3_adapter import verify_checkpoint

    verify_checkpoint(checkpoint)


def _load_sam2(settings: Settings, device: str) -> VideoSegmenter:
    from vtrack.vision.sam2_adapter import Sam2Segmenter

    return Sam2Segmenter(
        checkpoint_path=settings.sam2_checkpoint,
        config_file=settings.sam2_config,
        device=device,
        image_size=settings.sam2_image_size,
        cpu_bf16=settings.sam2_cpu_bf16,
    )


def _verify_sam2(settings: Settings) -> None:
    from vtrack.vision.sam2_adapter import verify_checkpoint

    assert settings.sam2_checkpoint is not None  # sam2_info checked it
    verify_checkpoint(settings.sam2_checkpoint, settings.sam2_config, settings.sam2_image_size)


def _load_embedded(quality: str = "fast") -> VideoSegmenter:
    from vtrack.vision.embedded import EmbeddedSegmenter

    try:
        return EmbeddedSegmenter(quality=quality)
    except ValueError as exc:
        raise EngineUnavailable(f"VTRACK_VISION_QUALITY: {exc}") from exc


def _load(info: EngineInfo) -> VideoSegmenter:
    if not info.available or info.loader is None:
        raise EngineUnavailable(f"vision engine {info.name!r} is unavailable: {info.reason}")
    try:
        return load_checked(info)
    except EngineUnavailable:
        raise
    except Exception as exc:  # OOM, corrupt weights, import errors: a clear message, not a crash
        raise EngineUnavailable(
            f"vision engine {info.name!r} failed to load: {type(exc).__name__}: {exc}"
        ) from exc


def load_segmenter(settings: Settings, name: str | None = None) -> VideoSegmenter:
    """Load `name` (default `settings.vision_engine`); "auto" = sam3, else sam2, else embedded.

    In "auto" mode an engine that fails while loading is skipped for the next one, so a GPU
    problem degrades to the embedded engine instead of failing the job.
    """
    wanted = (name or settings.vision_engine or "auto").strip().lower()
    engines = {info.name: info for info in vision_engines(settings)}
    if wanted != "auto":
        if wanted not in engines:
            known = ", ".join(["auto", *engines])
            raise EngineUnavailable(f"unknown vision engine {wanted!r} (choose one of: {known})")
        return _load(engines[wanted])
    failures = []
    for candidate in AUTO_ORDER:
        info = engines[candidate]
        if not info.available:
            continue
        try:
            return _load(info)
        except EngineUnavailable as exc:
            failures.append(exc.message)
    raise EngineUnavailable("no vision engine could be loaded: " + "; ".join(failures))

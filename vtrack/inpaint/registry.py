"""Inpainting engines: which exist, whether they can run here, and loading the chosen one."""

from __future__ import annotations

from vtrack.config import Settings
from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable
from vtrack.inpaint.base import VideoInpainter


def inpaint_engines(settings: Settings) -> list[EngineInfo]:
    """Every inpainting engine, best first; both embedded ones need only OpenCV, so always run."""
    from vtrack.inpaint.embedded import EmbeddedInpainter, TeleaInpainter

    margin = settings.removal_margin_px
    return [
        EngineInfo(
            name="embedded",
            kind="inpaint",
            description="Background from the nearest frames that saw it, both directions along "
            "the camera motion, votes against ghosts of passers-by; OpenCV fill only for what no "
            "frame saw (CPU)",
            available=True,
            embedded=True,
            loader=lambda: EmbeddedInpainter(margin_px=margin),
        ),
        EngineInfo(
            name="telea",
            kind="inpaint",
            description="Per-frame OpenCV Telea inpainting (baseline; smears and flickers)",
            available=True,
            embedded=True,
            loader=lambda: TeleaInpainter(margin_px=margin),
        ),
    ]


def load_inpainter(settings: Settings) -> VideoInpainter:
    """The engine named by settings.inpaint_engine ("auto": the best available one)."""
    engines = inpaint_engines(settings)
    wanted = settings.inpaint_engine
    if wanted == "auto":
        chosen = next((e for e in engines if e.available), None)
    else:
        chosen = next((e for e in engines if e.name == wanted), None)
        if chosen is None:
            names = ", ".join(e.name for e in engines)
            raise EngineUnavailable(f"unknown inpaint engine {wanted!r} (known: {names})")
        if not chosen.available:
            raise EngineUnavailable(f"inpaint engine {wanted!r} unavailable: {chosen.reason}")
    if chosen is None or chosen.loader is None:
        raise EngineUnavailable("no inpaint engine available")
    return chosen.loader()

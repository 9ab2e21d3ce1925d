"""GET / (the spec's JSON health for API clients, the web UI for browsers) and GET /api/health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from vtrack import __version__
from vtrack.api.models import Health, RootInfo
from vtrack.api.state import AppState
from vtrack.config import Settings
from vtrack.engine_checks import checked
from vtrack.engines import EngineInfo, choose_engine
from vtrack.jobs.states import ACTIVE

router = APIRouter()
STATIC_DIR = Path(__file__).parent / "static"


def engine_report(settings: Settings) -> dict[str, Any]:
    """Every engine of every kind with availability, and which one each workflow uses."""
    from vtrack.audio.registry import audio_engines
    from vtrack.inpaint.registry import inpaint_engines
    from vtrack.vision.registry import vision_engines

    kinds: dict[str, tuple[list[EngineInfo], str]] = {
        "vision": (vision_engines(settings), settings.vision_engine),
        "audio": (audio_engines(settings), settings.audio_engine),
        "inpaint": (inpaint_engines(settings), settings.inpaint_engine),
    }
    report: dict[str, Any] = {"engines": {}, "active": {}, "by_name": {}}
    for kind, (listed, configured) in kinds.items():
        # Truthful: a heavy engine is available once its weights have loaded (checked once, cached).
        infos = [checked(info) for info in listed]
        report["engines"][kind] = [info.as_dict() for info in infos]
        chosen = choose_engine(infos, configured)
        report["active"][kind] = chosen.name if chosen and chosen.available else None
        report["by_name"][kind] = {info.name: info for info in infos}
    return report


def health(state: AppState) -> dict[str, Any]:
    settings = state.settings
    report = engine_report(settings)
    vision = report["by_name"]["vision"]
    audio = report["by_name"]["audio"]
    sam3 = vision.get("sam3")
    sam3_loaded = report["active"]["vision"] == "sam3"
    active_vision = vision.get(report["active"]["vision"] or "")
    demucs = audio.get("demucs")
    return {
        "status": "healthy",
        "version": __version__,
        # sam3_available is true only when SAM 3 can run AND is the engine in use.
        "sam3_available": bool(sam3 and sam3.available and sam3_loaded),
        "sam3_setup_valid": bool(sam3 and sam3.available),
        "sam3_message": (sam3.reason if sam3 and not sam3.available else "SAM3 setup valid")
        if sam3
        else "SAM3 adapter not installed",
        "demucs_available": bool(demucs and demucs.available),
        "upload_dir": str(settings.uploads_dir),
        "active_tasks": state.store.count(ACTIVE),
        "warming_up": state.engines.warming_up,
        "device": active_vision.device if active_vision else "cpu",
        "engines": report["engines"],
        "active": report["active"],
        "limits": {
            "max_upload_mb": settings.max_upload_mb,
            "max_duration_s": settings.max_duration_s,
            "max_width": settings.max_width,
            "max_height": settings.max_height,
            "formats": ["mp4", "webm", "mov", "avi", "mkv"],
        },
    }


@router.get("/api/health", response_model=Health, tags=["system"])
def api_health(request: Request) -> dict[str, Any]:
    return health(request.app.state.vtrack)


ROOT_DOC = {
    200: {
        "model": RootInfo,
        "description": "JSON for API clients; the web UI (text/html) for browsers",
        "content": {"text/html": {}},
    }
}


@router.get("/", response_model=None, responses=ROOT_DOC, tags=["system"])
def root(request: Request) -> FileResponse | JSONResponse:
    index = STATIC_DIR / "index.html"
    if "text/html" in request.headers.get("accept", "") and index.is_file():
        return FileResponse(index, media_type="text/html")
    state: AppState = request.app.state.vtrack
    info = health(state)
    engine = info["active"]["vision"]
    body = RootInfo(
        status="ok",
        message="VTrackAI Studio API",
        sam3_available=info["sam3_available"],
        sam3_setup=info["sam3_message"]
        if not info["sam3_available"]
        else f"SAM3 setup valid (device: {info['device']})",
        vision_engine=engine,
        ui="/" if index.is_file() else None,
    )
    return JSONResponse(body.model_dump())

"""The FastAPI application: wiring of routers, error translation, CORS, API key, lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from vtrack import __version__
from vtrack.api import files, session_tasks, session_text, sessions, system, tasks, workflows
from vtrack.api.errors import install_error_handlers
from vtrack.api.state import AppState
from vtrack.config import Settings, get_settings
from vtrack.jobs.cleanup import cleanup_expired, cleanup_expired_sessions
from vtrack.jobs.factory import open_store
from vtrack.jobs.worker import WorkerPool, reap_dead_workers
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.workflows.warmup import start_warm_up

log = logging.getLogger("vtrack.api")
RESTART_REASON = "The server restarted while this job was running; please submit it again."


async def _cleanup_loop(state: AppState) -> None:
    settings = state.settings
    while True:
        try:
            retention_s = settings.retention_hours * 3600
            await run_in_threadpool(cleanup_expired, state.store, settings.uploads_dir, retention_s)
            await run_in_threadpool(
                cleanup_expired_sessions, state.store, settings.sessions_dir, retention_s
            )
        except Exception:  # noqa: BLE001 - cleanup must never take the server down
            log.exception("cleanup failed")
        await asyncio.sleep(settings.cleanup_interval_s)


async def _reaper_loop(state: AppState) -> None:
    """Every API process also requeues jobs of dead workers, so an API alone is enough to
    recover a job whose `vtrack worker` process was killed."""
    while True:
        await asyncio.sleep(max(0.2, state.settings.heartbeat_timeout_s / 2))
        try:
            await run_in_threadpool(reap_dead_workers, state.store, state.settings)
        except Exception:  # noqa: BLE001 - the reaper must never take the server down
            log.exception("reaper failed")


def _lifespan(state: AppState) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager]:
    settings, store, workers = state.settings, state.store, state.workers

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if workers is not None:
            if not settings.queue_url:
                # Embedded mode: this process owns the local workers, so anything left
                # 'processing' died with the previous process. (With a shared queue, other
                # machines' jobs are running: the heartbeat reaper handles dead ones.)
                store.recover_interrupted(RESTART_REASON)
            workers.start()
            if settings.preload_engines:
                start_warm_up(state.engines)
        cleaner = asyncio.create_task(_cleanup_loop(state))
        reaper = asyncio.create_task(_reaper_loop(state))
        try:
            yield
        finally:
            cleaner.cancel()
            reaper.cancel()
            if workers is not None:
                workers.stop()

    return lifespan


def _require_api_key(app: FastAPI, expected: str) -> None:
    """Every /api and /uploads request needs `X-API-Key` (or a Bearer token); health does not."""

    @app.middleware("http")
    async def require_api_key(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if path.startswith(("/api/", "/uploads/")) and path != "/api/health":
            given = request.headers.get("x-api-key") or ""
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = given or auth[7:]
            if given != expected:
                return JSONResponse({"detail": "A valid API key is required."}, 401)
        return await call_next(request)


def create_app(settings: Settings | None = None, run_workers: bool = True) -> FastAPI:
    """Build the app; `run_workers=False` makes an API-only process (workers run elsewhere)."""
    settings = settings or get_settings()
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    engines = EngineCache(settings)
    workers = WorkerPool(store, settings, engines, settings.workers) if run_workers else None
    state = AppState(settings=settings, store=store, engines=engines, workers=workers)

    app = FastAPI(title="VTrackAI Studio", version=__version__, lifespan=_lifespan(state))
    app.state.vtrack = state
    install_error_handlers(app)
    if settings.api_key:
        _require_api_key(app, settings.api_key)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["*"],
        # A browser client of the async flow reads the job handle from these.
        expose_headers=["Location", "Preference-Applied"],
    )
    app.include_router(system.router)
    app.include_router(workflows.router)
    app.include_router(tasks.router)
    app.include_router(sessions.router)
    app.include_router(session_tasks.router)
    app.include_router(session_text.router)
    app.include_router(files.router)
    assets = system.STATIC_DIR / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    return app

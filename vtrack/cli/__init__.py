"""Command line: `vtrack serve`, `vtrack worker`, and each workflow (`vtrack track | text | remove`).

The workflow commands come from the workflow declarations (`vtrack.workflows.catalog`): the
same request fields as the API (validated by the same model, with the same messages), the same
pipeline, the same output files.
"""

from __future__ import annotations

import argparse
import logging
import sys

from vtrack.cli.batch import run_batch
from vtrack.cli.options import add_workflow_commands
from vtrack.config import Settings, get_settings
from vtrack.errors import VTrackError


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from vtrack.api.app import create_app
    from vtrack.jobs.factory import describe

    app = create_app(settings, run_workers=not args.no_workers)
    print(
        f"VTrackAI Studio on http://{args.host}:{args.port}  (data: {settings.data_dir},"
        f" jobs: {describe(settings)})",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_keep_alive=10)
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from vtrack.jobs.factory import describe, open_store
    from vtrack.jobs.worker import WorkerPool
    from vtrack.pipelines.engine_cache import EngineCache

    pool = WorkerPool(open_store(settings), settings, EngineCache(settings), args.threads)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    pool.start()
    print(f"worker {pool.name} taking jobs from {describe(settings)}", flush=True)
    stop.wait()
    pool.stop()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtrack", description="VTrackAI Studio")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the studio (API + web UI)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--queue", default=None, help="queue URL (e.g. redis://localhost:6379/0)")
    serve.add_argument("--no-workers", action="store_true", help="API only; workers run elsewhere")
    serve.set_defaults(handler=_serve)
    worker = sub.add_parser("worker", help="run jobs from the shared job store")
    worker.add_argument("--queue", default=None)
    worker.add_argument("--threads", type=int, default=1)
    worker.set_defaults(handler=_worker)
    add_workflow_commands(sub, run_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    if getattr(args, "queue", None):
        settings = settings.model_copy(update={"queue_url": args.queue})
    if args.command == "serve":
        args.host = args.host or settings.host
        args.port = args.port or settings.port
    if args.command in ("serve", "worker"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        return args.handler(args, settings)
    except VTrackError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2

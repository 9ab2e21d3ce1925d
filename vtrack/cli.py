"""Command line: `vtrack serve`, `vtrack worker`, `vtrack track VIDEO --point X,Y -o OUT.mp4`."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

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


def _parse_point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected X,Y in percent, e.g. 50,40") from exc
    return x, y


def _track(args: argparse.Namespace, settings: Settings) -> int:
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.pipelines.progress import Progress
    from vtrack.pipelines.video_io import open_video
    from vtrack.pipelines.workflows import TRACK_POINT

    points = [{"x": x / 100, "y": y / 100, "positive": True} for x, y in args.point]
    points += [{"x": x / 100, "y": y / 100, "positive": False} for x, y in args.negative or []]
    source = Path(args.video)
    video = open_video(source, settings)
    for notice in video.fmt.notices:
        print(notice, file=sys.stderr)
    out = Path(args.output)
    with tempfile.TemporaryDirectory(prefix="vtrack-") as tmp:
        shutil.copy(source, Path(tmp) / "input.mp4")

        def show(p: Progress) -> None:
            print(f"\r{p.fraction * 100:5.1f}%", end="", file=sys.stderr, flush=True)

        progress = Progress(TRACK_POINT.steps(), on_change=show)
        params = {"video": "input.mp4", "points": points, "frame_index": args.frame}
        result = TRACK_POINT.run(params, Path(tmp), EngineCache(settings), settings, progress)
        print(file=sys.stderr)
        files = result["files"]
        shutil.move(Path(tmp) / files[TRACK_POINT.main_output.key], out)
        if args.masks:
            shutil.move(Path(tmp) / files["masks_url"], args.masks)
    print(f"{out}: object on {result['frames_with_object']}/{result['frame_count']} frames")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtrack", description="VTrackAI Studio")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the studio (API + web UI)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--queue", default=None, help="queue URL (e.g. redis://localhost:6379/0)")
    serve.add_argument("--no-workers", action="store_true", help="API only; workers run elsewhere")
    worker = sub.add_parser("worker", help="run jobs from the shared job store")
    worker.add_argument("--queue", default=None)
    worker.add_argument("--threads", type=int, default=1)
    track = sub.add_parser("track", help="point-to-track one video from the command line")
    track.add_argument("video")
    track.add_argument(
        "--point",
        type=_parse_point,
        action="append",
        required=True,
        help="X,Y in percent of the frame; repeat for more positive clicks",
    )
    track.add_argument(
        "--negative", type=_parse_point, action="append", help="X,Y of a background click"
    )
    track.add_argument("--frame", type=int, default=0)
    track.add_argument("-o", "--output", required=True)
    track.add_argument("--masks", help="also write the masks zip here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    if getattr(args, "queue", None):
        settings = settings.model_copy(update={"queue_url": args.queue})
    if args.command == "serve":
        args.host = args.host or settings.host
        args.port = args.port or settings.port
    handlers = {"serve": _serve, "worker": _worker, "track": _track}
    try:
        return handlers[args.command](args, settings)
    except VTrackError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

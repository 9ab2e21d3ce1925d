"""Settings from the environment (VTRACK_* variables), read in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of the studio. Override with VTRACK_<NAME> (e.g. VTRACK_MAX_UPLOAD_MB=200)."""

    model_config = SettingsConfigDict(env_prefix="VTRACK_", env_file=None, extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("vtrack-studio")))
    host: str = "127.0.0.1"
    port: int = 8000
    # The local dev origins the seed allows (its client's dev server is on :8080); the studio's
    # own UI is served by the API itself (same origin) and needs none of them.
    cors_origins: list[str] = [
        f"http://{host}:{port}"
        for host in ("localhost", "127.0.0.1")
        for port in (5173, 8080, 4173, 3000)
    ]
    api_key: str | None = None

    # Upload limits. The seed's 10 s was a GPU memory budget; here memory stays flat in the
    # video's length (frames live on disk, the render streams the source again), so the limit
    # is about waiting time and disk: 120 s.
    max_upload_mb: float = 1024.0
    max_duration_s: float = 120.0
    # The working (analysis) size: engines see frames at most this large (in either orientation).
    max_width: int = 854
    max_height: int = 480
    # Results are rendered at the source's size up to this (either orientation); larger inputs
    # are rendered at this size, with a notice.
    output_max_width: int = 1920
    output_max_height: int = 1080
    # Frames beyond this size are rejected outright (decoding them would cost too much).
    max_input_pixels: int = 4096 * 2304
    # 120 s at 30 fps. A job's working frame store takes frames x 854 x 480 x 3 bytes of disk
    # while it runs: at most 4.4 GB at this limit.
    max_frames: int = 3600
    supported_containers: list[str] = ["mp4", "mov", "webm", "matroska", "avi"]

    # Jobs
    workers: int = 1
    job_timeout_s: float = 600.0
    max_queued_jobs: int = 32
    # A running job's worker refreshes heartbeat_at every heartbeat_timeout_s / 4; a job whose
    # heartbeat is older than heartbeat_timeout_s lost its worker (killed, machine gone) and is
    # run again, up to max_attempts runs in all, then marked failed with the reason.
    max_attempts: int = 2
    heartbeat_timeout_s: float = 30.0
    # An upload that sends nothing for upload_idle_timeout_s (slow-loris) is answered 408.
    upload_idle_timeout_s: float = 30.0
    upload_total_timeout_s: float = 300.0
    retention_hours: float = 24.0
    cleanup_interval_s: float = 600.0
    queue_url: str | None = None

    # Engines: "auto" picks the best available one.
    vision_engine: str = "auto"
    audio_engine: str = "auto"
    inpaint_engine: str = "auto"
    # Embedded tracker: "fast" keeps the workflows within their budgets; "best" adds a finer flow and,
    # for people, mediapipe pose's person mask every 4th frame instead of every 5th (DAVIS 0.798 ->
    # 0.803, ~1.2x the tracking time: still < 3 s per 300 frames, but past the workflow budgets).
    vision_quality: str = "fast"
    sam3_checkpoint: Path | None = None
    sam3_bpe_path: Path | None = None
    sam2_checkpoint: Path | None = None
    sam2_config: str = "configs/sam2.1/sam2.1_hiera_t.yaml"
    # SAM 2's input size (its config says 1024, the size it was trained at). A multiple of 32;
    # on a CPU 512 costs about a fifth of 1024 a frame, with coarser masks (RESULTS_heavy.md).
    sam2_image_size: int | None = None
    # bfloat16 autocast for SAM 2 on a CPU (as SAM 2 runs on CUDA): unset = on when the CPU
    # multiplies bfloat16 natively (AMX, AVX-512 BF16), where it costs a third; else float32.
    sam2_cpu_bf16: bool | None = None
    demucs_repo: Path | None = None
    demucs_model: str = "htdemucs"

    # Load the engines when the server starts and run each workflow once on a tiny clip (in the
    # background; /api/health says warming_up until done), so the first job pays nothing extra.
    preload_engines: bool = True

    # Interactive sessions: objects per session (object ids 1-255 are the masks zip's pixel
    # values), and engine sessions kept warm per process (one per prompted frame; an evicted one
    # is rebuilt by replaying its prompts).
    session_max_objects: int = 16
    session_engine_cache: int = 8

    # Rendering
    overlay_alpha: float = 0.5
    removal_margin_px: int = 6
    video_crf: int = 20
    # superfast: 40 % less encode time than veryfast at CRF 20 and higher PSNR (39.7 vs 38.3 dB
    # on the bench clip); files are ~2x larger, which local editing can afford.
    video_preset: str = "superfast"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings` and pass them explicitly)."""
    return Settings()

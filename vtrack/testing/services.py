"""Real services for tests on loopback: a throwaway redis-server, and `vtrack` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server on 127.0.0.1:<free port>, no persistence, data in `workdir`."""

    def __init__(self, workdir: Path) -> None:
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class VtrackProcess:
    """`python -m vtrack.cli ...` as a child process with VTRACK_* settings in its environment."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vtrack.cli", *args],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill9(self) -> None:
        """SIGKILL: no cleanup, no goodbye, like a machine losing power."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_api(env: dict[str, str], log_path: Path, extra: list[str] | None = None) -> tuple:
    """`vtrack serve` on a free loopback port; returns (process, base URL) once it answers."""
    port = free_port()
    proc = VtrackProcess(
        ["serve", "--host", "127.0.0.1", "--port", str(port), *(extra or [])], env, log_path
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"vtrack serve exited:\n{proc.log()[-3000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code in (200, 401):
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.stop()
    raise RuntimeError(f"vtrack serve did not start:\n{proc.log()[-3000:]}")


def start_worker(env: dict[str, str], log_path: Path, extra: list[str] | None = None):
    """`vtrack worker`; returns once it printed that it is taking jobs."""
    proc = VtrackProcess(["worker", *(extra or [])], env, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "taking jobs from" in proc.log():
            return proc
        if proc.proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"vtrack worker did not start:\n{proc.log()[-3000:]}")

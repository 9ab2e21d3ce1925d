"""Load checks behind /api/health: run once per key, in the background, cached, and truthful."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from vtrack.engine_checks import LoadChecks, checked, file_identity, load_checked
from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable


def heavy(name: str, verify, loader=lambda: "engine", key: object = None) -> EngineInfo:
    return EngineInfo(
        name,
        "vision",
        "test engine",
        available=True,
        loader=loader,
        verify=verify,
        check_key=key if key is not None else (name, id(verify)),
    )


def test_a_passing_check_runs_once_and_is_cached() -> None:
    checks, calls = LoadChecks(), []
    for _ in range(3):
        assert checks.verdict("k", lambda: calls.append(1), wait_s=5).state == "ok"
    assert calls == [1]


def test_a_failing_check_gives_a_short_reason() -> None:
    def fails() -> None:
        raise RuntimeError("Error(s) in loading state_dict:\n" + "Missing key(s) 'x'. " * 100)

    verdict = LoadChecks().verdict("k", fails, wait_s=5)
    assert verdict.state == "failed" and verdict.reason.startswith("RuntimeError: Error(s)")
    assert len(verdict.reason) <= 300 and "\n" not in verdict.reason


def test_a_slow_check_answers_checking_at_once_then_the_verdict() -> None:
    checks, release = LoadChecks(), threading.Event()
    first = checks.verdict("slow", release.wait, wait_s=0.01)
    assert first.state == "checking" and "checking" in first.reason
    assert checks.known("slow", wait=False).state == "checking"
    release.set()
    assert checks.known("slow", wait=True).state == "ok"
    assert checks.verdict("slow", lambda: None, wait_s=0).state == "ok"


def test_checked_reports_a_broken_engine_unavailable_and_leaves_others_alone() -> None:
    def broken() -> None:
        raise EngineUnavailable("SAM 2 failed to load: UnpicklingError: invalid load key")

    info = checked(heavy("sam2", broken))
    assert not info.available and info.reason.startswith("does not load: SAM 2 failed to load")
    assert checked(heavy("ok", lambda: None)).available
    plain = EngineInfo("embedded", "vision", "no check", available=True)
    assert checked(plain) is plain
    absent = EngineInfo("sam3", "vision", "missing", available=False, reason="not installed")
    assert checked(absent).reason == "not installed"


def test_load_checked_skips_a_known_failure_and_records_loads() -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("corrupt")

    bad = heavy("bad", broken, loader=lambda: calls.append("load"))
    assert not checked(bad, wait_s=5).available
    with pytest.raises(EngineUnavailable, match="does not load: RuntimeError: corrupt"):
        load_checked(bad)
    assert calls == []  # never loaded after the check failed

    key = ("never-checked", object())
    good = heavy("good", lambda: calls.append("verify"), key=key)
    assert load_checked(good) == "engine"
    assert checked(good, wait_s=0).available and calls == []  # the load was the check

    failing = heavy("fails", lambda: None, loader=broken, key=("fails", object()))
    with pytest.raises(RuntimeError):
        load_checked(failing)
    assert "corrupt" in checked(failing, wait_s=0).reason


def test_file_identity_changes_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    assert file_identity(path)[1:] == (None, None)
    path.write_bytes(b"a")
    first = file_identity(path)
    path.write_bytes(b"bb")
    assert file_identity(path) != first and file_identity(None) == (None,)

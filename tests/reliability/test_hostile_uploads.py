"""Hostile uploads against a real uvicorn API process: each gets a clear 4xx, never a 5xx, and
leaves no file behind; a few valid-but-odd controls are accepted and stored safely.
The cases are in hostile_cases.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from .conftest import Cluster
from .hostile_cases import Case, build_cases
from .raw_http import Outcome

pytestmark = pytest.mark.reliability


@dataclass
class Tally:
    """What the run saw, for the assertions and the summary line."""

    problems: list[str] = field(default_factory=list)
    rejected: int = 0
    server_errors: int = 0
    strays: int = 0
    accepted: int = 0
    slowest_probe: float = 0.0
    codes: dict[int | None, int] = field(default_factory=dict)
    control_ends: list[str] = field(default_factory=list)


def disk_state(data_dir: Path, ignore: set[str]) -> set[str]:
    """Every path under the data dir except inside task folders that existed before."""
    found = set()
    for path in data_dir.rglob("*"):
        rel = path.relative_to(data_dir)
        if len(rel.parts) >= 3 and rel.parts[0] == "uploads" and rel.parts[1] in ignore:
            continue
        found.add(str(rel))
    return found


def _run_reject(cluster: Cluster, name: str, run, tally: Tally) -> None:
    """One reject: a 4xx with a message, no file left behind, quick where the header tells."""
    known = {p.name for p in cluster.uploads.iterdir()}
    before = disk_state(cluster.data_dir, known)
    outcome: Outcome = run()
    after = disk_state(cluster.data_dir, known)
    problems = tally.problems
    if after != before:
        tally.strays += 1
        problems.append(f"{name}: stray files {sorted(after - before)[:3]}")
    if outcome.status is not None and outcome.status >= 500:
        tally.server_errors += 1
    if outcome.status is not None and 400 <= outcome.status < 500 and outcome.detail:
        tally.rejected += 1
    else:
        problems.append(f"{name}: {outcome.status} {outcome.detail[:120]!r}")
    if name.startswith(("10-minute", "1440 frames", "8K")):
        tally.slowest_probe = max(tally.slowest_probe, outcome.seconds)
        if outcome.seconds > 2:
            problems.append(f"{name}: took {outcome.seconds:.1f} s")
    tally.codes[outcome.status] = tally.codes.get(outcome.status, 0) + 1
    if name.startswith("slow") and outcome.status != 408:
        problems.append(f"{name}: {outcome.status} instead of 408")
    if name.startswith("cut off") and "cut off" not in outcome.detail:
        problems.append(f"{name}: not told it is cut off: {outcome.detail[:120]!r}")
    if name.startswith("slow") and outcome.seconds > 6:
        problems.append(f"{name}: 408 only after {outcome.seconds:.1f} s")


def _run_control(cluster: Cluster, client: httpx.Client, name: str, run, tally: Tally) -> None:
    """One odd-but-valid upload: accepted, stored only as input.*, and its job ends cleanly."""
    outcome: Outcome = run()
    problems = tally.problems
    if outcome.status != 202:
        tally.server_errors += int(outcome.status is not None and outcome.status >= 500)
        problems.append(f"{name}: {outcome.status} {outcome.detail[:120]!r}")
        return
    tally.accepted += 1
    stored = sorted(p.name for p in (cluster.uploads / outcome.task_id).iterdir())
    if not stored or stored[0] != "input.mp4":
        problems.append(f"{name}: stored as {stored}")
    # Accepted odd files must still end cleanly: done, or failed with a clear 4xx reason.
    final = cluster.wait(client, outcome.task_id, timeout_s=90)
    tally.control_ends.append(f"{name} -> {final['status']} {final['error'] or ''}".strip())
    if name.startswith("cut off, accept"):
        # Only what is in the file, and a notice naming the missing part.
        frames = final["result"].get("frame_count")
        notice = [n for n in final["notices"] if "cut off after 0:03" in n]
        if not (frames and 70 <= frames <= 82 and notice):
            problems.append(f"{name}: {frames} frames, notices {final['notices']}")
    if final["status"] != "complete" and not (
        final["error"] and "Processing failed" not in final["error"]
    ):
        problems.append(f"{name}: job ended {final['status']} {final['error']!r}")


def _escaped(cluster: Cluster) -> list[Path]:
    return [*cluster.tmp.rglob("evil*"), *Path("/tmp").glob("evil*")]


def _summary(rejects: list[Case], controls: list[Case], tally: Tally) -> str:
    return (
        f"{len(rejects)} kinds, {tally.rejected} rejected with 4xx and a message, "
        f"{tally.server_errors} 5xx, {tally.strays} stray files; "
        f"{tally.accepted}/{len(controls)} odd-but-valid controls accepted "
        f"and stored only as uploads/<id>/input.*; header-only rejection of 10-min/1440-frame/8K "
        f"files in <= {tally.slowest_probe:.2f} s; statuses {dict(sorted(tally.codes.items()))}; "
        f"controls: {'; '.join(tally.control_ends)}"
    )


def test_hostile_uploads(cluster: Cluster, tiny_clip: Path, summary: dict[str, str]) -> None:
    cluster.ensure_workers(2)
    tally = Tally()
    with cluster.client() as client:
        rejects, controls = build_cases(cluster, tiny_clip, client)
        for name, run in rejects:
            _run_reject(cluster, name, run, tally)
        escaped = _escaped(cluster)
        for name, run in controls:
            _run_control(cluster, client, name, run, tally)
        escaped += _escaped(cluster)
        assert not escaped, escaped
    summary["hostile uploads"] = _summary(rejects, controls, tally)
    assert not tally.problems, "\n".join(tally.problems)
    total = len(rejects)
    assert total >= 50 and tally.rejected == total
    assert tally.server_errors == 0 and tally.strays == 0

"""Job state and queue in Redis: the same interface as JobStore, shared by API and workers on many machines."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from vtrack.jobs.session_keys import RedisSessions
from vtrack.jobs.states import (
    ABANDON,
    CANCEL,
    CLAIM,
    FINISH,
    REAP_CANCELLED,
    REQUEUE,
    TERMINAL,
    JobStatus,
    Transition,
    ending,
)
from vtrack.jobs.store import CANCELLED_BY_USER, Job, retry_notice

_JSON_FIELDS = ("steps", "params", "result", "notices")
_FLOAT_FIELDS = ("progress", "created_at", "updated_at", "started_at", "finished_at")
_FLOAT_FIELDS += ("heartbeat_at",)
PROCESSING = str(JobStatus.PROCESSING)
PENDING = str(JobStatus.PENDING)

# Every state change is one Lua script, so it is atomic across all API and worker processes:
# a claimed job is never both in the pending list and running, and a crash between two commands
# cannot leave it half-moved. The scripts know no status names: the allowed moves come from
# `vtrack.jobs.states` as arguments. A job whose worker died still has status processing and a
# stale heartbeat_at, which the reaper finds. The pending list mirrors the pending status.

# KEYS: pending list, status prefix. ARGV: worker, now, key prefix, source, target.
_CLAIM = """
while true do
  local id = redis.call('RPOP', KEYS[1])
  if not id then return false end
  local key = ARGV[3] .. 'job:' .. id
  if redis.call('HGET', key, 'status') == ARGV[4] then
    redis.call('HSET', key, 'status', ARGV[5], 'worker', ARGV[1], 'started_at', ARGV[2],
               'updated_at', ARGV[2], 'heartbeat_at', ARGV[2])
    redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('SMOVE', KEYS[2] .. ARGV[4], KEYS[2] .. ARGV[5], id)
    return id
  end
end
"""

# KEYS: job. ARGV[1]: worker ('' = any), ARGV[2]: the running status.
_OWNS = """
local function owns(key, worker, running)
  if redis.call('HGET', key, 'status') ~= running then return false end
  if worker ~= '' and redis.call('HGET', key, 'worker') ~= worker then return false end
  return true
end
"""

# ARGV: worker, running status, steps, progress, notices, now.
_PROGRESS = (
    _OWNS
    + """
if not owns(KEYS[1], ARGV[1], ARGV[2]) then return -1 end
redis.call('HSET', KEYS[1], 'steps', ARGV[3], 'progress', ARGV[4], 'notices', ARGV[5],
           'updated_at', ARGV[6], 'heartbeat_at', ARGV[6])
return tonumber(redis.call('HGET', KEYS[1], 'cancel_requested') or '0')
"""
)

# ARGV: worker, running status, now.
_HEARTBEAT = (
    _OWNS
    + """
if owns(KEYS[1], ARGV[1], ARGV[2]) then redis.call('HSET', KEYS[1], 'heartbeat_at', ARGV[3]) end
return 0
"""
)

# ARGV: worker, running status, now. Asks a running job to stop (it does at its next report).
_FLAG_CANCEL = (
    _OWNS
    + """
if owns(KEYS[1], ARGV[1], ARGV[2]) then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'updated_at', ARGV[3])
end
return 0
"""
)

# One transition. KEYS: job, status prefix, pending list. ARGV: id, worker ('' = any), target,
# pending status, heartbeat cutoff ('' = none: else only a job whose heartbeat is older), n
# sources, the sources, then field/value pairs. Returns 1 if it applied.
_MOVE = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
local n = tonumber(ARGV[6])
local allowed = false
for i = 7, 6 + n do if ARGV[i] == status then allowed = true end end
if not allowed then return 0 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then return 0 end
if ARGV[5] ~= '' then
  local beat = tonumber(redis.call('HGET', KEYS[1], 'heartbeat_at') or '0') or 0
  if beat >= tonumber(ARGV[5]) then return 0 end
end
redis.call('HSET', KEYS[1], 'status', ARGV[3])
for i = 7 + n, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SMOVE', KEYS[2] .. status, KEYS[2] .. ARGV[3], ARGV[1])
if status == ARGV[4] and ARGV[3] ~= ARGV[4] then redis.call('LREM', KEYS[3], 0, ARGV[1]) end
-- RPUSH: the pop end, so a job that lost its worker runs next rather than last.
if ARGV[3] == ARGV[4] and status ~= ARGV[4] then redis.call('RPUSH', KEYS[3], ARGV[1]) end
return 1
"""

# KEYS: job, all set, status prefix. ARGV: id, the terminal statuses.
_DELETE = """
local status = redis.call('HGET', KEYS[1], 'status')
local finished = false
for i = 2, #ARGV do if ARGV[i] == status then finished = true end end
if not finished then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3] .. status, ARGV[1])
return 1
"""


def _failed(error: str, code: int, now: float) -> dict[str, Any]:
    stamp = repr(now)
    return {"error": error, "error_code": str(code), "updated_at": stamp, "finished_at": stamp}


def _job_from_hash(data: dict[str, str]) -> Job:
    values: dict[str, Any] = {}
    for name in Job.__dataclass_fields__:
        raw = data.get(name, "")
        if name in _JSON_FIELDS:
            values[name] = json.loads(raw) if raw else ({} if name in ("params", "result") else [])
        elif name in _FLOAT_FIELDS:
            values[name] = float(raw) if raw != "" else (0.0 if name == "progress" else None)
        elif name in ("attempts",):
            values[name] = int(raw or 0)
        elif name == "error_code":
            values[name] = int(raw) if raw else None
        elif name == "cancel_requested":
            values[name] = raw == "1"
        else:
            values[name] = raw or None
    values["created_at"] = values["created_at"] or 0.0
    values["updated_at"] = values["updated_at"] or 0.0
    return Job(**values)


class RedisJobStore(RedisSessions):
    """JobStore's interface over one Redis server; safe from any thread, process or machine."""

    def __init__(self, url: str, prefix: str = "vtrack:") -> None:
        self.url = url
        self.prefix = prefix
        # Short socket timeouts: an unreachable Redis must fail a request, not hang it.
        self.redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=10,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        self._pending = prefix + "pending"
        self._all = prefix + "all"
        self._status = prefix + "status:"
        self._claim = self.redis.register_script(_CLAIM)
        self._progress = self.redis.register_script(_PROGRESS)
        self._heartbeat = self.redis.register_script(_HEARTBEAT)
        self._flag_cancel = self.redis.register_script(_FLAG_CANCEL)
        self._move_script = self.redis.register_script(_MOVE)
        self._delete = self.redis.register_script(_DELETE)

    def _key(self, job_id: str) -> str:
        return f"{self.prefix}job:{job_id}"

    def ping(self) -> bool:
        return bool(self.redis.ping())

    def create(
        self,
        kind: str,
        params: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str] | None = None,
        job_id: str | None = None,
    ) -> Job:
        job = Job.pending(kind, params, steps, notices, job_id)
        now = job.created_at
        fields = {
            "id": job.id,
            "kind": kind,
            "status": PENDING,
            "steps": json.dumps(steps),
            "progress": "0",
            "params": json.dumps(params),
            "result": "{}",
            "notices": json.dumps(job.notices),
            "attempts": "0",
            "cancel_requested": "0",
            "created_at": repr(now),
            "updated_at": repr(now),
        }
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self._key(job.id), mapping=fields)
        pipe.sadd(self._all, job.id)
        pipe.sadd(self._status + PENDING, job.id)
        pipe.lpush(self._pending, job.id)
        pipe.execute()
        return job

    def get(self, job_id: str) -> Job | None:
        data = self.redis.hgetall(self._key(job_id))
        return _job_from_hash(data) if data else None

    def _move(
        self,
        transition: Transition,
        job_id: str,
        fields: dict[str, Any],
        worker: str | None = None,
        stale_before: float | None = None,
    ) -> bool:
        """Apply `transition` if the job is in one of its source states (a worker's own write
        only while `worker` still runs it; a reap only while the heartbeat is older than
        `stale_before`). One script: atomic."""
        args: list[Any] = [
            job_id,
            worker if transition.by_worker and worker is not None else "",
            str(transition.target),
            PENDING,
            repr(stale_before) if stale_before is not None else "",
            len(transition.sources),
            *[str(s) for s in transition.sources],
        ]
        for name, value in fields.items():
            args += [name, "" if value is None else value]
        keys = [self._key(job_id), self._status, self._pending]
        return bool(self._move_script(keys=keys, args=args))

    def claim_next(self, worker: str) -> Job | None:
        """Atomically move the oldest pending job to processing and return it."""
        (source,) = CLAIM.sources
        job_id = self._claim(
            keys=[self._pending, self._status],
            args=[worker, repr(time.time()), self.prefix, str(source), str(CLAIM.target)],
        )
        return self.get(job_id) if job_id else None

    def update_progress(
        self,
        job_id: str,
        steps: list[dict[str, str]],
        progress: float,
        notices: list[str],
        worker: str | None = None,
    ) -> bool:
        """Record progress; returns whether the job should stop (see JobStore.update_progress)."""
        answer = self._progress(
            keys=[self._key(job_id)],
            args=[
                worker or "",
                PROCESSING,
                json.dumps(steps),
                repr(progress),
                json.dumps(notices),
                repr(time.time()),
            ],
        )
        if answer == -1:
            return worker is not None
        return bool(answer)

    def heartbeat(self, job_ids: list[str], worker: str) -> None:
        now = repr(time.time())
        for job_id in job_ids:
            self._heartbeat(keys=[self._key(job_id)], args=[worker, PROCESSING, now])

    def finish(
        self,
        job_id: str,
        result: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str],
        worker: str | None = None,
    ) -> None:
        now = repr(time.time())
        fields = {
            "result": json.dumps(result),
            "steps": json.dumps(steps),
            "notices": json.dumps(notices),
            "progress": "1.0",
            "updated_at": now,
            "finished_at": now,
        }
        self._move(FINISH, job_id, fields, worker)

    def fail(
        self,
        job_id: str,
        error: str,
        code: int = 500,
        steps: list[dict[str, str]] | None = None,
        status: str = JobStatus.ERROR,
        worker: str | None = None,
    ) -> None:
        fields = _failed(error, code, time.time())
        if steps is not None:
            fields["steps"] = json.dumps(steps)
        self._move(ending(status), job_id, fields, worker)

    def request_cancel(self, job_id: str) -> Job | None:
        """Pending jobs are cancelled at once; running ones stop at their next progress report."""
        now = time.time()
        if not self._move(
            CANCEL, job_id, {**_failed(CANCELLED_BY_USER, 409, now), "cancel_requested": "1"}
        ):
            self._flag_cancel(keys=[self._key(job_id)], args=["", PROCESSING, repr(now)])
        return self.get(job_id)

    def reap_stale(
        self, timeout_s: float, max_attempts: int, reason: str
    ) -> tuple[list[str], list[str]]:
        """Jobs whose worker stopped heartbeating: requeue below max_attempts, else fail."""
        now = time.time()
        cutoff = now - timeout_s
        requeued: list[str] = []
        ended: list[str] = []
        for job_id in self.redis.smembers(self._status + PROCESSING):
            attempts, cancel, notices = self.redis.hmget(
                self._key(job_id), "attempts", "cancel_requested", "notices"
            )
            attempts = int(attempts or 0)
            if cancel == "1":
                fields = _failed(CANCELLED_BY_USER, 409, now)
                if self._move(REAP_CANCELLED, job_id, fields, stale_before=cutoff):
                    ended.append(job_id)
            elif attempts < max_attempts:
                notice = retry_notice(attempts + 1, max_attempts)
                fields = {
                    "worker": "",
                    "progress": "0",
                    "heartbeat_at": "",
                    "updated_at": repr(now),
                    "notices": json.dumps(json.loads(notices or "[]") + [notice]),
                }
                if self._move(REQUEUE, job_id, fields, stale_before=cutoff):
                    requeued.append(job_id)
            elif self._move(ABANDON, job_id, _failed(reason, 500, now), stale_before=cutoff):
                ended.append(job_id)
        return requeued, ended

    def recover_interrupted(self, reason: str, worker: str | None = None) -> list[str]:
        """Jobs left 'processing' (by `worker`, or by anyone) become errors with `reason`."""
        ids = []
        now = time.time()
        for job_id in self.redis.smembers(self._status + PROCESSING):
            if worker is not None and self.redis.hget(self._key(job_id), "worker") != worker:
                continue
            if self._move(ABANDON, job_id, _failed(reason, 500, now)):
                ids.append(job_id)
        return ids

    def count(self, statuses: tuple[str, ...]) -> int:
        pipe = self.redis.pipeline(transaction=False)
        for status in statuses:
            pipe.scard(self._status + status)
        return int(sum(pipe.execute()))

    def expired(self, before: float) -> list[str]:
        """Finished jobs last touched before `before` (never a pending or running one)."""
        ids: list[str] = []
        for status in TERMINAL:
            members = list(self.redis.smembers(self._status + status))
            pipe = self.redis.pipeline(transaction=False)
            for job_id in members:
                pipe.hget(self._key(job_id), "updated_at")
            for job_id, updated in zip(members, pipe.execute(), strict=True):
                if updated is not None and float(updated) < before:
                    ids.append(job_id)
        return ids

    def ids(self) -> set[str]:
        return set(self.redis.smembers(self._all))

    def delete(self, job_id: str) -> None:
        self._delete(
            keys=[self._key(job_id), self._all, self._status],
            args=[job_id, *[str(s) for s in TERMINAL]],
        )

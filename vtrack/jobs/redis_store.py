"""Job state and queue in Redis: the same interface as JobStore, shared by API and workers on many machines."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from vtrack.jobs.store import TERMINAL, Job, retry_notice

STATUSES = ("pending", "processing", *TERMINAL)
_JSON_FIELDS = ("steps", "params", "result", "notices")
_FLOAT_FIELDS = (
    "progress",
    "created_at",
    "updated_at",
    "started_at",
    "finished_at",
    "heartbeat_at",
)

# Every state change is one Lua script, so it is atomic across all API and worker processes:
# a claimed job is never both in the pending list and running, and a crash between two commands
# cannot leave it half-moved. A job that was claimed by a worker that then died still has status
# 'processing' and a stale heartbeat_at, which the reaper finds.

_CLAIM = """
local prefix = ARGV[3]
while true do
  local id = redis.call('RPOP', KEYS[1])
  if not id then return false end
  local key = prefix .. 'job:' .. id
  if redis.call('HGET', key, 'status') == 'pending' then
    redis.call('HSET', key, 'status', 'processing', 'worker', ARGV[1], 'started_at', ARGV[2],
               'updated_at', ARGV[2], 'heartbeat_at', ARGV[2])
    redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('SMOVE', KEYS[2], KEYS[3], id)
    return id
  end
end
"""

# KEYS: job. ARGV: worker ('' = any). Returns 1 when the caller may write to the running job.
_OWNS = """
local function owns(key, worker)
  if redis.call('HGET', key, 'status') ~= 'processing' then return false end
  if worker ~= '' and redis.call('HGET', key, 'worker') ~= worker then return false end
  return true
end
"""

_PROGRESS = (
    _OWNS
    + """
if not owns(KEYS[1], ARGV[5]) then return -1 end
redis.call('HSET', KEYS[1], 'steps', ARGV[1], 'progress', ARGV[2], 'notices', ARGV[3],
           'updated_at', ARGV[4], 'heartbeat_at', ARGV[4])
return tonumber(redis.call('HGET', KEYS[1], 'cancel_requested') or '0')
"""
)

_HEARTBEAT = (
    _OWNS
    + """
if owns(KEYS[1], ARGV[2]) then redis.call('HSET', KEYS[1], 'heartbeat_at', ARGV[1]) end
return 0
"""
)

# KEYS: job, status prefix. ARGV: worker ('' = any), id, new status, then field/value pairs.
_END = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if ARGV[1] ~= '' and (status ~= 'processing' or redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1])
then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SMOVE', KEYS[2] .. status, KEYS[2] .. ARGV[3], ARGV[2])
return 1
"""

# KEYS: job, pending list, status prefix. ARGV: now, id.
_CANCEL = """
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'pending' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'error', 'Cancelled by the user.',
             'error_code', '409', 'cancel_requested', '1', 'updated_at', ARGV[1],
             'finished_at', ARGV[1])
  redis.call('LREM', KEYS[2], 0, ARGV[2])
  redis.call('SMOVE', KEYS[3] .. 'pending', KEYS[3] .. 'cancelled', ARGV[2])
elseif status == 'processing' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'updated_at', ARGV[1])
end
return 0
"""

# KEYS: job, pending list, status prefix. ARGV: now, cutoff, max_attempts, reason, id, notice.
# Returns 1 requeued, 2 failed/cancelled, 0 untouched (fresh heartbeat or not running).
_REAP = """
if redis.call('HGET', KEYS[1], 'status') ~= 'processing' then return 0 end
local beat = tonumber(redis.call('HGET', KEYS[1], 'heartbeat_at') or '0') or 0
if beat >= tonumber(ARGV[2]) then return 0 end
local id = ARGV[5]
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'error', 'Cancelled by the user.',
             'error_code', '409', 'updated_at', ARGV[1], 'finished_at', ARGV[1])
  redis.call('SMOVE', KEYS[3] .. 'processing', KEYS[3] .. 'cancelled', id)
  return 2
end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
if attempts < tonumber(ARGV[3]) then
  local notices = cjson.decode(redis.call('HGET', KEYS[1], 'notices') or '[]')
  table.insert(notices, ARGV[6])
  redis.call('HSET', KEYS[1], 'status', 'pending', 'worker', '', 'progress', '0',
             'heartbeat_at', '', 'updated_at', ARGV[1], 'notices', cjson.encode(notices))
  redis.call('SMOVE', KEYS[3] .. 'processing', KEYS[3] .. 'pending', id)
  -- RPUSH: the pop end, so a job that lost its worker runs next rather than last.
  redis.call('RPUSH', KEYS[2], id)
  return 1
end
redis.call('HSET', KEYS[1], 'status', 'error', 'error', ARGV[4], 'error_code', '500',
           'updated_at', ARGV[1], 'finished_at', ARGV[1])
redis.call('SMOVE', KEYS[3] .. 'processing', KEYS[3] .. 'error', id)
return 2
"""

_DELETE = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'complete' and status ~= 'error' and status ~= 'cancelled' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3] .. status, ARGV[1])
return 1
"""


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


class RedisJobStore:
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
        self._cancel = self.redis.register_script(_CANCEL)
        self._reap = self.redis.register_script(_REAP)
        self._delete = self.redis.register_script(_DELETE)
        self._end = self.redis.register_script(_END)

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
            "status": "pending",
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
        pipe.sadd(self._status + "pending", job.id)
        pipe.lpush(self._pending, job.id)
        pipe.execute()
        return job

    def get(self, job_id: str) -> Job | None:
        data = self.redis.hgetall(self._key(job_id))
        return _job_from_hash(data) if data else None

    def claim_next(self, worker: str) -> Job | None:
        """Atomically move the oldest pending job to processing and return it."""
        job_id = self._claim(
            keys=[self._pending, self._status + "pending", self._status + "processing"],
            args=[worker, repr(time.time()), self.prefix],
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
                json.dumps(steps),
                repr(progress),
                json.dumps(notices),
                repr(time.time()),
                worker or "",
            ],
        )
        if answer == -1:
            return worker is not None
        return bool(answer)

    def heartbeat(self, job_ids: list[str], worker: str) -> None:
        now = repr(time.time())
        for job_id in job_ids:
            self._heartbeat(keys=[self._key(job_id)], args=[now, worker])

    def _finish_state(self, job_id: str, status: str, worker: str | None, fields: dict) -> None:
        args: list[str] = [worker or "", job_id, status]
        for name, value in fields.items():
            args += [name, value]
        self._end(keys=[self._key(job_id), self._status], args=args)

    def finish(
        self,
        job_id: str,
        result: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str],
        worker: str | None = None,
    ) -> None:
        now = repr(time.time())
        self._finish_state(
            job_id,
            "complete",
            worker,
            {
                "status": "complete",
                "result": json.dumps(result),
                "steps": json.dumps(steps),
                "notices": json.dumps(notices),
                "progress": "1.0",
                "updated_at": now,
                "finished_at": now,
            },
        )

    def fail(
        self,
        job_id: str,
        error: str,
        code: int = 500,
        steps: list[dict[str, str]] | None = None,
        status: str = "error",
        worker: str | None = None,
    ) -> None:
        now = repr(time.time())
        fields = {
            "status": status,
            "error": error,
            "error_code": str(code),
            "updated_at": now,
            "finished_at": now,
        }
        if steps is not None:
            fields["steps"] = json.dumps(steps)
        self._finish_state(job_id, status, worker, fields)

    def request_cancel(self, job_id: str) -> Job | None:
        """Pending jobs are cancelled at once; running ones stop at their next progress report."""
        self._cancel(
            keys=[self._key(job_id), self._pending, self._status],
            args=[repr(time.time()), job_id],
        )
        return self.get(job_id)

    def reap_stale(
        self, timeout_s: float, max_attempts: int, reason: str
    ) -> tuple[list[str], list[str]]:
        """Jobs whose worker stopped heartbeating: requeue below max_attempts, else fail."""
        now = time.time()
        requeued: list[str] = []
        ended: list[str] = []
        for job_id in self.redis.smembers(self._status + "processing"):
            attempts = int(self.redis.hget(self._key(job_id), "attempts") or 0)
            outcome = self._reap(
                keys=[self._key(job_id), self._pending, self._status],
                args=[
                    repr(now),
                    repr(now - timeout_s),
                    str(max_attempts),
                    reason,
                    job_id,
                    retry_notice(attempts + 1, max_attempts),
                ],
            )
            if outcome == 1:
                requeued.append(job_id)
            elif outcome == 2:
                ended.append(job_id)
        return requeued, ended

    def recover_interrupted(self, reason: str, worker: str | None = None) -> list[str]:
        """Jobs left 'processing' (by `worker`, or by anyone) become errors with `reason`."""
        ids = []
        for job_id in self.redis.smembers(self._status + "processing"):
            job = self.get(job_id)
            if job is None or (worker is not None and job.worker != worker):
                continue
            self.fail(job_id, reason, 500, worker=job.worker)
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
        self._delete(keys=[self._key(job_id), self._all, self._status], args=[job_id])

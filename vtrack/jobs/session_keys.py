"""Session state in Redis: a hash per session (meta, times, one field per item), each change one
atomic script, so any API or worker process on any machine sees the same session."""

from __future__ import annotations

import json
import time
from typing import Any

from vtrack.sessions.model import SessionRow

# KEYS: session hash. ARGV: now, field, value ('' removes). Returns 0 when there is no session.
_SET_ITEM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[1])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[2])
else redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) end
return 1
"""

# KEYS: session hash. ARGV: field prefix. Removes the matching fields.
_DELETE_ITEMS = """
local fields = redis.call('HKEYS', KEYS[1])
for _, name in ipairs(fields) do
  if string.sub(name, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('HDEL', KEYS[1], name) end
end
return 1
"""

_ITEM = "item:"


class RedisSessions:
    """Mixed into `RedisJobStore` (which provides `redis` and `prefix`)."""

    redis: Any
    prefix: str

    def _session_key(self, session_id: str) -> str:
        return f"{self.prefix}session:{session_id}"

    def _sessions_set(self) -> str:
        return f"{self.prefix}sessions"

    def create_session(self, session_id: str, meta: dict[str, Any]) -> None:
        now = repr(time.time())
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(
            self._session_key(session_id),
            mapping={"meta": json.dumps(meta), "created_at": now, "updated_at": now},
        )
        pipe.sadd(self._sessions_set(), session_id)
        pipe.execute()

    def get_session(self, session_id: str) -> SessionRow | None:
        data = self.redis.hgetall(self._session_key(session_id))
        if not data or "meta" not in data:
            return None
        items = {
            name.removeprefix(_ITEM): json.loads(value)
            for name, value in data.items()
            if name.startswith(_ITEM)
        }
        return SessionRow(
            id=session_id,
            meta=json.loads(data["meta"]),
            items=items,
            created_at=float(data["created_at"]),
            updated_at=float(data["updated_at"]),
        )

    def set_session_item(self, session_id: str, key: str, value: dict[str, Any] | None) -> bool:
        script = self.redis.register_script(_SET_ITEM)
        encoded = "" if value is None else json.dumps(value)
        found = script(
            keys=[self._session_key(session_id)],
            args=[repr(time.time()), _ITEM + key, encoded],
        )
        return bool(found)

    def delete_session_items(self, session_id: str, prefix: str) -> None:
        script = self.redis.register_script(_DELETE_ITEMS)
        script(keys=[self._session_key(session_id)], args=[_ITEM + prefix])

    def delete_session(self, session_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self._session_key(session_id))
        pipe.srem(self._sessions_set(), session_id)
        pipe.execute()

    def expired_sessions(self, before: float) -> list[str]:
        ids = list(self.redis.smembers(self._sessions_set()))
        pipe = self.redis.pipeline(transaction=False)
        for session_id in ids:
            pipe.hget(self._session_key(session_id), "updated_at")
        return [
            session_id
            for session_id, updated in zip(ids, pipe.execute(), strict=True)
            if updated is None or float(updated) < before
        ]

    def session_ids(self) -> set[str]:
        return set(self.redis.smembers(self._sessions_set()))

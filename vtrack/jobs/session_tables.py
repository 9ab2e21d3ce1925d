"""Session state in the SQLite job store: one row per session, one row per item (prompt, object,
running task), so each change is one small atomic write."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from vtrack.sessions.model import SessionRow

SESSION_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    meta TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS session_items (
    session_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
);
"""


class SqliteSessions:
    """Mixed into `JobStore` (which provides `_connect`)."""

    def _connect(self) -> Any:  # provided by JobStore
        raise NotImplementedError

    def create_session(self, session_id: str, meta: dict[str, Any]) -> None:
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions (id, meta, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (session_id, json.dumps(meta), now, now),
            )

    def get_session(self, session_id: str) -> SessionRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return None
            items = db.execute(
                "SELECT key, value FROM session_items WHERE session_id = ?", (session_id,)
            ).fetchall()
        return SessionRow(
            id=row["id"],
            meta=json.loads(row["meta"]),
            items={item["key"]: json.loads(item["value"]) for item in items},
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    def set_session_item(self, session_id: str, key: str, value: dict[str, Any] | None) -> bool:
        """Write (or with None, remove) one item; False when the session does not exist."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                found = db.execute(
                    "UPDATE sessions SET updated_at = ? WHERE id = ?", (time.time(), session_id)
                ).rowcount
                if found and value is None:
                    db.execute(
                        "DELETE FROM session_items WHERE session_id = ? AND key = ?",
                        (session_id, key),
                    )
                elif found:
                    db.execute(
                        "INSERT INTO session_items (session_id, key, value) VALUES (?, ?, ?)"
                        " ON CONFLICT (session_id, key) DO UPDATE SET value = excluded.value",
                        (session_id, key, json.dumps(value)),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return bool(found)

    def delete_session_items(self, session_id: str, prefix: str) -> None:
        """Remove every item whose key starts with `prefix` (an object's prompts)."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._connect() as db:
            db.execute(
                "DELETE FROM session_items WHERE session_id = ? AND key LIKE ? ESCAPE '\\'",
                (session_id, pattern),
            )

    def delete_session(self, session_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM session_items WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def expired_sessions(self, before: float) -> list[str]:
        """Sessions last touched before `before`."""
        with self._connect() as db:
            rows = db.execute("SELECT id FROM sessions WHERE updated_at < ?", (before,)).fetchall()
        return [r["id"] for r in rows]

    def session_ids(self) -> set[str]:
        with self._connect() as db:
            return {r["id"] for r in db.execute("SELECT id FROM sessions").fetchall()}


def init_session_tables(db: sqlite3.Connection) -> None:
    db.executescript(SESSION_SCHEMA)

"""Per-frame results of a propagation on its task's event stream (`event: frame`).

The worker appends each stored frame to the task's frame log in the session folder; the stream
reads the log from where it stopped and sends each frame's masks as they are stored, in the
order the tracker made them. Any API process can serve the stream (the folder is shared).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from vtrack.api.state import AppState
from vtrack.jobs.store import Job
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.tasks import PROPAGATE


class FrameFeed:
    def __init__(self, files: SessionFiles, task_id: str, object_ids: list[int]) -> None:
        self.files = files
        self.task_id = task_id
        self.object_ids = object_ids
        self.offset = 0

    @classmethod
    def for_job(cls, state: AppState, job: Job) -> FrameFeed | None:
        if job.kind != PROPAGATE:
            return None
        session_id = str(job.params.get("session", {}).get("id", ""))
        if not session_id.isalnum():
            return None
        files = SessionFiles(state.settings.sessions_dir / session_id)
        return cls(files, job.id, [int(o) for o in job.params.get("object_ids", [])])

    def events(self) -> Iterator[str]:
        """`event: frame` messages for the frames logged since the last call."""
        frames, self.offset = self.files.logged_frames(self.task_id, self.offset)
        for frame_idx in frames:
            masks = self.files.frame_masks(frame_idx, self.object_ids)
            data = json.dumps({"frame_idx": frame_idx, "masks": masks}, separators=(",", ":"))
            yield f"event: frame\ndata: {data}\n\n"

"""A session's folder in the data dir: the upload, the frame store, the masks and task logs.

    <data>/sessions/<id>/input.<ext>          the upload (probed again to render at source size)
    <data>/sessions/<id>/frames/              the working-resolution frame store, decoded once
    <data>/sessions/<id>/masks/<obj>/<frame>.json   one COCO RLE per object and frame
    <data>/sessions/<id>/masks/<obj>/propagated.json what each prompt frame was propagated from
    <data>/sessions/<id>/tasks/<task>.frames  frames a propagation stored, in order (its stream)

Every file is written whole under a temporary name and renamed, so a reader in another process
sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from vtrack.sessions.rle import Rle


def write_json(path: Path, data: Any) -> None:
    """Atomically replace `path` with `data` as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


class SessionFiles:
    """Paths and durable mask files of one session."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)

    @property
    def frames_dir(self) -> Path:
        return self.dir / "frames"

    @property
    def masks_dir(self) -> Path:
        return self.dir / "masks"

    def source(self, name: str) -> Path:
        return self.dir / name

    # ---- masks ---------------------------------------------------------------------------
    def _mask_path(self, object_id: int, frame_idx: int) -> Path:
        return self.masks_dir / str(object_id) / f"{frame_idx:05d}.json"

    def write_mask(self, object_id: int, frame_idx: int, rle: Rle) -> None:
        write_json(self._mask_path(object_id, frame_idx), rle)

    def read_mask(self, object_id: int, frame_idx: int) -> Rle | None:
        return read_json(self._mask_path(object_id, frame_idx))

    def object_ids(self) -> list[int]:
        if not self.masks_dir.is_dir():
            return []
        return sorted(int(p.name) for p in self.masks_dir.iterdir() if p.name.isdigit())

    def frame_masks(self, frame_idx: int, object_ids: list[int] | None = None) -> dict[int, Rle]:
        """Every stored mask on one frame (an object absent there has an empty one)."""
        found: dict[int, Rle] = {}
        for object_id in self.object_ids() if object_ids is None else object_ids:
            rle = self.read_mask(object_id, frame_idx)
            if rle is not None:
                found[object_id] = rle
        return found

    def delete_object(self, object_id: int) -> None:
        shutil.rmtree(self.masks_dir / str(object_id), ignore_errors=True)

    # ---- what was propagated -------------------------------------------------------------
    def _propagated_path(self, object_id: int) -> Path:
        return self.masks_dir / str(object_id) / "propagated.json"

    def propagated(self, object_id: int) -> dict[int, dict[str, Any]]:
        """prompt frame -> {"fingerprint": prompt's, "directions": ["forward", "backward"]}."""
        data = read_json(self._propagated_path(object_id)) or {}
        return {int(frame): entry for frame, entry in data.items()}

    def record_propagation(
        self, object_id: int, frame_idx: int, fingerprint: str, direction: str
    ) -> None:
        """Note that the frames `frame_idx` governs were tracked `direction` from that prompt.

        Only the one propagation task that runs on the object writes this file (a second one
        is refused while the first runs)."""
        state = self.propagated(object_id)
        entry = state.get(frame_idx)
        if entry is None or entry.get("fingerprint") != fingerprint:
            entry = {"fingerprint": fingerprint, "directions": []}
        if direction not in entry["directions"]:
            entry["directions"].append(direction)
        state[frame_idx] = entry
        write_json(self._propagated_path(object_id), {str(k): v for k, v in state.items()})

    # ---- a propagation's stream of stored frames -----------------------------------------
    def _log_path(self, task_id: str) -> Path:
        return self.dir / "tasks" / f"{task_id}.frames"

    def log_frame(self, task_id: str, frame_idx: int) -> None:
        """Append one stored frame (a line: short appends are atomic on a local disk)."""
        path = self._log_path(task_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as fh:
            fh.write(f"{frame_idx}\n")

    def logged_frames(self, task_id: str, offset: int = 0) -> tuple[list[int], int]:
        """Frames logged after byte `offset` (whole lines only) and the offset to read on from."""
        try:
            with open(self._log_path(task_id), "rb") as fh:
                fh.seek(offset)
                data = fh.read()
        except FileNotFoundError:
            return [], offset
        end = data.rfind(b"\n") + 1
        lines = data[:end].split()
        return [int(line) for line in lines], offset + end

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

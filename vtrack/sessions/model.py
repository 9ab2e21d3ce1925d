"""A session's durable state as typed records: the video it holds, its objects and their prompts.

The store keeps a session as `meta` (the video) plus small items, one per prompt
(`prompt:<object>:<frame>`), per object (`object:<object>`) and per running task
(`busy:<task>`); each item is written on its own, so two processes never overwrite each other's
changes with a stale copy of the whole session.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, Field

from vtrack.sessions.rle import Rle

MAX_POINTS = 32
MAX_OBJECT_ID = 255  # object ids are the pixel values of the masks zip (uint8, 0 = background)
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class Point(BaseModel):
    x: Percent = Field(description="percent of the frame width (0-100)")
    y: Percent = Field(description="percent of the frame height (0-100)")
    positive: bool = Field(True, description="false: a click on what is NOT the object")


class Prompt(BaseModel):
    """What the user gave for one object on one frame (the latest full list of points)."""

    frame_idx: int
    points: list[Point] = Field(default_factory=list)
    box: tuple[Percent, Percent, Percent, Percent] | None = Field(
        None, description="[x0, y0, x1, y1] in percent of the frame"
    )
    # The mask the user saw on this frame before the first click on it (a propagated one): the
    # clicks correct that mask rather than start over. Durable, so a replay gives the same mask.
    base: Rle | None = Field(None, exclude=True)

    def fingerprint(self) -> str:
        """Changes whenever what the engine would be given changes."""
        data = self.model_dump(mode="json")
        data["base"] = self.base
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


class ObjectInfo(BaseModel):
    name: str = ""
    color: str | None = None


class VideoMeta(BaseModel):
    """The session's video at the working resolution (masks and coordinates refer to it)."""

    frame_count: int
    fps: float
    width: int
    height: int
    duration_s: float
    has_audio: bool
    filename: str
    notices: list[str] = Field(default_factory=list)
    source: str = Field(description="the upload's file name inside the session folder")
    out_width: int = 0
    out_height: int = 0


class Busy(BaseModel):
    """A task running on the session (cleanup and prompts look at these)."""

    task_id: str
    kind: str
    object_ids: list[int] = Field(default_factory=list)


@dataclass
class SessionRow:
    """A session as the store holds it: meta plus items (see the module docstring)."""

    id: str
    meta: dict[str, Any]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0


def prompt_key(object_id: int, frame_idx: int) -> str:
    return f"prompt:{object_id}:{frame_idx}"


def object_key(object_id: int) -> str:
    return f"object:{object_id}"


def busy_key(task_id: str) -> str:
    return f"busy:{task_id}"


@dataclass
class SessionObject:
    object_id: int
    info: ObjectInfo
    prompts: dict[int, Prompt]  # by frame


@dataclass
class Session:
    """A session read from its row: typed, with objects grouped."""

    id: str
    video: VideoMeta
    objects: dict[int, SessionObject]
    busy: list[Busy]
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: SessionRow) -> Session:
        objects: dict[int, SessionObject] = {}
        busy: list[Busy] = []
        for key, value in row.items.items():
            kind, _, rest = key.partition(":")
            if kind == "object":
                oid = int(rest)
                obj = objects.setdefault(oid, SessionObject(oid, ObjectInfo(), {}))
                obj.info = ObjectInfo.model_validate(value)
            elif kind == "prompt":
                oid_text, _, frame_text = rest.partition(":")
                oid = int(oid_text)
                obj = objects.setdefault(oid, SessionObject(oid, ObjectInfo(), {}))
                prompt = Prompt.model_validate(value)
                prompt.base = value.get("base")
                obj.prompts[int(frame_text)] = prompt
            elif kind == "busy":
                busy.append(Busy.model_validate(value))
        return cls(
            id=row.id,
            video=VideoMeta.model_validate(row.meta),
            objects=dict(sorted(objects.items())),
            busy=busy,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def prompts_on(self, frame_idx: int) -> dict[int, Prompt]:
        """Every object's prompt on one frame, by object id."""
        return {
            oid: obj.prompts[frame_idx]
            for oid, obj in self.objects.items()
            if frame_idx in obj.prompts
        }


def stored_prompt(prompt: Prompt) -> dict[str, Any]:
    """The item the store keeps for a prompt (the base mask included)."""
    data = prompt.model_dump(mode="json")
    if prompt.base is not None:
        data["base"] = dict(prompt.base)
    return data

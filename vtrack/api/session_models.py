"""Request and response models of the session endpoints (the public contract, typed)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from vtrack.api.bodies import JsonBody
from vtrack.jobs.states import JobStatus
from vtrack.sessions.model import MAX_OBJECT_ID, MAX_POINTS, Percent, Point
from vtrack.sessions.rle import Rle
from vtrack.vision.base import Direction

POINTS_MESSAGE = (
    f"'points' must be a list of 1 to {MAX_POINTS} clicks, each "
    '{"x": percent, "y": percent, "positive": true or false}, with x and y in 0-100.'
)


class SessionInfo(BaseModel):
    """POST /api/sessions (201): the session and its video at the working resolution."""

    session_id: str
    status: Literal["ready"] = Field(description="the frames are decoded: prompts can come")
    frame_count: int
    fps: float
    width: int = Field(description="working width: masks and coordinates refer to it")
    height: int
    duration_s: float
    has_audio: bool
    filename: str
    notices: list[str]
    created_at: float
    expires_at: float = Field(description="when an untouched session is cleaned up")


class PromptOut(BaseModel):
    frame_idx: int
    points: list[Point]
    box: tuple[float, float, float, float] | None
    corrects: bool = Field(description="the clicks correct the propagated mask of that frame")


class SessionObject(BaseModel):
    object_id: int
    name: str
    color: str | None
    prompts: list[PromptOut]
    propagated: bool = Field(description="every prompt has been propagated over its frames")
    propagating: bool = Field(description="a propagation of this object is running")


class SessionTaskRef(BaseModel):
    task_id: str
    kind: str
    object_ids: list[int]


class SessionDetail(SessionInfo):
    """GET /api/sessions/{id}: the session, its objects with their prompts, running tasks."""

    objects: list[SessionObject]
    tasks: list[SessionTaskRef]


class PromptRequest(JsonBody):
    """POST /api/sessions/{id}/prompts: the full list of clicks for one object on one frame
    (they replace that object's earlier clicks on that frame)."""

    frame_idx: int = Field(ge=0, description="the frame the clicks are on")
    object_id: int = Field(
        ge=1, le=MAX_OBJECT_ID, description="a new id starts a new object (1-255)"
    )
    points: list[Point] = Field(default_factory=list, max_length=MAX_POINTS)
    box: tuple[Percent, Percent, Percent, Percent] | None = Field(
        None, description="[x0, y0, x1, y1] in percent of the frame"
    )
    messages = {
        "points": POINTS_MESSAGE,
        "box": "'box' must be [x0, y0, x1, y1] with each value a percent (0-100).",
        "object_id": f"'object_id' must be a whole number from 1 to {MAX_OBJECT_ID}.",
        "frame_idx": "'frame_idx' must be a whole number, 0 or more.",
    }

    @model_validator(mode="after")
    def _something_to_segment(self) -> PromptRequest:
        if not self.points and self.box is None:
            raise ValueError("Send at least one point (or a box) for the object.")
        if self.box is not None and (self.box[2] <= self.box[0] or self.box[3] <= self.box[1]):
            raise ValueError("The box must have x1 > x0 and y1 > y0.")
        return self


class PromptAnswer(BaseModel):
    object_id: int
    frame_idx: int
    mask: Rle = Field(description="COCO RLE at the session's working resolution")
    area: int = Field(description="pixels in the mask")
    corrects: bool


class PropagateRequest(JsonBody):
    """POST /api/sessions/{id}/propagate."""

    object_ids: list[int] | None = Field(None, description="default: every prompted object")
    start_frame_idx: int | None = Field(
        None,
        ge=0,
        description="propagate only the prompts on this frame (after a correction there); "
        "default: every prompted frame",
    )
    direction: Direction = "both"


class TaskAccepted(BaseModel):
    """202: the task runs; follow it at task_url or its event stream."""

    task_id: str
    session_id: str
    kind: str
    status: JobStatus
    task_url: str
    events_url: str = Field(
        description="SSE: the task JSON on every change; a propagation also sends "
        "`event: frame` with {frame_idx, masks} for every frame as it is stored"
    )


class FrameMasks(BaseModel):
    """GET /api/sessions/{id}/masks?frame_idx=N."""

    frame_idx: int
    masks: dict[int, Rle] = Field(
        description="object id -> COCO RLE (an empty mask: computed, not visible there)"
    )


class ObjectPatch(JsonBody):
    """PATCH /api/sessions/{id}/objects/{object_id}: how the object is shown."""

    name: str | None = Field(None, max_length=80)
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="e.g. '#ff3030'")
    messages = {"color": "'color' must look like '#ff3030'."}

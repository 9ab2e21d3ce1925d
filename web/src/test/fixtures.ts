// Typed API answers for tests: whole objects of the schema's shapes, with only what a test cares about given.
import { normalizeTask, type JobAccepted, type Task } from "../lib/api";
import type { ResponseOf } from "../lib/http";

type TrackAccepted = ResponseOf<"/api/track-point", "post">;

/** POST /api/track-point's 202 answer for task `task_id`. */
export function trackAccepted(overrides: Partial<TrackAccepted> = {}): JobAccepted {
  const id = overrides.task_id ?? "t1";
  return {
    task_id: id,
    status: "pending",
    progress: 0,
    processing_steps: [],
    notices: [],
    task_url: `/api/task/${id}`,
    events_url: `/api/task/${id}/events`,
    masked_video_url: `/uploads/${id}/masked_video.mp4`,
    masks_url: `/uploads/${id}/masks.zip`,
    frame_count: null,
    frames_with_object: null,
    engine: null,
    ...overrides,
  };
}

/** GET /api/task/{id}'s answer. */
export function taskOf(overrides: Partial<Task> = {}): Task {
  return normalizeTask({ task_id: "t1", kind: "track_point", ...overrides });
}

// The studio's API: its shapes (from the generated schema), the workflow forms, and the calls the UI makes.
import { call, type FormOf, type ResponseOf } from "./http";

export { ApiError, apiUrl, describeError, request } from "./http";

export type Task = ResponseOf<"/api/task/{task_id}", "get">;
export type TaskStatus = Task["status"];
export type TaskResult = Task["result"];
export type ProcessingStep = Task["steps"][number];
export type StepStatus = ProcessingStep["status"];
export type Health = ResponseOf<"/api/health", "get">;
/** What a workflow POST answers: with `Prefer: respond-async` at once (202), the result URLs live once complete. */
export type JobAccepted =
  | ResponseOf<"/api/track-point", "post">
  | ResponseOf<"/api/text-to-video", "post">
  | ResponseOf<"/api/remove-object", "post">;

/** A point prompt in percent (0-100) of the video frame; negative points mark "not this". */
export interface PromptPoint {
  x: number;
  y: number;
  positive: boolean;
}

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["complete", "error", "cancelled"];

export function isTerminal(status: string | undefined): boolean {
  return TERMINAL_STATUSES.includes(status as TaskStatus);
}

function roundPct(value: number): number {
  // Two decimals is a hundredth of a percent: finer than a pixel at the API's 854 px limit.
  return Math.round(value * 100) / 100;
}

function named(video: Blob, filename?: string): Blob {
  const name = filename ?? (video as File).name ?? "video.mp4";
  return video instanceof File && video.name === name ? video : new File([video], name, { type: video.type });
}

export function trackPointForm(video: Blob, points: PromptPoint[], frameIdx: number, filename?: string): FormOf<"/api/track-point"> {
  const anchor = points.find((p) => p.positive) ?? points[0];
  if (!anchor) throw new Error("At least one point is needed.");
  return {
    video: named(video, filename),
    x: roundPct(anchor.x),
    y: roundPct(anchor.y),
    frame_idx: Math.max(0, Math.round(frameIdx)),
    // A single positive click needs no list; several (or a negative one) travel as `points`.
    points:
      points.length > 1 || !anchor.positive
        ? JSON.stringify(points.map((p) => ({ x: roundPct(p.x), y: roundPct(p.y), positive: p.positive })))
        : undefined,
  };
}

export function textForm(video: Blob, prompt: string, filename?: string): FormOf<"/api/text-to-video"> {
  const text = prompt.trim();
  if (!text) throw new Error("Describe what to find first.");
  return { video: named(video, filename), prompt: text };
}

export function removeForm(video: Blob, points: PromptPoint[], frameIdx: number, filename?: string): FormOf<"/api/remove-object"> {
  return trackPointForm(video, points, frameIdx, filename);
}

/** RFC 7240: answer at once with the job (202, `Location: /api/task/{id}`) instead of when it is done;
 * the studio follows the job's progress itself. */
export const RESPOND_ASYNC: Readonly<Record<string, string>> = { Prefer: "respond-async" };

export const api = {
  health: () => call("get", "/api/health"),
  trackPoint: (video: Blob, points: PromptPoint[], frameIdx: number) =>
    call("post", "/api/track-point", { form: trackPointForm(video, points, frameIdx), headers: RESPOND_ASYNC }),
  textToVideo: (video: Blob, prompt: string) =>
    call("post", "/api/text-to-video", { form: textForm(video, prompt), headers: RESPOND_ASYNC }),
  removeObject: (video: Blob, points: PromptPoint[], frameIdx: number) =>
    call("post", "/api/remove-object", { form: removeForm(video, points, frameIdx), headers: RESPOND_ASYNC }),
  task: (taskId: string) => call("get", "/api/task/{task_id}", { params: { task_id: taskId } }),
  cancel: (taskId: string) => call("post", "/api/task/{task_id}/cancel", { params: { task_id: taskId } }),
};

/** Fills in fields a server (or an event) may leave out, so the UI can rely on the task's shape. */
export function normalizeTask(raw: Partial<Task> & { task_id: string }): Task {
  return {
    task_id: raw.task_id,
    kind: raw.kind ?? "",
    status: raw.status ?? "pending",
    steps: Array.isArray(raw.steps) ? raw.steps : [],
    progress: typeof raw.progress === "number" ? raw.progress : 0,
    error: raw.error ?? null,
    error_code: raw.error_code ?? null,
    result: raw.result ?? {},
    notices: Array.isArray(raw.notices) ? raw.notices : [],
    created_at: raw.created_at ?? 0,
    finished_at: raw.finished_at ?? null,
  };
}

/** What a session task POST (propagate, render) answers: 202 with the task, its result once complete. */
export type SessionJobAccepted = ResponseOf<"/api/sessions/{session_id}/propagate", "post">;

/** A task as first known from a workflow's or a session task's POST answer. */
export function taskFromAccepted(accepted: JobAccepted | SessionJobAccepted): Task {
  if ("session_id" in accepted) {
    return normalizeTask({ task_id: accepted.task_id, kind: accepted.kind, status: accepted.status });
  }
  const { task_id, status, progress, processing_steps, notices, error, task_url: _t, events_url: _e, ...rest } = accepted;
  const result: TaskResult = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== null && value !== undefined) result[key] = value;
  }
  return normalizeTask({
    task_id,
    status,
    steps: processing_steps,
    progress,
    error: error ?? null,
    // Result URLs are known up front but 404 until the task completes; keep them aside till then.
    result: status === "complete" ? result : {},
    notices,
  });
}

// The one client for the VTrackAI Studio HTTP API: request building, error parsing, task progress.

export const API_BASE: string = (import.meta.env.VITE_API_URL ?? "").replace(/\/+$/, "");

export type StepStatus = "pending" | "processing" | "complete" | "error" | "cancelled" | "skipped";
export type TaskStatus = "pending" | "processing" | "complete" | "error" | "cancelled";
export type TaskKind = "track" | "text" | "remove";

export interface ProcessingStep {
  id: string;
  label: string;
  status: StepStatus | string;
}

export interface TaskResult {
  masked_video_url?: string | null;
  masks_url?: string | null;
  highlighted_video_url?: string | null;
  audio_url?: string | null;
  stem_video_url?: string | null;
  complement_audio_url?: string | null;
  inpainted_video_url?: string | null;
  ai_response?: string | null;
  [key: string]: unknown;
}

export interface Task {
  task_id: string;
  kind?: string;
  status: TaskStatus;
  steps: ProcessingStep[];
  progress: number;
  error: string | null;
  result: TaskResult;
  notices: string[];
}

/** What the three job endpoints answer right away (the result URLs fill in once complete). */
export interface JobAccepted extends TaskResult {
  task_id: string;
  status?: TaskStatus;
  progress?: number;
  processing_steps?: ProcessingStep[];
  notices?: string[];
}

export interface EngineChoice {
  vision?: string;
  audio?: string;
  inpaint?: string;
}

export interface Health {
  status: string;
  sam3_available?: boolean;
  sam3_setup_valid?: boolean;
  sam3_message?: string;
  demucs_available?: boolean;
  active_tasks?: number;
  device?: string;
  engines?: Record<string, unknown>;
  active?: EngineChoice;
  limits?: {
    max_upload_mb?: number;
    max_duration_s?: number;
    max_width?: number;
    max_height?: number;
    formats?: string[];
  };
}

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

/** An HTTP failure carrying the server's `detail` (already phrased for a person). */
export class ApiError extends Error {
  readonly status: number;
  /** Prompts the server can ground instead (422 "prompt not understood"). */
  readonly suggestions: string[];
  constructor(status: number, message: string, suggestions: string[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.suggestions = suggestions;
  }
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "The server could not use this request.",
  404: "Not found on the server.",
  413: "The video is too large for the server.",
  415: "This file is not a video the server can read.",
  422: "The server did not understand the request.",
  429: "The server is busy. Try again in a moment.",
  503: "The server is busy. Try again in a moment.",
};

/** Turns FastAPI's `{"detail": ...}` (a string, or a list of validation errors) into one sentence. */
export function describeError(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string" && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((d) => {
        const item = d as { msg?: string; loc?: unknown[] };
        const field = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
        return field ? `${field}: ${item.msg ?? "invalid"}` : (item.msg ?? "invalid input");
      })
      .join("; ");
  }
  return FALLBACK_MESSAGES[status] ?? `The server answered ${status}.`;
}

/** An absolute-or-relative URL for a path the API returned (`/uploads/...`) or an endpoint. */
export function apiUrl(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return `${API_BASE}${path.startsWith("/") ? "" : "/"}${path}`;
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { ...init, headers: { Accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError(0, "Cannot reach the VTrackAI server. Is it running?");
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const suggestions = (body as { suggestions?: unknown } | null)?.suggestions;
    throw new ApiError(
      response.status,
      describeError(response.status, body),
      Array.isArray(suggestions) ? suggestions.filter((s): s is string => typeof s === "string") : [],
    );
  }
  return body as T;
}

function formatPct(value: number): string {
  // Two decimals is a hundredth of a percent: finer than a pixel at the API's 854 px limit.
  return (Math.round(value * 100) / 100).toString();
}

export function buildTrackPointForm(video: Blob, points: PromptPoint[], frameIdx: number, filename?: string): FormData {
  const anchor = points.find((p) => p.positive) ?? points[0];
  if (!anchor) throw new Error("At least one point is needed.");
  const form = new FormData();
  form.append("video", video, filename ?? (video as File).name ?? "video.mp4");
  form.append("x", formatPct(anchor.x));
  form.append("y", formatPct(anchor.y));
  form.append("frame_idx", String(Math.max(0, Math.round(frameIdx))));
  // A single positive click needs no list; several (or a negative one) travel as `points`.
  if (points.length > 1 || !anchor.positive) {
    form.append(
      "points",
      JSON.stringify(points.map((p) => ({ x: Number(formatPct(p.x)), y: Number(formatPct(p.y)), positive: p.positive }))),
    );
  }
  return form;
}

export function buildTextForm(video: Blob, prompt: string, filename?: string): FormData {
  const text = prompt.trim();
  if (!text) throw new Error("Describe what to find first.");
  const form = new FormData();
  form.append("video", video, filename ?? (video as File).name ?? "video.mp4");
  form.append("prompt", text);
  return form;
}

export function buildRemoveForm(video: Blob, points: PromptPoint[], frameIdx: number, filename?: string): FormData {
  return buildTrackPointForm(video, points, frameIdx, filename);
}

/** The studio follows its jobs live: the server answers 202 at once with the job handle
 * (RFC 7240) instead of waiting until the job is done, which is its default. */
const RESPOND_ASYNC = { Prefer: "respond-async" };

export const api = {
  health: () => request<Health>("/api/health"),
  trackPoint: (video: Blob, points: PromptPoint[], frameIdx: number) =>
    request<JobAccepted>("/api/track-point", {
      method: "POST",
      headers: RESPOND_ASYNC,
      body: buildTrackPointForm(video, points, frameIdx),
    }),
  textToVideo: (video: Blob, prompt: string) =>
    request<JobAccepted>("/api/text-to-video", { method: "POST", headers: RESPOND_ASYNC, body: buildTextForm(video, prompt) }),
  removeObject: (video: Blob, points: PromptPoint[], frameIdx: number) =>
    request<JobAccepted>("/api/remove-object", {
      method: "POST",
      headers: RESPOND_ASYNC,
      body: buildRemoveForm(video, points, frameIdx),
    }),
  task: (taskId: string) => request<Task>(`/api/task/${encodeURIComponent(taskId)}`),
  cancel: (taskId: string) => request<Task>(`/api/task/${encodeURIComponent(taskId)}/cancel`, { method: "POST" }),
};

/** A task as first known from the job endpoint's immediate answer. */
export function taskFromAccepted(accepted: JobAccepted, kind: TaskKind): Task {
  const { task_id, status, progress, processing_steps, notices, ...rest } = accepted;
  const result: TaskResult = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== null && value !== undefined) result[key] = value;
  }
  return {
    task_id,
    kind,
    status: status ?? "pending",
    steps: processing_steps ?? [],
    progress: progress ?? 0,
    error: null,
    // Result URLs are known up front but 404 until the task completes; keep them aside till then.
    result: status === "complete" ? result : {},
    notices: notices ?? [],
  };
}

/** Fills in fields a server may leave out so the UI can rely on their shapes. */
export function normalizeTask(raw: Partial<Task> & { task_id: string }): Task {
  return {
    task_id: raw.task_id,
    kind: raw.kind,
    status: raw.status ?? "pending",
    steps: Array.isArray(raw.steps) ? raw.steps : [],
    progress: typeof raw.progress === "number" ? raw.progress : 0,
    error: raw.error ?? null,
    result: raw.result ?? {},
    notices: Array.isArray(raw.notices) ? raw.notices : [],
  };
}

export interface WatchOptions {
  onUpdate: (task: Task) => void;
  onError?: (error: ApiError) => void;
  pollMs?: number;
  /** Injected in tests; defaults to the browser's EventSource when there is one. */
  eventSource?: typeof EventSource | null;
}

/**
 * Follows a task until it ends: Server-Sent Events first, polling GET /api/task/{id} when the
 * stream is unavailable or drops. Returns a function that stops watching.
 */
export function watchTask(taskId: string, options: WatchOptions): () => void {
  const { onUpdate, onError, pollMs = 1000 } = options;
  const ES = options.eventSource === undefined ? globalThis.EventSource : options.eventSource;
  let stopped = false;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const deliver = (task: Task) => {
    if (stopped) return;
    onUpdate(task);
    if (isTerminal(task.status)) stop();
  };

  const poll = async () => {
    if (stopped) return;
    try {
      deliver(normalizeTask(await api.task(taskId)));
      failures = 0;
    } catch (err) {
      failures += 1;
      const apiError = err instanceof ApiError ? err : new ApiError(0, String(err));
      // A missing task will not come back; a flaky connection might.
      if (apiError.status === 404 || failures >= 5) {
        onError?.(apiError);
        stop();
        return;
      }
    }
    if (!stopped) timer = setTimeout(poll, pollMs);
  };

  if (ES) {
    try {
      source = new ES(apiUrl(`/api/task/${encodeURIComponent(taskId)}/events`));
      source.onmessage = (event: MessageEvent) => {
        try {
          deliver(normalizeTask(JSON.parse(event.data as string)));
        } catch {
          /* a malformed event is skipped; the next one carries the whole state again */
        }
      };
      source.onerror = () => {
        // The stream ended or never opened: close it (no auto-reconnect) and poll instead.
        source?.close();
        source = null;
        if (!stopped) void poll();
      };
    } catch {
      source = null;
      void poll();
    }
  } else {
    void poll();
  }
  return stop;
}

/** Output files of a result, labelled for people, in a stable order. */
export interface Output {
  key: keyof TaskResult & string;
  label: string;
  kind: "video" | "audio" | "archive";
  url: string;
  filename: string;
}

const OUTPUTS: { key: string; label: string; kind: Output["kind"] }[] = [
  { key: "masked_video_url", label: "Tracked video", kind: "video" },
  { key: "highlighted_video_url", label: "Highlighted video", kind: "video" },
  { key: "inpainted_video_url", label: "Video with object removed", kind: "video" },
  { key: "stem_video_url", label: "Video with isolated audio", kind: "video" },
  { key: "audio_url", label: "Isolated audio", kind: "audio" },
  { key: "complement_audio_url", label: "Everything else (audio)", kind: "audio" },
  { key: "masks_url", label: "Masks (PNG per frame)", kind: "archive" },
];

export function outputsOf(result: TaskResult | undefined): Output[] {
  if (!result) return [];
  const found: Output[] = [];
  for (const { key, label, kind } of OUTPUTS) {
    const value = result[key];
    if (typeof value === "string" && value) {
      const filename = decodeURIComponent(value.split("?")[0].split("/").pop() || key);
      found.push({ key, label, kind, url: apiUrl(value), filename });
    }
  }
  return found;
}

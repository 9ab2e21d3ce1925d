// The session API's shapes (from the generated schema) and the calls the studio makes on a session.
import { apiUrl, call, pathOf, type JsonBodyOf, type ResponseOf } from "./http";
import type { PromptPoint } from "./api";
import type { Rle } from "./rle";

export type SessionInfo = ResponseOf<"/api/sessions", "post">;
export type SessionDetail = ResponseOf<"/api/sessions/{session_id}", "get">;
export type SessionObject = SessionDetail["objects"][number];
export type PromptAnswer = ResponseOf<"/api/sessions/{session_id}/prompts", "post">;
export type SessionTaskAccepted = ResponseOf<"/api/sessions/{session_id}/propagate", "post">;
export type PropagateOptions = NonNullable<JsonBodyOf<"/api/sessions/{session_id}/propagate", "post">>;
export type RenderOptions = NonNullable<JsonBodyOf<"/api/sessions/{session_id}/render", "post">>;
export type Effect = NonNullable<RenderOptions["effect"]>;
export type TextAnswer = ResponseOf<"/api/sessions/{session_id}/text", "post">;
export type FrameMasks = ResponseOf<"/api/sessions/{session_id}/masks", "get">;

/** One frame's masks as a propagation streams them (`event: frame` on the task's events). */
export interface FrameEvent {
  frame_idx: number;
  masks: Record<string, Rle>;
}

/** Two decimals of a percent: finer than a pixel at the API's 854 px working width. */
const roundPct = (value: number) => Math.round(value * 100) / 100;

export const sessionApi = {
  create: (video: Blob) => call("post", "/api/sessions", { form: { video } }),
  get: (sessionId: string) => call("get", "/api/sessions/{session_id}", { params: { session_id: sessionId } }),
  remove: (sessionId: string) => call("delete", "/api/sessions/{session_id}", { params: { session_id: sessionId } }),
  /** The full list of one object's points on one frame (they replace its earlier ones there). */
  prompt: (sessionId: string, objectId: number, frameIdx: number, points: PromptPoint[]) =>
    call("post", "/api/sessions/{session_id}/prompts", {
      params: { session_id: sessionId },
      json: {
        object_id: objectId,
        frame_idx: frameIdx,
        points: points.map((p) => ({ x: roundPct(p.x), y: roundPct(p.y), positive: p.positive })),
      },
    }),
  text: (sessionId: string, prompt: string) =>
    call("post", "/api/sessions/{session_id}/text", { params: { session_id: sessionId }, json: { prompt: prompt.trim() } }),
  propagate: (sessionId: string, options: PropagateOptions = {}) =>
    call("post", "/api/sessions/{session_id}/propagate", { params: { session_id: sessionId }, json: options }),
  render: (sessionId: string, options: RenderOptions) =>
    call("post", "/api/sessions/{session_id}/render", { params: { session_id: sessionId }, json: options }),
  updateObject: (sessionId: string, objectId: number, change: { name?: string; color?: string }) =>
    call("patch", "/api/sessions/{session_id}/objects/{object_id}", {
      params: { session_id: sessionId, object_id: objectId },
      json: change,
    }),
  deleteObject: (sessionId: string, objectId: number) =>
    call("delete", "/api/sessions/{session_id}/objects/{object_id}", { params: { session_id: sessionId, object_id: objectId } }),
  masks: (sessionId: string, frameIdx: number) =>
    call("get", "/api/sessions/{session_id}/masks", { params: { session_id: sessionId }, query: { frame_idx: frameIdx } }),
  /** Frame n as the server decoded it (the picture the masks refer to). */
  frameUrl: (sessionId: string, frameIdx: number) =>
    apiUrl(pathOf("/api/sessions/{session_id}/frames/{frame_idx}", { session_id: sessionId, frame_idx: frameIdx })),
};

// The session's objects as the studio shows them: the server's list plus objects added here that
// have no click yet, each with a colour and a name.
import type { PromptPoint } from "./api";
import type { SessionObject } from "./session-api";

/** Distinct, readable on dark video; the first ones match the server's overlay palette. */
export const OBJECT_COLORS = ["#ff2828", "#28c8ff", "#50ff50", "#ffc800", "#dc50ff", "#ff8c28", "#28ffc8", "#ff50a0"];

/** The API's object ids are 1-255 (the masks zip's pixel values). */
export const MAX_OBJECT_ID = 255;

export interface StudioObject {
  id: number;
  name: string;
  color: string;
  /** Known to the server (it has a prompt); false: added here, waiting for its first click. */
  saved: boolean;
  /** Frames with this object's prompts (clicks, or a text result's mask). */
  promptFrames: number[];
  propagated: boolean;
}

export const defaultColor = (id: number) => OBJECT_COLORS[(id - 1) % OBJECT_COLORS.length];
export const defaultName = (id: number) => `Object ${id}`;

export function fromServer(obj: SessionObject): StudioObject {
  return {
    id: obj.object_id,
    name: obj.name || defaultName(obj.object_id),
    color: obj.color ?? defaultColor(obj.object_id),
    saved: true,
    promptFrames: obj.prompts.map((p) => p.frame_idx),
    propagated: obj.propagated,
  };
}

export function draftObject(id: number): StudioObject {
  return { id, name: defaultName(id), color: defaultColor(id), saved: false, promptFrames: [], propagated: false };
}

/** The lowest id no object has. */
export function nextObjectId(objects: { id: number }[]): number | null {
  const used = new Set(objects.map((o) => o.id));
  for (let id = 1; id <= MAX_OBJECT_ID; id += 1) if (!used.has(id)) return id;
  return null;
}

/** The key of one object's points on one frame. */
export const pointsKey = (objectId: number, frameIdx: number) => `${objectId}:${frameIdx}`;

/** Every object's points per frame, as the server holds them. */
export function pointsFromServer(objects: SessionObject[]): Record<string, PromptPoint[]> {
  const out: Record<string, PromptPoint[]> = {};
  for (const obj of objects) {
    for (const p of obj.prompts) {
      out[pointsKey(obj.object_id, p.frame_idx)] = p.points.map((pt) => ({ x: pt.x, y: pt.y, positive: pt.positive ?? true }));
    }
  }
  return out;
}

// Clicks to the server, one object and frame at a time: each request carries the full list of that
// object's points on that frame; clicks made while one is on its way are sent together after it
// (latest wins), so the mask shown is always the answer to the newest list.
import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from "react";
import type { PromptPoint } from "../lib/api";
import type { MaskCache } from "../lib/mask-cache";
import { pointsKey } from "../lib/objects";
import { sessionApi } from "../lib/session-api";

interface Slot {
  running: boolean;
  next: PromptPoint[] | null;
  /** The last list the server accepted (what a refused one goes back to). */
  accepted: PromptPoint[];
}

export interface PromptSender {
  send: (objectId: number, frameIdx: number, points: PromptPoint[], saved: boolean) => Promise<void>;
  /** Requests on their way. */
  pending: number;
}

export function usePromptSender(
  sessionId: string | null,
  masks: MaskCache,
  setPoints: Dispatch<SetStateAction<Record<string, PromptPoint[]>>>,
  onError: (message: string) => void,
  onSaved: (objectId: number, wasSaved: boolean) => Promise<void> | void,
): PromptSender {
  const slots = useRef(new Map<string, Slot>());
  const [pending, setPending] = useState(0);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  const send = useCallback(
    async (objectId: number, frameIdx: number, points: PromptPoint[], saved: boolean) => {
      if (!sessionId) return onError("The video is still being prepared; click again in a moment.");
      const key = pointsKey(objectId, frameIdx);
      const slot = slots.current.get(key) ?? { running: false, next: null, accepted: [] };
      slots.current.set(key, slot);
      if (slot.running) {
        slot.next = points;
        return;
      }
      slot.running = true;
      setPending((n) => n + 1);
      let list: PromptPoint[] | null = points;
      let known = saved;
      try {
        while (list) {
          try {
            const answer = await sessionApi.prompt(sessionId, objectId, frameIdx, list);
            masks.set(answer.frame_idx, answer.object_id, answer.mask);
            slot.accepted = list;
            await onSavedRef.current(objectId, known);
            known = true;
          } catch (error) {
            onError(error instanceof Error ? error.message : String(error));
            const back = slot.accepted;
            if (!slot.next) setPoints((prev) => ({ ...prev, [key]: back }));
          }
          list = slot.next;
          slot.next = null;
        }
      } finally {
        slot.running = false;
        setPending((n) => n - 1);
      }
    },
    [sessionId, masks, setPoints, onError],
  );
  return { send, pending };
}

// A task's server-sent events (GET /api/task/{id}/events): the whole task JSON on every change, until it
// ends; a session propagation also sends `event: frame` with each frame's masks as it is stored.
import { apiUrl, isTerminal, normalizeTask, type Task } from "./api";
import type { FrameEvent } from "./session-api";

export interface TaskEventHandlers {
  /** Every state the server sends, in order; the last one is terminal. */
  onTask: (task: Task) => void;
  /** The stream could not open, dropped, or the task is gone before it ended: read it another way. */
  onFail: () => void;
  /** A propagated frame's masks (named `frame` events), in the order the tracker made them. */
  onFrame?: (frame: FrameEvent) => void;
}

/** Follows one task's event stream; returns the function that stops following. Never reconnects by itself. */
export function followTaskEvents(
  taskId: string,
  { onTask, onFail, onFrame }: TaskEventHandlers,
  /** Injected in tests; null where the browser has none. */
  EventSourceImpl: typeof EventSource | null = globalThis.EventSource ?? null,
): () => void {
  let source: EventSource | null = null;
  let ended = false;
  const end = (failed: boolean) => {
    if (ended) return;
    ended = true;
    source?.close();
    source = null;
    if (failed) onFail();
  };
  if (!EventSourceImpl) {
    onFail();
    return () => {};
  }
  try {
    source = new EventSourceImpl(apiUrl(`/api/task/${encodeURIComponent(taskId)}/events`));
  } catch {
    onFail();
    return () => {};
  }
  source.onmessage = (event: MessageEvent) => {
    let task: Task;
    try {
      task = normalizeTask(JSON.parse(event.data as string));
    } catch {
      return; // a malformed event is skipped: the next one carries the whole state again
    }
    if (ended) return;
    onTask(task);
    if (isTerminal(task.status)) end(false);
  };
  source.addEventListener("frame", (event: Event) => {
    if (ended || !onFrame) return;
    try {
      const frame = JSON.parse((event as MessageEvent).data as string) as FrameEvent;
      if (Number.isInteger(frame.frame_idx) && frame.masks && typeof frame.masks === "object") onFrame(frame);
    } catch {
      /* a malformed frame is skipped; the masks can be read per frame later */
    }
  });
  source.addEventListener("gone", () => end(true));
  // EventSource would reconnect on its own; a closed or broken stream is handed back instead.
  source.onerror = () => end(true);
  return () => end(false);
}

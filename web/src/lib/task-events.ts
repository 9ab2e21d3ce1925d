// A task's server-sent events (GET /api/task/{id}/events): the whole task JSON on every change, until it ends.
import { apiUrl, isTerminal, normalizeTask, type Task } from "./api";

export interface TaskEventHandlers {
  /** Every state the server sends, in order; the last one is terminal. */
  onTask: (task: Task) => void;
  /** The stream could not open, dropped, or the task is gone before it ended: read it another way. */
  onFail: () => void;
}

/** Follows one task's event stream; returns the function that stops following. Never reconnects by itself. */
export function followTaskEvents(
  taskId: string,
  { onTask, onFail }: TaskEventHandlers,
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
  source.addEventListener("gone", () => end(true));
  // EventSource would reconnect on its own; a closed or broken stream is handed back instead.
  source.onerror = () => end(true);
  return () => end(false);
}

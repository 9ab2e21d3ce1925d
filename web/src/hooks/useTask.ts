// One job's lifecycle: submit, follow its progress (SSE, else polling), cancel.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, isTerminal, normalizeTask, taskFromAccepted, watchTask, type JobAccepted, type Task, type TaskKind } from "../lib/api";

export interface TaskHandle {
  task: Task | null;
  submitting: boolean;
  cancelling: boolean;
  start: (submit: () => Promise<JobAccepted>) => Promise<void>;
  cancel: () => Promise<void>;
  reset: () => void;
}

/** `fromTask` is true when the job itself failed (its panel shows why), false for a refused request. */
export type TaskErrorHandler = (message: string, error?: ApiError, fromTask?: boolean) => void;

export function useTask(kind: TaskKind, onError: TaskErrorHandler): TaskHandle {
  const [task, setTask] = useState<Task | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const stopRef = useRef<(() => void) | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const stopWatching = () => {
    stopRef.current?.();
    stopRef.current = null;
  };

  useEffect(() => stopWatching, []);

  const start = useCallback(
    async (submit: () => Promise<JobAccepted>) => {
      stopWatching();
      setSubmitting(true);
      setTask(null);
      try {
        const accepted = await submit();
        const first = taskFromAccepted(accepted, kind);
        setTask(first);
        if (isTerminal(first.status)) {
          // Synchronous answer (?wait=true style): read the full task once for its result.
          const full = normalizeTask(await api.task(first.task_id));
          setTask(full);
          if (full.status === "error") onErrorRef.current(full.error || "Processing failed.", undefined, true);
          return;
        }
        stopRef.current = watchTask(first.task_id, {
          onUpdate: (t) => {
            setTask(t);
            if (t.status === "error") onErrorRef.current(t.error || "Processing failed.", undefined, true);
          },
          onError: (err) => onErrorRef.current(err.message),
        });
      } catch (err) {
        if (err instanceof ApiError) onErrorRef.current(err.message, err);
        else onErrorRef.current(err instanceof Error ? err.message : String(err));
      } finally {
        setSubmitting(false);
      }
    },
    [kind],
  );

  const cancel = useCallback(async () => {
    if (!task || isTerminal(task.status)) return;
    setCancelling(true);
    try {
      const updated = await api.cancel(task.task_id);
      if (updated?.status) setTask((t) => (t ? { ...t, ...updated, result: updated.result ?? t.result } : t));
      if (updated?.status && isTerminal(updated.status)) stopWatching();
    } catch (err) {
      onErrorRef.current(err instanceof Error ? err.message : String(err));
    } finally {
      setCancelling(false);
    }
  }, [task]);

  // Forgetting a job that still runs (a new video was picked) also stops it on the server, so it
  // does not hold the worker for results nobody can see.
  const taskRef = useRef<Task | null>(null);
  taskRef.current = task;
  const reset = useCallback(() => {
    stopWatching();
    const running = taskRef.current;
    if (running && !isTerminal(running.status)) api.cancel(running.task_id).catch(() => {});
    setTask(null);
  }, []);

  return { task, submitting, cancelling, start, cancel, reset };
}

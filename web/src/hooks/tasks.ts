// A job's lifecycle on TanStack Query: a mutation submits it, a query holds its state, and the job's
// event stream writes each change into that query's cache. The query polls only while the stream is down.
import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  api,
  ApiError,
  isTerminal,
  normalizeTask,
  taskFromAccepted,
  type JobAccepted,
  type SessionJobAccepted,
  type Task,
} from "../lib/api";
import type { FrameEvent } from "../lib/session-api";
import { followTaskEvents } from "../lib/task-events";

/** How often the task is read while its event stream is unavailable. */
export const POLL_MS = 1000;

export const taskKey = (taskId: string) => ["task", taskId] as const;

/** A state never replaces a terminal one (a late answer must not bring an ended job back to life). */
export function putTask(client: QueryClient, task: Task): void {
  client.setQueryData<Task>(taskKey(task.task_id), (prev) =>
    prev && isTerminal(prev.status) && !isTerminal(task.status) ? prev : { ...task, kind: task.kind || (prev?.kind ?? "") },
  );
}

const isGone = (error: unknown) => error instanceof ApiError && error.status === 404;

/** A propagated frame's masks, as its task's event stream delivers them. */
export type FrameHandler = (frame: FrameEvent) => void;

/** One task's state: seeded by whoever submitted it, then kept current by its event stream. */
export function useTask(taskId: string | null, onFrame?: FrameHandler) {
  const client = useQueryClient();
  const [polling, setPolling] = useState<string | null>(null);
  const onFrameRef = useRef(onFrame);
  onFrameRef.current = onFrame;

  useEffect(() => {
    if (!taskId || isTerminal(client.getQueryData<Task>(taskKey(taskId))?.status)) return;
    return followTaskEvents(taskId, {
      onTask: (task) => putTask(client, task),
      onFail: () => setPolling(taskId),
      onFrame: (frame) => onFrameRef.current?.(frame),
    });
  }, [taskId, client]);

  const query = useQuery({
    queryKey: taskKey(taskId ?? ""),
    queryFn: async () => normalizeTask(await api.task(taskId!)),
    enabled: !!taskId,
    // Fresh until the stream says otherwise: no read on mount, none on focus.
    staleTime: Infinity,
    retry: (failures, error) => !isGone(error) && failures < 4,
    refetchInterval: (query) =>
      polling === taskId && !isTerminal(query.state.data?.status) && !isGone(query.state.error) ? POLL_MS : false,
  });

  // The moment the stream fails, read the task once rather than a poll interval later.
  const { refetch } = query;
  useEffect(() => {
    if (taskId && polling === taskId) void refetch();
  }, [taskId, polling, refetch]);
  return query;
}

/** `fromTask` is true when the job itself failed (its panel shows why), false for a refused request. */
export type TaskErrorHandler = (message: string, error?: ApiError, fromTask?: boolean) => void;

export interface WorkflowTask {
  task: Task | null;
  submitting: boolean;
  cancelling: boolean;
  /** Submitting, waiting or running. */
  busy: boolean;
  submit: (send: () => Promise<JobAccepted | SessionJobAccepted>) => void;
  cancel: () => void;
  /** Forgets the job; one still running is cancelled on the server (its results would be unseen). */
  reset: () => void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One workflow's current job: submit, follow, cancel, forget; `onFrame` gets a propagation's frames. */
export function useWorkflowTask(onError: TaskErrorHandler, onFrame?: FrameHandler): WorkflowTask {
  const client = useQueryClient();
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const submission = useMutation({
    mutationFn: (send: () => Promise<JobAccepted | SessionJobAccepted>) => send(),
    onSuccess: (accepted) => {
      const task = taskFromAccepted(accepted);
      putTask(client, task);
      // A job that already ended (a synchronous answer) has its result flattened: read it whole once.
      if (isTerminal(task.status)) void client.invalidateQueries({ queryKey: taskKey(task.task_id) });
    },
    onError: (error) => onErrorRef.current(messageOf(error), error instanceof ApiError ? error : undefined),
  });
  const taskId = submission.data?.task_id ?? null;
  const query = useTask(taskId, onFrame);
  const task = (taskId && query.data) || null;

  const status = task?.status;
  useEffect(() => {
    if (status === "error") onErrorRef.current(task?.error || "Processing failed.", undefined, true);
    // Once per job that fails (keyed by job and status), not on every later render of it.
  }, [taskId, status]);
  useEffect(() => {
    if (query.error) onErrorRef.current(messageOf(query.error));
  }, [query.error]);

  const cancellation = useMutation({
    mutationFn: async (id: string) => normalizeTask(await api.cancel(id)),
    onSuccess: (cancelled) => putTask(client, cancelled),
    onError: (error) => onErrorRef.current(messageOf(error)),
  });

  const taskRef = useRef(task);
  taskRef.current = task;
  const { mutate: requestCancel } = cancellation;
  const cancel = useCallback(() => {
    const running = taskRef.current;
    if (running && !isTerminal(running.status)) requestCancel(running.task_id);
  }, [requestCancel]);

  const { reset: forgetSubmission } = submission;
  const reset = useCallback(() => {
    const running = taskRef.current;
    if (running && !isTerminal(running.status)) api.cancel(running.task_id).catch(() => {});
    if (running) client.removeQueries({ queryKey: taskKey(running.task_id) });
    forgetSubmission();
  }, [client, forgetSubmission]);

  return {
    task,
    submitting: submission.isPending,
    cancelling: cancellation.isPending,
    busy: submission.isPending || (!!task && !isTerminal(task.status)),
    submit: submission.mutate,
    cancel,
    reset,
  };
}

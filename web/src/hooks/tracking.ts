// Track (propagate) and render on a session: each is a task followed over its event stream; a
// propagation's frames go into the mask cache as they arrive. After a correction on one frame only
// that frame's prompts are tracked again (start_frame_idx), so the frames other prompts govern stay.
import { useCallback, useEffect, useRef, useState } from "react";
import type { PromptPoint } from "../lib/api";
import { pointsKey, type StudioObject } from "../lib/objects";
import { sessionApi, type FrameEvent, type PropagateOptions, type RenderOptions } from "../lib/session-api";
import { useWorkflowTask, type TaskErrorHandler } from "./tasks";
import type { StudioSession } from "./session";

/** What a Track press sends: the objects not tracked since their prompts changed, and from where. */
export function propagationPlan(
  objects: StudioObject[],
  points: Record<string, PromptPoint[]>,
  tracked: ReadonlyMap<string, string>,
): PropagateOptions | null {
  const stale = objects.filter((o) => o.saved && !o.propagated);
  if (stale.length === 0) return null;
  const changed = new Set<number>();
  let wholeRun = false;
  for (const obj of stale) {
    const keys = obj.promptFrames.map((f) => [f, pointsKey(obj.id, f)] as const);
    const differs = keys.filter(([, key]) => tracked.get(key) !== JSON.stringify(points[key] ?? []));
    // never tracked, or stale for another reason (a cancelled run): all of its prompts again
    if (!keys.some(([, key]) => tracked.has(key)) || differs.length === 0) wholeRun = true;
    for (const [frame] of differs) changed.add(frame);
  }
  const ids = stale.map((o) => o.id);
  return !wholeRun && changed.size === 1 ? { object_ids: ids, start_frame_idx: [...changed][0] } : { object_ids: ids };
}

export function useTracking(session: StudioSession, onError: TaskErrorHandler) {
  const { masks, sessionId, refresh } = session;
  const onFrame = useCallback((frame: FrameEvent) => masks.setFrame(frame.frame_idx, frame.masks), [masks]);
  const track = useWorkflowTask(onError, onFrame);
  const render = useWorkflowTask(onError);
  // The points of every prompt as last tracked, and those of the run on its way.
  const tracked = useRef(new Map<string, string>());
  const submitted = useRef(new Map<string, string>());
  const [runIds, setRunIds] = useState<number[]>([]);

  const plan = propagationPlan(session.objects, session.points, tracked.current);
  const status = track.task?.status;
  useEffect(() => {
    if (!status || status === "pending" || status === "processing") return;
    if (status === "complete") for (const [key, value] of submitted.current) tracked.current.set(key, value);
    submitted.current.clear();
    void refresh();
  }, [status, refresh]);

  const startTracking = useCallback(() => {
    if (!sessionId || !plan) return;
    submitted.current = new Map(
      session.objects
        .filter((o) => plan.object_ids?.includes(o.id))
        .flatMap((o) => o.promptFrames.map((f) => [pointsKey(o.id, f), JSON.stringify(session.points[pointsKey(o.id, f)] ?? [])] as const)),
    );
    setRunIds(plan.object_ids ?? []);
    track.submit(() => sessionApi.propagate(sessionId, plan));
  }, [sessionId, plan, session.objects, session.points, track]);

  const startRender = useCallback(
    (options: RenderOptions) => {
      if (sessionId) render.submit(() => sessionApi.render(sessionId, options));
    },
    [sessionId, render],
  );

  const { reset: resetTrack } = track;
  const { reset: resetRender } = render;
  const reset = useCallback(() => {
    resetTrack();
    resetRender();
    tracked.current.clear();
    submitted.current.clear();
  }, [resetTrack, resetRender]);

  return { track, render, plan, startTracking, startRender, reset, trackingIds: track.busy ? runIds : [] };
}

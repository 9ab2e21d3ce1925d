import { describe, expect, it, vi } from "vitest";
import { followTaskEvents } from "./task-events";
import type { Task } from "./api";

/** An EventSource that the test drives: open, message, a named event, error. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  listeners: Record<string, ((e?: MessageEvent) => void)[]> = {};
  constructor(public url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, fn: (e?: MessageEvent) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(data: unknown) {
    this.onmessage?.({ data: typeof data === "string" ? data : JSON.stringify(data) } as MessageEvent);
  }
  fire(type: string, data?: unknown) {
    const event = data === undefined ? undefined : ({ data: typeof data === "string" ? data : JSON.stringify(data) } as MessageEvent);
    for (const fn of this.listeners[type] ?? []) fn(event);
  }
}

const ES = FakeEventSource as unknown as typeof EventSource;

function follow(taskId = "abc") {
  FakeEventSource.instances = [];
  const seen: Task[] = [];
  const onFail = vi.fn();
  const stop = followTaskEvents(taskId, { onTask: (t) => seen.push(t), onFail }, ES);
  return { seen, onFail, stop, es: FakeEventSource.instances[0] };
}

describe("followTaskEvents", () => {
  it("delivers every state until a terminal one, then closes the stream", () => {
    const { seen, onFail, es } = follow("a/b");
    expect(es.url).toBe("/api/task/a%2Fb/events");
    es.emit({ task_id: "a/b", status: "processing", progress: 0.5, steps: [], result: {}, notices: [] });
    es.emit("not json");
    es.emit({ task_id: "a/b", status: "complete", progress: 1, steps: [], result: { masked_video_url: "/uploads/a/m.mp4" } });
    es.emit({ task_id: "a/b", status: "complete", progress: 1, steps: [], result: {} });
    expect(seen.map((t) => t.status)).toEqual(["processing", "complete"]);
    expect(seen[1].result.masked_video_url).toBe("/uploads/a/m.mp4");
    expect(seen[1].notices).toEqual([]); // filled in when the server leaves it out
    expect(es.closed).toBe(true);
    es.onerror?.(); // the server closing the finished stream is not a failure
    expect(onFail).not.toHaveBeenCalled();
  });

  it("hands over once when the stream breaks, and does not reconnect", () => {
    const { seen, onFail, es } = follow();
    es.emit({ task_id: "abc", status: "processing", progress: 0.2 });
    es.onerror?.();
    es.onerror?.();
    expect(onFail).toHaveBeenCalledOnce();
    expect(es.closed).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("hands over when the server says the task is gone", () => {
    const { onFail, es } = follow();
    es.fire("gone");
    expect(onFail).toHaveBeenCalledOnce();
    expect(es.closed).toBe(true);
  });

  it("stops quietly when asked", () => {
    const { seen, onFail, es, stop } = follow();
    stop();
    es.emit({ task_id: "abc", status: "processing" });
    es.onerror?.();
    expect(es.closed).toBe(true);
    expect(seen).toEqual([]);
    expect(onFail).not.toHaveBeenCalled();
  });

  it("delivers a propagation's frames (named events) beside the task states", () => {
    FakeEventSource.instances = [];
    const frames: number[] = [];
    const seen: string[] = [];
    followTaskEvents("p1", { onTask: (t) => seen.push(t.status), onFail: vi.fn(), onFrame: (f) => frames.push(f.frame_idx) }, ES);
    const es = FakeEventSource.instances[0];
    es.emit({ task_id: "p1", status: "processing" });
    es.fire("frame", { frame_idx: 3, masks: { "1": { size: [2, 2], counts: "4" } } });
    es.fire("frame", "not json");
    es.fire("frame", { frame_idx: "x", masks: {} });
    es.fire("frame", { frame_idx: 4, masks: {} });
    es.emit({ task_id: "p1", status: "complete" });
    es.fire("frame", { frame_idx: 5, masks: {} }); // after the end: not delivered
    expect(frames).toEqual([3, 4]);
    expect(seen).toEqual(["processing", "complete"]);
  });

  it("hands over at once where there is no EventSource", () => {
    const onFail = vi.fn();
    followTaskEvents("abc", { onTask: () => {}, onFail }, null);
    expect(onFail).toHaveBeenCalledOnce();
  });
});

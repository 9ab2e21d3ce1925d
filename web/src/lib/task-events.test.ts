import { describe, expect, it, vi } from "vitest";
import { followTaskEvents } from "./task-events";
import type { Task } from "./api";

/** An EventSource that the test drives: open, message, a named event, error. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  listeners: Record<string, (() => void)[]> = {};
  constructor(public url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, fn: () => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(data: unknown) {
    this.onmessage?.({ data: typeof data === "string" ? data : JSON.stringify(data) } as MessageEvent);
  }
  fire(type: string) {
    for (const fn of this.listeners[type] ?? []) fn();
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

  it("hands over at once where there is no EventSource", () => {
    const onFail = vi.fn();
    followTaskEvents("abc", { onTask: () => {}, onFail }, null);
    expect(onFail).toHaveBeenCalledOnce();
  });
});

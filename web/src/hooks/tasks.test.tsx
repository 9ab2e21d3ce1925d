// The job lifecycle on TanStack Query against a stubbed server and a driven event stream.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { taskKey, useWorkflowTask, type TaskErrorHandler } from "./tasks";
import { api, type Task } from "../lib/api";
import { trackAccepted } from "../test/fixtures";

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(public url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener() {}
  close() {
    this.closed = true;
  }
  emit(task: Partial<Task>) {
    act(() => this.onmessage?.({ data: JSON.stringify({ task_id: "t1", steps: [], result: {}, notices: [], ...task }) } as MessageEvent));
  }
}

const video = new File([new Uint8Array(8)], "clip.mp4", { type: "video/mp4" });
const accepted = trackAccepted({ processing_steps: [{ id: "track", label: "Tracking", status: "pending" }] });

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

let client: QueryClient;
let answers: Record<string, () => Response>;
let requests: string[];

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal("EventSource", FakeEventSource);
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  requests = [];
  answers = { "POST /api/track-point": () => json(accepted, 202) };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const key = `${init?.method ?? "GET"} ${url}`;
      requests.push(key);
      return answers[key]?.() ?? json({ detail: "not stubbed" }, 404);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  client.clear();
});

function renderWorkflow(onError: TaskErrorHandler = vi.fn()) {
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(() => useWorkflowTask(onError), { wrapper });
}

function submit(result: ReturnType<typeof renderWorkflow>["result"]) {
  act(() => result.current.submit(() => api.trackPoint(video, [{ x: 50, y: 50, positive: true }], 0)));
}

describe("useWorkflowTask", () => {
  it("writes the event stream into the task query and never polls while it flows", async () => {
    const { result } = renderWorkflow();
    submit(result);
    await waitFor(() => expect(result.current.task?.status).toBe("pending"));
    expect(result.current.busy).toBe(true);
    expect(result.current.task?.result).toEqual({}); // URLs 404 until the job completes
    const es = FakeEventSource.instances[0];
    expect(es.url).toBe("/api/task/t1/events");

    es.emit({ status: "processing", progress: 0.5 });
    await waitFor(() => expect(result.current.task?.progress).toBe(0.5));
    expect(client.getQueryData<Task>(taskKey("t1"))?.status).toBe("processing");
    es.emit({ status: "complete", progress: 1, result: { masked_video_url: "/uploads/t1/masked_video.mp4" } });
    await waitFor(() => expect(result.current.task?.result.masked_video_url).toBe("/uploads/t1/masked_video.mp4"));
    expect(result.current.busy).toBe(false);
    expect(es.closed).toBe(true);
    expect(requests).toEqual(["POST /api/track-point"]);
  });

  it("polls the task query only after the stream fails, until the task ends", async () => {
    const states = ["processing", "complete"];
    answers["GET /api/task/t1"] = () => json({ task_id: "t1", status: states.length > 1 ? states.shift() : states[0], progress: 0.5, steps: [], result: {}, notices: [] });
    const { result } = renderWorkflow();
    submit(result);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => FakeEventSource.instances[0].onerror?.());
    await waitFor(() => expect(result.current.task?.status).toBe("processing"));
    await waitFor(() => expect(result.current.task?.status).toBe("complete"), { timeout: 3000 });
    const polls = requests.filter((r) => r === "GET /api/task/t1").length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(requests.filter((r) => r === "GET /api/task/t1").length).toBe(polls); // stopped at the end
    expect(FakeEventSource.instances).toHaveLength(1); // no reconnect of its own
  });

  it("keeps a cancelled state that arrived before the cancel request's answer", async () => {
    let release: () => void = () => {};
    answers["POST /api/task/t1/cancel"] = () => json({ task_id: "t1", status: "processing", progress: 0.4, steps: [], result: {}, notices: [] });
    const { result } = renderWorkflow();
    submit(result);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const gate = new Promise<void>((r) => (release = r));
    const original = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (url, init) => {
      if (String(url).endsWith("/cancel")) await gate;
      return original(url as string, init);
    });
    act(() => result.current.cancel());
    await waitFor(() => expect(result.current.cancelling).toBe(true));
    FakeEventSource.instances[0].emit({ status: "cancelled", error: "Cancelled." });
    act(() => release());
    await waitFor(() => expect(result.current.cancelling).toBe(false));
    expect(result.current.task?.status).toBe("cancelled");
  });

  it("reads a job that was already done when the POST answered (the seed's synchronous shape) once, with no stream", async () => {
    answers["POST /api/track-point"] = () =>
      json({ ...accepted, status: "complete", progress: 1, processing_steps: [{ id: "track", label: "Tracking", status: "complete" }] });
    answers["GET /api/task/t1"] = () =>
      json({ task_id: "t1", status: "complete", progress: 1, steps: [], result: { masked_video_url: "/uploads/t1/masked_video.mp4" }, notices: [] });
    const { result } = renderWorkflow();
    submit(result);
    await waitFor(() => expect(requests).toContain("GET /api/task/t1"));
    await waitFor(() => expect(result.current.task?.result.masked_video_url).toBe("/uploads/t1/masked_video.mp4"));
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it("reports a failed job once and a refused request with the server's message", async () => {
    const onError = vi.fn();
    const { result } = renderWorkflow(onError);
    submit(result);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.instances[0].emit({ status: "error", error: "The object left the frame." });
    await waitFor(() => expect(result.current.task?.status).toBe("error"));
    await new Promise((r) => setTimeout(r, 50)); // later renders of the same failed job say nothing more
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenLastCalledWith("The object left the frame.", undefined, true);

    answers["POST /api/track-point"] = () => json({ detail: "The video is 14.0 s long; the limit is 10 s." }, 400);
    submit(result);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(2));
    expect(onError.mock.calls[1][0]).toBe("The video is 14.0 s long; the limit is 10 s.");
    expect(result.current.task).toBeNull();
  });

  it("forgets the job on reset and stops it on the server when it still runs", async () => {
    answers["POST /api/task/t1/cancel"] = () => json({ task_id: "t1", status: "cancelled", progress: 0, steps: [], result: {}, notices: [] });
    const { result } = renderWorkflow();
    submit(result);
    await waitFor(() => expect(result.current.task?.status).toBe("pending"));
    act(() => result.current.reset());
    await waitFor(() => expect(result.current.task).toBeNull());
    expect(FakeEventSource.instances[0].closed).toBe(true);
    await waitFor(() => expect(requests).toContain("POST /api/task/t1/cancel"));
    expect(client.getQueryData(taskKey("t1"))).toBeUndefined();
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  api,
  buildTextForm,
  buildTrackPointForm,
  describeError,
  outputsOf,
  request,
  taskFromAccepted,
  watchTask,
  type Task,
} from "./api";

const video = new File([new Uint8Array([0, 0, 0, 24])], "clip.mp4", { type: "video/mp4" });

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("request building", () => {
  it("sends one positive click as x/y/frame_idx without a points list", () => {
    const form = buildTrackPointForm(video, [{ x: 12.3456, y: 78.9, positive: true }], 7.4);
    expect(form.get("x")).toBe("12.35");
    expect(form.get("y")).toBe("78.9");
    expect(form.get("frame_idx")).toBe("7");
    expect(form.has("points")).toBe(false);
    expect((form.get("video") as File).name).toBe("clip.mp4");
  });

  it("sends several points, negatives included, as a JSON list anchored on the first positive", () => {
    const form = buildTrackPointForm(
      video,
      [
        { x: 10, y: 20, positive: false },
        { x: 50, y: 50, positive: true },
        { x: 60, y: 55, positive: true },
      ],
      0,
    );
    expect(form.get("x")).toBe("50");
    expect(form.get("y")).toBe("50");
    expect(JSON.parse(form.get("points") as string)).toEqual([
      { x: 10, y: 20, positive: false },
      { x: 50, y: 50, positive: true },
      { x: 60, y: 55, positive: true },
    ]);
  });

  it("refuses an empty point list and an empty prompt", () => {
    expect(() => buildTrackPointForm(video, [], 0)).toThrow();
    expect(() => buildTextForm(video, "   ")).toThrow();
    expect(buildTextForm(video, "  isolate drums ").get("prompt")).toBe("isolate drums");
  });

  it("posts multipart to the right endpoints", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
      jsonResponse(200, { task_id: "t1", status: "pending", progress: 0, processing_steps: [] }),
    );
    vi.stubGlobal("fetch", fetchMock);
    await api.trackPoint(video, [{ x: 1, y: 2, positive: true }], 3);
    await api.textToVideo(video, "person");
    await api.removeObject(video, [{ x: 1, y: 2, positive: true }], 0);
    await api.cancel("t/1");
    const calls = fetchMock.mock.calls.map(([url, init]) => [url, init?.method, init?.body instanceof FormData]);
    expect(calls).toEqual([
      ["/api/track-point", "POST", true],
      ["/api/text-to-video", "POST", true],
      ["/api/remove-object", "POST", true],
      ["/api/task/t%2F1/cancel", "POST", false],
    ]);
    // The studio follows its jobs live, so it asks for the job handle instead of the result.
    const prefer = fetchMock.mock.calls.map(([, init]) => (init?.headers as Record<string, string>)?.Prefer);
    expect(prefer).toEqual(["respond-async", "respond-async", "respond-async", undefined]);
  });
});

describe("error parsing", () => {
  it("uses the server's detail string", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(413, { detail: "The video is 140 MB; the limit is 100 MB." })));
    const err = await request("/api/track-point", { method: "POST" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(413);
    expect((err as ApiError).message).toBe("The video is 140 MB; the limit is 100 MB.");
  });

  it("keeps the prompts the server suggests instead", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => jsonResponse(422, { detail: "I can't find “a unicorn”.", suggestions: ["person", "drums"] })),
    );
    const err = (await api.textToVideo(video, "a unicorn").catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.message).toBe("I can't find “a unicorn”.");
    expect(err.suggestions).toEqual(["person", "drums"]);
  });

  it("joins FastAPI validation errors", () => {
    const msg = describeError(422, {
      detail: [
        { loc: ["body", "x"], msg: "Input should be a valid number" },
        { loc: ["body", "video"], msg: "Field required" },
      ],
    });
    expect(msg).toBe("x: Input should be a valid number; video: Field required");
  });

  it("falls back to a sentence when the body is not JSON", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 503 })));
    await expect(request("/api/health")).rejects.toThrow("The server is busy. Try again in a moment.");
    expect(describeError(418, null)).toBe("The server answered 418.");
  });

  it("reports an unreachable server", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    await expect(request("/api/health")).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/Cannot reach/) });
  });
});

describe("tasks", () => {
  it("keeps result URLs aside until the task completes", () => {
    const t = taskFromAccepted(
      {
        task_id: "a",
        status: "pending",
        progress: 0,
        masked_video_url: "/uploads/a/masked_video.mp4",
        processing_steps: [{ id: "track", label: "Tracking", status: "pending" }],
        notices: ["Downscaled to 854x480"],
      },
      "track",
    );
    expect(t.result).toEqual({});
    expect(t.steps).toHaveLength(1);
    expect(t.notices).toEqual(["Downscaled to 854x480"]);
  });

  it("follows server-sent events until a terminal status, then closes the stream", () => {
    const instances: FakeEventSource[] = [];
    class FakeEventSource {
      onmessage: ((e: MessageEvent) => void) | null = null;
      onerror: (() => void) | null = null;
      closed = false;
      constructor(public url: string) {
        instances.push(this);
      }
      close() {
        this.closed = true;
      }
      emit(data: unknown) {
        this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
      }
    }
    const seen: Task[] = [];
    watchTask("abc", { onUpdate: (t) => seen.push(t), eventSource: FakeEventSource as unknown as typeof EventSource });
    const es = instances[0];
    expect(es.url).toBe("/api/task/abc/events");
    es.emit({ task_id: "abc", status: "processing", progress: 0.5, steps: [], result: {}, notices: [] });
    es.emit({ task_id: "abc", status: "complete", progress: 1, steps: [], result: { masked_video_url: "/uploads/abc/m.mp4" } });
    es.emit({ task_id: "abc", status: "complete", progress: 1, steps: [], result: {} });
    expect(seen.map((t) => t.status)).toEqual(["processing", "complete"]);
    expect(seen[1].result.masked_video_url).toBe("/uploads/abc/m.mp4");
    expect(es.closed).toBe(true);
  });

  it("falls back to polling when the event stream fails", async () => {
    vi.useFakeTimers();
    const statuses = ["processing", "complete"];
    const fetchMock = vi.fn(async (_url: string) =>
      jsonResponse(200, { task_id: "p", status: statuses.shift(), progress: 0.5, steps: [], result: {}, notices: [] }),
    );
    vi.stubGlobal("fetch", fetchMock);
    let es: { onerror: (() => void) | null; close: () => void } | null = null;
    class FailingEventSource {
      onmessage = null;
      onerror: (() => void) | null = null;
      constructor() {
        es = this;
      }
      close() {}
    }
    const seen: string[] = [];
    watchTask("p", { onUpdate: (t) => seen.push(t.status), eventSource: FailingEventSource as unknown as typeof EventSource });
    es!.onerror!();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(["processing"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(["processing", "complete"]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchMock).toHaveBeenCalledTimes(2); // stopped after the terminal status
    expect(fetchMock.mock.calls[0][0]).toBe("/api/task/p");
  });

  it("polls when there is no EventSource at all and reports a vanished task", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(404, { detail: "No such task." })));
    const onError = vi.fn();
    watchTask("gone", { onUpdate: () => {}, onError, eventSource: null });
    await vi.waitFor(() => expect(onError).toHaveBeenCalled());
    expect(onError.mock.calls[0][0].message).toBe("No such task.");
  });
});

describe("outputsOf", () => {
  it("lists every output present, labelled, with a download filename", () => {
    const outputs = outputsOf({
      highlighted_video_url: "/uploads/t/highlighted_video.mp4",
      audio_url: "/uploads/t/drums.wav",
      complement_audio_url: "/uploads/t/no_drums.wav",
      masks_url: null,
      ai_response: "Drums isolated",
    });
    expect(outputs.map((o) => [o.key, o.url, o.filename])).toEqual([
      ["highlighted_video_url", "/uploads/t/highlighted_video.mp4", "highlighted_video.mp4"],
      ["audio_url", "/uploads/t/drums.wav", "drums.wav"],
      ["complement_audio_url", "/uploads/t/no_drums.wav", "no_drums.wav"],
    ]);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, describeError, request, taskFromAccepted, textForm, trackPointForm } from "./api";
import { toFormData } from "./http";
import { outputsOf } from "./outputs";
import { RESULT_FILES } from "./api-schema";
import { trackAccepted } from "../test/fixtures";

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
    const form = toFormData(trackPointForm(video, [{ x: 12.3456, y: 78.9, positive: true }], 7.4));
    expect(form.get("x")).toBe("12.35");
    expect(form.get("y")).toBe("78.9");
    expect(form.get("frame_idx")).toBe("7");
    expect(form.has("points")).toBe(false);
    expect((form.get("video") as File).name).toBe("clip.mp4");
  });

  it("sends several points, negatives included, as a JSON list anchored on the first positive", () => {
    const form = toFormData(
      trackPointForm(
        video,
        [
          { x: 10, y: 20, positive: false },
          { x: 50, y: 50, positive: true },
          { x: 60, y: 55, positive: true },
        ],
        0,
      ),
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
    expect(() => trackPointForm(video, [], 0)).toThrow();
    expect(() => textForm(video, "   ")).toThrow();
    expect(textForm(video, "  isolate drums ").prompt).toBe("isolate drums");
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
    const calls = fetchMock.mock.calls.map(([url, init]) => [
      url,
      init?.method,
      init?.body instanceof FormData,
      (init?.headers as Record<string, string> | undefined)?.Prefer ?? null,
    ]);
    // The studio asks for the job handle (RFC 7240) and follows the job; cancel needs no preference.
    expect(calls).toEqual([
      ["/api/track-point", "POST", true, "respond-async"],
      ["/api/text-to-video", "POST", true, "respond-async"],
      ["/api/remove-object", "POST", true, "respond-async"],
      ["/api/task/t%2F1/cancel", "POST", false, null],
    ]);
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
      trackAccepted({
        task_id: "a",
        processing_steps: [{ id: "track", label: "Tracking", status: "pending" }],
        notices: ["Downscaled to 854x480"],
      }),
    );
    expect(t.result).toEqual({});
    expect(t.steps).toHaveLength(1);
    expect(t.notices).toEqual(["Downscaled to 854x480"]);
  });

  it("takes a finished job's result from the POST's top level (the synchronous answer)", () => {
    const t = taskFromAccepted(trackAccepted({ status: "complete", progress: 1, frame_count: 48, masks_url: null }));
    expect(t.status).toBe("complete");
    expect(t.result).toEqual({ masked_video_url: "/uploads/t1/masked_video.mp4", frame_count: 48 });
  });
});

describe("outputsOf", () => {
  it("lists every output present, labelled by the schema, videos first, with a download filename", () => {
    const outputs = outputsOf({
      masks_url: "/uploads/t/masks.zip",
      highlighted_video_url: "/uploads/t/highlighted_video.mp4",
      audio_url: "/uploads/t/drums.wav",
      stem_video_url: "/uploads/t/stem_video.mp4",
      complement_audio_url: "/uploads/t/no_drums.wav",
      inpainted_video_url: null,
      ai_response: "Drums isolated",
    });
    expect(outputs.map((o) => [o.key, o.kind, o.url, o.filename])).toEqual([
      ["highlighted_video_url", "video", "/uploads/t/highlighted_video.mp4", "highlighted_video.mp4"],
      ["stem_video_url", "video", "/uploads/t/stem_video.mp4", "stem_video.mp4"],
      ["audio_url", "audio", "/uploads/t/drums.wav", "drums.wav"],
      ["complement_audio_url", "audio", "/uploads/t/no_drums.wav", "no_drums.wav"],
      ["masks_url", "archive", "/uploads/t/masks.zip", "masks.zip"],
    ]);
    // The labels are the schema's descriptions of the result fields (generated, not repeated here).
    expect(outputs.map((o) => o.label)).toEqual(
      outputs.map((o) => RESULT_FILES.find((f) => f.key === o.key)?.label),
    );
    expect(outputs[0].label).toBe("Highlighted video");
  });
});

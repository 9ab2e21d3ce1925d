import { afterEach, describe, expect, it, vi } from "vitest";
import { call, pathOf, toFormData } from "./http";

afterEach(() => vi.unstubAllGlobals());

describe("typed calls", () => {
  it("fills path parameters, URL-encoded", () => {
    expect(pathOf("/api/task/{task_id}/cancel", { task_id: "a/b c" })).toBe("/api/task/a%2Fb%20c/cancel");
  });

  it("sends the method, the path and a multipart form built from the typed fields", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response("{}", { status: 202 }));
    vi.stubGlobal("fetch", fetchMock);
    const video = new File([new Uint8Array(4)], "clip.mp4", { type: "video/mp4" });
    await call("post", "/api/text-to-video", { form: { video, prompt: "drums" }, headers: { Prefer: "respond-async" } });
    await call("get", "/api/task/{task_id}", { params: { task_id: "t1" } });
    const [[url, init], [taskUrl, taskInit]] = fetchMock.mock.calls;
    expect([url, init?.method, taskUrl, taskInit?.method]).toEqual(["/api/text-to-video", "POST", "/api/task/t1", "GET"]);
    const form = init?.body as FormData;
    expect((form.get("video") as File).name).toBe("clip.mp4");
    expect(form.get("prompt")).toBe("drums");
    expect((init?.headers as Record<string, string>).Prefer).toBe("respond-async");
  });

  it("leaves absent fields out of a form and writes numbers as text", () => {
    const form = toFormData({ x: 12.5, frame_idx: 0, points: undefined, prompt: null });
    expect([...form.keys()]).toEqual(["x", "frame_idx"]);
    expect(form.get("frame_idx")).toBe("0");
  });

  it("knows the schema's paths, methods and parameters (checked by the type checker)", () => {
    const never = (): void => {
      // @ts-expect-error: the schema has no such path
      void call("get", "/api/nope");
      // @ts-expect-error: track-point answers POST only
      void call("get", "/api/track-point");
      // @ts-expect-error: task_id is a required path parameter
      void call("get", "/api/task/{task_id}", { params: { id: "t1" } });
      // @ts-expect-error: a path with parameters needs them
      void call("post", "/api/task/{task_id}/cancel");
      // @ts-expect-error: the text workflow's form has no x
      void call("post", "/api/text-to-video", { form: { video: new Blob(), prompt: "p", x: 1 } });
    };
    expect(typeof never).toBe("function");
  });
});

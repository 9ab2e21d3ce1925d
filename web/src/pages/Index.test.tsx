// The whole page against a stubbed session API: upload → session → click → its mask at once →
// Track (frames stream into the timeline) → export → result and downloads.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../App";

const health = {
  status: "healthy",
  device: "cpu",
  active: { vision: "embedded", audio: "embedded", inpaint: "embedded" },
  limits: { max_upload_mb: 100, max_duration_s: 10, max_width: 854, max_height: 480, formats: ["mp4"] },
};

const FRAMES = 4;
const info = {
  session_id: "s1",
  status: "ready",
  frame_count: FRAMES,
  fps: 24,
  width: 320,
  height: 240,
  duration_s: FRAMES / 24,
  has_audio: true,
  filename: "clip.mp4",
  notices: [],
  created_at: 0,
  expires_at: 86400,
};
// A 160x120 rectangle in the 320x240 frame (pycocotools' compressed counts).
const RECT = {
  size: [240, 320],
  counts: "lib0h3h3" + "0".repeat(317) + "Tfb0",
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

interface Server {
  prompts: { object_id: number; frame_idx: number; points: { x: number; y: number; positive: boolean }[] }[];
  propagated: boolean;
  tasks: Record<string, unknown[]>;
  calls: { method: string; url: string; body?: unknown }[];
}
let server: Server;

const task = (id: string, status: string, result: Record<string, unknown> = {}) => ({
  task_id: id,
  kind: id === "t1" ? "session_propagate" : "session_render",
  status,
  progress: status === "complete" ? 1 : 0.5,
  steps: [{ id: "track", label: "Tracking the objects", status }],
  error: null,
  result,
  notices: [],
});

function detail() {
  const objects = server.prompts.length
    ? [{ object_id: 1, name: "Object 1", color: "#ff2828", prompts: server.prompts.map((p) => ({ frame_idx: p.frame_idx, points: p.points, box: null, corrects: false })), propagated: server.propagated, propagating: false }]
    : [];
  return { ...info, objects, tasks: [] };
}

function respond(method: string, url: string, body: unknown): Response {
  const accepted = (id: string) => json({ task_id: id, session_id: "s1", kind: task(id, "pending").kind, status: "pending", task_url: `/api/task/${id}`, events_url: `/api/task/${id}/events` }, 202);
  if (url === "/api/health") return json(health);
  if (url === "/api/sessions" && method === "POST") return json(info, 201);
  if (url === "/api/sessions/s1" && method === "GET") return json(detail());
  if (url === "/api/sessions/s1/prompts") {
    const prompt = body as Server["prompts"][number];
    server.prompts = [prompt];
    server.propagated = false;
    return json({ object_id: prompt.object_id, frame_idx: prompt.frame_idx, mask: RECT, area: 160 * 120, corrects: false });
  }
  if (url.startsWith("/api/sessions/s1/objects/")) return json(detail().objects[0] ?? {});
  if (url === "/api/sessions/s1/propagate") return accepted("t1");
  if (url === "/api/sessions/s1/render") return accepted("t2");
  const polled = /^\/api\/task\/(t\d)$/.exec(url);
  if (polled) {
    const states = server.tasks[polled[1]];
    const state = states.length > 1 ? states.shift() : states[0];
    if ((state as { status: string }).status === "complete" && polled[1] === "t1") server.propagated = true;
    return json(state);
  }
  if (url === "/api/task/t1/cancel") {
    server.tasks.t1 = [task("t1", "cancelled")];
    return json(server.tasks.t1[0]);
  }
  if (method === "DELETE") return new Response(null, { status: 204 });
  return json({ detail: "not stubbed" }, 404);
}

beforeEach(() => {
  server = { prompts: [], propagated: false, tasks: {}, calls: [] };
  vi.stubGlobal("EventSource", undefined); // exercise the polling path
  URL.createObjectURL = vi.fn(() => "blob:clip");
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(() => {});
  // jsdom has no 2D canvas: the overlay and timeline paint nothing (their data says what is known)
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => null);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
      server.calls.push({ method, url, body });
      return respond(method, url, body);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function uploadAndClick() {
  render(<App />);
  await screen.findByText(/Server ready/);
  const clip = new File([new Uint8Array(64)], "clip.mp4", { type: "video/mp4" });
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [clip] } });
  const video = (await screen.findByTestId("source-video")) as HTMLVideoElement;
  Object.defineProperty(video, "videoWidth", { value: 320 });
  Object.defineProperty(video, "videoHeight", { value: 240 });
  Object.defineProperty(video, "duration", { value: FRAMES / 24 });
  video.getBoundingClientRect = () => ({ left: 0, top: 0, width: 640, height: 360, right: 640, bottom: 360, x: 0, y: 0, toJSON() {} });
  fireEvent.loadedMetadata(video);
  await waitFor(() => expect(server.calls.some((c) => c.url === "/api/sessions" && c.method === "POST")).toBe(true));
  await waitFor(() => expect(screen.getByTestId("session-status").dataset.ready).toBe("true"));
  // The picture spans x = 80..560: a click at (200, 90) is 25 % / 25 % of the frame.
  fireEvent.click(screen.getByTestId("click-target"), { clientX: 200, clientY: 90 });
  await waitFor(() => expect(within(screen.getByTestId("object-row")).getByTestId("object-status").textContent).toBe("not tracked yet"));
}

const timelineRow = () => screen.getByTestId("timeline-row");

describe("the studio page", () => {
  it("shows a click's mask at once, tracks, exports and offers the results", async () => {
    server.tasks.t1 = [task("t1", "processing"), task("t1", "complete", { session_id: "s1", object_ids: [1], frames_tracked: FRAMES, frame_count: FRAMES })];
    server.tasks.t2 = [task("t2", "processing"), task("t2", "complete", { video_url: "/uploads/t2/overlay.mp4", masks_url: "/uploads/t2/masks.zip" })];
    await uploadAndClick();
    const prompt = server.calls.find((c) => c.url === "/api/sessions/s1/prompts");
    expect(prompt?.body).toEqual({ object_id: 1, frame_idx: 0, points: [{ x: 25, y: 25, positive: true }] });
    // the answer's mask is in the cache: the timeline knows frame 0, and the object is on it
    await waitFor(() => expect(timelineRow().dataset.known).toBe("1"));
    expect(timelineRow().dataset.visible).toBe("1");

    fireEvent.click(screen.getByTestId("track-button"));
    await waitFor(() => expect(within(screen.getByTestId("object-row")).getByTestId("object-status").textContent).toBe("tracked"), { timeout: 4000 });
    expect(server.calls.find((c) => c.url === "/api/sessions/s1/propagate")?.body).toEqual({ object_ids: [1] });

    const renderButton = screen.getByRole("button", { name: "Render video" }) as HTMLButtonElement;
    await waitFor(() => expect(renderButton.disabled).toBe(false));
    fireEvent.click(renderButton);
    const result = await screen.findByTestId("result", {}, { timeout: 4000 });
    expect(server.calls.find((c) => c.url === "/api/sessions/s1/render")?.body).toMatchObject({ effect: "overlay", audio: "original", object_ids: [1] });
    expect((within(result).getByTestId("result-video") as HTMLVideoElement).getAttribute("src")).toBe("/uploads/t2/overlay.mp4");
    const links = within(screen.getByTestId("download-panel")).getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/uploads/t2/overlay.mp4", "/uploads/t2/masks.zip"]);
  });

  it("cancels a running track", async () => {
    server.tasks.t1 = [task("t1", "processing")];
    await uploadAndClick();
    fireEvent.click(screen.getByTestId("track-button"));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.getByTestId("processing-status").getAttribute("data-status")).toBe("cancelled"));
    expect(server.calls.some((c) => c.url === "/api/task/t1/cancel" && c.method === "POST")).toBe(true);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  });

  it("deletes the old session when another video is picked", async () => {
    await uploadAndClick();
    const other = new File([new Uint8Array(64)], "other.mp4", { type: "video/mp4" });
    fireEvent.change(screen.getByTestId("file-input"), { target: { files: [other] } });
    await waitFor(() => expect(server.calls.some((c) => c.url === "/api/sessions/s1" && c.method === "DELETE")).toBe(true));
    expect(screen.getByTestId("points-summary").textContent).toMatch(/Pause on a frame/);
  });

  it("shows the server's refusal as a toast and takes the refused point back", async () => {
    await uploadAndClick();
    vi.mocked(fetch).mockImplementationOnce(async () => json({ detail: "Click coordinates must lie inside the frame." }, 400));
    fireEvent.click(screen.getByTestId("click-target"), { clientX: 400, clientY: 200 });
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("Click coordinates must lie inside the frame.");
    // Announced: sonner's list sits in a polite live region.
    expect(toast.closest("[aria-live]")?.getAttribute("aria-live")).toBe("polite");
    await waitFor(() => expect(screen.getByTestId("points-summary").textContent).toMatch(/^1 object point on frame 0/));
  });
});

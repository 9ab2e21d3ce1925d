// The whole page against a stubbed API: upload → click → job → live steps → result and downloads.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../App";

const health = {
  status: "healthy",
  device: "cpu",
  active: { vision: "embedded", audio: "embedded", inpaint: "embedded" },
  limits: { max_upload_mb: 100, max_duration_s: 10, max_width: 854, max_height: 480, formats: ["mp4"] },
};

const steps = (statuses: string[]) =>
  ["Point segmentation", "Tracking across frames", "Generating mask overlay"].map((label, i) => ({
    id: `s${i}`,
    label,
    status: statuses[i],
  }));

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

let taskStates: unknown[];
let posted: { url: string; fields: Record<string, string> }[];

beforeEach(() => {
  posted = [];
  vi.stubGlobal("EventSource", undefined); // exercise the polling path
  URL.createObjectURL = vi.fn(() => "blob:clip");
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(() => {});
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.body instanceof FormData) {
        const fields: Record<string, string> = {};
        init.body.forEach((v, k) => (fields[k] = typeof v === "string" ? v : "<file>"));
        posted.push({ url, fields });
      }
      if (url === "/api/health") return json(health);
      if (url === "/api/track-point")
        return json({
          task_id: "t1",
          status: "pending",
          progress: 0,
          masked_video_url: "/uploads/t1/masked_video.mp4",
          masks_url: "/uploads/t1/masks.zip",
          processing_steps: steps(["pending", "pending", "pending"]),
          notices: [],
        });
      if (url === "/api/task/t1") return json(taskStates.length > 1 ? taskStates.shift() : taskStates[0]);
      if (url === "/api/task/t1/cancel") {
        taskStates = [{ task_id: "t1", status: "cancelled", progress: 0.3, steps: steps(["complete", "cancelled", "pending"]), error: null, result: {}, notices: [] }];
        return json(taskStates[0]);
      }
      return json({ detail: "not stubbed" }, 404);
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
  Object.defineProperty(video, "duration", { value: 2 });
  video.getBoundingClientRect = () => ({ left: 0, top: 0, width: 640, height: 360, right: 640, bottom: 360, x: 0, y: 0, toJSON() {} });
  fireEvent.loadedMetadata(video);
  // The picture spans x = 80..560: a click at (200, 90) is 25 % / 25 % of the frame.
  fireEvent.click(screen.getByTestId("click-target"), { clientX: 200, clientY: 90 });
  expect(screen.getByTestId("points-summary").textContent).toBe("1 object point on frame 0.");
}

describe("the studio page", () => {
  it("tracks a clicked object and offers the results", async () => {
    taskStates = [
      { task_id: "t1", status: "processing", progress: 0.5, steps: steps(["complete", "processing", "pending"]), error: null, result: {}, notices: ["Downscaled"] },
      {
        task_id: "t1",
        status: "complete",
        progress: 1,
        steps: steps(["complete", "complete", "complete"]),
        error: null,
        result: { masked_video_url: "/uploads/t1/masked_video.mp4", masks_url: "/uploads/t1/masks.zip" },
        notices: [],
      },
    ];
    await uploadAndClick();
    fireEvent.click(screen.getByRole("button", { name: "Track object" }));

    const status = await screen.findByTestId("processing-status");
    await waitFor(() => expect(status.getAttribute("data-status")).toBe("processing"));
    expect(within(status).getByText("Tracking across frames…")).toBeTruthy();
    expect(posted).toEqual([{ url: "/api/track-point", fields: { video: "<file>", x: "25", y: "25", frame_idx: "0" } }]);

    await waitFor(() => expect(screen.getByTestId("processing-status").getAttribute("data-status")).toBe("complete"), {
      timeout: 3000,
    });
    expect((screen.getByTestId("result-video") as HTMLVideoElement).getAttribute("src")).toBe("/uploads/t1/masked_video.mp4");
    const links = within(screen.getByTestId("download-panel")).getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/uploads/t1/masked_video.mp4", "/uploads/t1/masks.zip"]);
  });

  it("cancels a running job", async () => {
    taskStates = [{ task_id: "t1", status: "processing", progress: 0.3, steps: steps(["complete", "processing", "pending"]), error: null, result: {}, notices: [] }];
    await uploadAndClick();
    fireEvent.click(screen.getByRole("button", { name: "Track object" }));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.getByTestId("processing-status").getAttribute("data-status")).toBe("cancelled"));
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.queryByTestId("result-viewer")).toBeNull();
  });

  it("stops a running job when another video is picked", async () => {
    taskStates = [{ task_id: "t1", status: "processing", progress: 0.3, steps: steps(["complete", "processing", "pending"]), error: null, result: {}, notices: [] }];
    await uploadAndClick();
    fireEvent.click(screen.getByRole("button", { name: "Track object" }));
    await screen.findByRole("button", { name: "Cancel" });
    const other = new File([new Uint8Array(64)], "other.mp4", { type: "video/mp4" });
    fireEvent.change(screen.getByTestId("file-input"), { target: { files: [other] } });
    await waitFor(() =>
      expect(vi.mocked(fetch).mock.calls.some(([url, init]) => url === "/api/task/t1/cancel" && init?.method === "POST")).toBe(true),
    );
    expect(screen.queryByTestId("processing-status")).toBeNull();
    expect(screen.getByTestId("points-summary").textContent).toMatch(/Pause on a frame/);
  });

  it("shows the server's refusal as a toast", async () => {
    await uploadAndClick();
    vi.mocked(fetch).mockImplementationOnce(async () => json({ detail: "The video is 14.0 s long; the limit is 10 s." }, 400));
    fireEvent.click(screen.getByRole("button", { name: "Track object" }));
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("The video is 14.0 s long; the limit is 10 s.");
    // Announced: sonner's list sits in a polite live region.
    expect(toast.closest("[aria-live]")?.getAttribute("aria-live")).toBe("polite");
  });
});

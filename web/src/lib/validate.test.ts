import { describe, expect, it } from "vitest";
import { checkVideoFile } from "./validate";

const file = (name: string, type: string, size = 1000) => {
  const f = new File(["x"], name, { type });
  Object.defineProperty(f, "size", { value: size });
  return f;
};

describe("checkVideoFile", () => {
  it("accepts videos by MIME type or extension", () => {
    expect(checkVideoFile(file("clip.mp4", "video/mp4"))).toBeNull();
    expect(checkVideoFile(file("clip.mkv", ""))).toBeNull();
  });
  it("rejects other files with a readable message", () => {
    expect(checkVideoFile(file("notes.txt", "text/plain"))).toMatch(/not a video/);
  });
  it("rejects files over the limit", () => {
    const msg = checkVideoFile(file("big.mp4", "video/mp4", 101 * 1024 * 1024), {
      maxUploadMb: 100,
      maxDurationS: 10,
      formats: ["mp4"],
    });
    expect(msg).toMatch(/101\.0 MB; the limit is 100 MB/);
  });
  it("rejects empty files", () => {
    expect(checkVideoFile(file("empty.mp4", "video/mp4", 0))).toMatch(/empty/);
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_FPS, snapFps } from "./fps";

describe("snapFps", () => {
  it("snaps noisy measurements to common rates", () => {
    expect(snapFps(24.3)).toBe(24);
    expect(snapFps(29.9)).toBe(29.97);
    expect(snapFps(49.2)).toBe(50);
  });
  it("keeps unusual rates", () => {
    expect(snapFps(15)).toBe(15);
  });
  it("defaults on nonsense", () => {
    expect(snapFps(0)).toBe(DEFAULT_FPS);
    expect(snapFps(Number.POSITIVE_INFINITY)).toBe(DEFAULT_FPS);
  });
});

import { describe, expect, it } from "vitest";
import { clientToFramePercent, containedFrameBox, frameIndexAt, framePercentToClient } from "./geometry";

describe("containedFrameBox", () => {
  it("pillarboxes a 4:3 video inside a 16:9 element", () => {
    const box = containedFrameBox({ left: 0, top: 0, width: 640, height: 360 }, 320, 240);
    expect(box).toEqual({ left: 80, top: 0, width: 480, height: 360 });
  });

  it("letterboxes a wide video inside a square element", () => {
    const box = containedFrameBox({ left: 10, top: 20, width: 400, height: 400 }, 854, 480);
    expect(box.left).toBe(10);
    expect(box.width).toBe(400);
    expect(box.height).toBeCloseTo((400 * 480) / 854, 6);
    expect(box.top).toBeCloseTo(20 + (400 - box.height) / 2, 6);
  });

  it("falls back to the content box before the video's size is known", () => {
    expect(containedFrameBox({ left: 5, top: 5, width: 100, height: 50 }, 0, 0)).toEqual({
      left: 5,
      top: 5,
      width: 100,
      height: 50,
    });
  });
});

describe("clientToFramePercent", () => {
  const element = { left: 100, top: 50, width: 640, height: 360 }; // 16:9 element at (100, 50)

  it("maps the centre of a pillarboxed frame to 50/50", () => {
    expect(clientToFramePercent(100 + 320, 50 + 180, element, 320, 240)).toEqual({ x: 50, y: 50 });
  });

  it("measures from the picture's edge, not the element's", () => {
    // The 4:3 picture spans x = 180..660 in client space; a quarter of the way in is x = 300.
    const p = clientToFramePercent(300, 50 + 90, element, 320, 240)!;
    expect(p.x).toBeCloseTo(25, 6);
    expect(p.y).toBeCloseTo(25, 6);
  });

  it("ignores clicks on the black bars", () => {
    expect(clientToFramePercent(120, 200, element, 320, 240)).toBeNull(); // left bar
    expect(clientToFramePercent(700, 200, element, 320, 240)).toBeNull(); // right bar
  });

  it("handles top/bottom letterboxing", () => {
    const square = { left: 0, top: 0, width: 480, height: 480 };
    // 854x480 in 480x480: picture height 269.8, top bar 105.1 px.
    expect(clientToFramePercent(240, 20, square, 854, 480)).toBeNull();
    const p = clientToFramePercent(480, 240, square, 854, 480)!;
    expect(p.x).toBeCloseTo(100, 6);
    expect(p.y).toBeCloseTo(50, 6);
  });

  it("subtracts border and padding", () => {
    const p = clientToFramePercent(10 + 50, 10 + 50, { left: 0, top: 0, width: 120, height: 120 }, 100, 100, {
      top: 10,
      right: 10,
      bottom: 10,
      left: 10,
    })!;
    expect(p).toEqual({ x: 50, y: 50 });
  });

  it("is independent of the device-pixel ratio (all CSS pixels) and round-trips", () => {
    for (const [x, y] of [
      [0, 0],
      [12.5, 87.5],
      [100, 100],
      [33.3, 66.6],
    ]) {
      const client = framePercentToClient(x, y, element, 854, 480);
      const back = clientToFramePercent(client.x, client.y, element, 854, 480)!;
      expect(back.x).toBeCloseTo(x, 6);
      expect(back.y).toBeCloseTo(y, 6);
    }
  });
});

describe("frameIndexAt", () => {
  it("rounds time × fps", () => {
    expect(frameIndexAt(0, 24)).toBe(0);
    expect(frameIndexAt(1, 24)).toBe(24);
    expect(frameIndexAt(0.52, 24)).toBe(12);
    expect(frameIndexAt(10 / 24, 24)).toBe(10);
    expect(frameIndexAt(1 / 30 + 0.001, 30)).toBe(1);
  });

  it("is never negative or NaN", () => {
    expect(frameIndexAt(-1, 24)).toBe(0);
    expect(frameIndexAt(Number.NaN, 24)).toBe(0);
    expect(frameIndexAt(1, 0)).toBe(0);
  });
});

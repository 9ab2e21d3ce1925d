// The decoder against masks pycocotools encoded (vtrack.sessions.rle.encode, i.e. mask.encode):
// the small ones inline with their pixels; rle-fixtures.json holds two 854x480 ones made with
//   big = zeros((480, 854)); big[100:380, 200:700] = 1; big[0, 0] = big[479, 853] = 1
//   ring = zeros((480, 854)); ring[50:430, 100:800] = 1; ring[150:330, 300:600] = 0
import { describe, expect, it } from "vitest";
import { decodeRle, rleArea, runLengths } from "./rle";
import fixtures from "../test/rle-fixtures.json";

const rows = (mask: Uint8Array, width: number) =>
  Array.from({ length: mask.length / width }, (_, y) => Array.from(mask.subarray(y * width, (y + 1) * width)).join(""));

describe("COCO RLE", () => {
  it("decodes a small random mask pixel for pixel", () => {
    const rle = { size: [5, 7], counts: "2220O03OM1122MM0000" };
    expect(rows(decodeRle(rle), 7)).toEqual(["0011000", "0100101", "1101100", "1001101", "0100110"]);
    expect(rleArea(rle)).toBe(16);
  });

  it("decodes empty and full masks", () => {
    expect(Array.from(decodeRle({ size: [4, 6], counts: "h0" }))).toEqual(new Array(24).fill(0));
    expect(Array.from(decodeRle({ size: [4, 6], counts: "0h0" }))).toEqual(new Array(24).fill(1));
    expect(runLengths("h0")).toEqual([24]);
  });

  it("decodes a frame-sized mask with long runs and negative differences", () => {
    const { rle, area } = fixtures.rect_and_corners;
    const mask = decodeRle(rle);
    const at = (x: number, y: number) => mask[y * 854 + x];
    expect(mask.reduce((a, b) => a + b, 0)).toBe(area);
    expect(rleArea(rle)).toBe(area);
    expect([at(0, 0), at(853, 479), at(200, 100), at(699, 379)]).toEqual([1, 1, 1, 1]);
    expect([at(1, 0), at(199, 100), at(700, 379), at(200, 99), at(699, 380)]).toEqual([0, 0, 0, 0, 0]);
  });

  it("keeps a hole as a hole", () => {
    const { rle, area } = fixtures.ring;
    const mask = decodeRle(rle);
    const at = (x: number, y: number) => mask[y * 854 + x];
    expect(rleArea(rle)).toBe(area);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(area);
    expect([at(100, 50), at(299, 200), at(600, 329), at(799, 429)]).toEqual([1, 1, 1, 1]);
    expect([at(300, 150), at(450, 240), at(599, 329), at(99, 50)]).toEqual([0, 0, 0, 0]);
  });

  it("refuses counts that do not fit the size or are cut off", () => {
    expect(() => decodeRle({ size: [4, 6], counts: "i0" })).toThrow(/fit/); // 25 > 24 pixels
    expect(() => decodeRle({ size: [4, 6], counts: "T0" })).toThrow(/cover/); // 4 < 24
    expect(() => runLengths("h")).toThrow(/middle/);
  });
});

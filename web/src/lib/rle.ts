// COCO run-length masks as the API sends them ({size: [h, w], counts: "<compressed string>"}, the
// form pycocotools' mask.encode writes), decoded in the browser. No maintained npm package reads
// this form, so this is pycocotools' rleFrString, in TypeScript.
//
// The counts alternate runs of 0s and 1s (starting with 0s) over the mask in column-major order.
// Each count is written in 5-bit groups, low first, as characters from 48 ("0"); 0x20 in a group
// says another follows, 0x10 in the last one is the sign. From the third count on, each is stored
// as the difference to the count two before it.

export interface Rle {
  size: number[];
  counts: string;
}

/** The run lengths a compressed counts string holds. */
export function runLengths(counts: string): number[] {
  const runs: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let value = 0;
    let shift = 0;
    let more = true;
    while (more) {
      if (p >= counts.length) throw new Error("RLE counts end in the middle of a number");
      const c = counts.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`RLE counts hold an invalid character at ${p}`);
      // Arithmetic rather than bit operations: counts of large frames pass 2^31 when shifted.
      value += (c & 0x1f) * 2 ** shift;
      more = (c & 0x20) !== 0;
      shift += 5;
      p += 1;
      if (!more && c & 0x10) value -= 2 ** shift;
    }
    if (runs.length > 2) value += runs[runs.length - 2];
    runs.push(value);
  }
  return runs;
}

/** Pixels in the mask (the sum of its runs of 1s), without decoding it. */
export function rleArea(rle: Rle): number {
  const runs = runLengths(rle.counts);
  let area = 0;
  for (let i = 1; i < runs.length; i += 2) area += runs[i];
  return area;
}

/** The mask as one byte per pixel (1 = object), row-major: index y * width + x. */
export function decodeRle(rle: Rle): Uint8Array {
  const [height, width] = rle.size;
  const total = height * width;
  const mask = new Uint8Array(total);
  const runs = runLengths(rle.counts);
  let at = 0;
  for (let r = 0; r < runs.length; r += 1) {
    const end = at + runs[r];
    if (runs[r] < 0 || end > total) throw new Error("RLE runs do not fit the mask's size");
    if (r % 2 === 1) {
      // a run of 1s, column by column (column-major order)
      let i = at;
      while (i < end) {
        const x = Math.floor(i / height);
        const y0 = i - x * height;
        const n = Math.min(end - i, height - y0);
        for (let y = y0; y < y0 + n; y += 1) mask[y * width + x] = 1;
        i += n;
      }
    }
    at = end;
  }
  if (at !== total) throw new Error("RLE runs do not cover the mask");
  return mask;
}

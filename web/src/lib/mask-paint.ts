// Objects' masks painted into one RGBA picture (the overlay canvas): each object tinted in its
// colour with a solid outline, the selected one a little stronger. Pure, so it is tested without
// a canvas.

export type Rgb = [number, number, number];

export interface PaintLayer {
  /** One byte per pixel, row-major, 1 = object (the picture's width x height). */
  mask: Uint8Array;
  color: Rgb;
  selected?: boolean;
}

const FILL_ALPHA = 110;
const SELECTED_FILL_ALPHA = 150;

/** "#rrggbb" as [r, g, b]; grey for anything else. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [160, 160, 160];
}

/** A mask pixel with a 4-neighbour outside the mask (or on the picture's edge). */
function onEdge(mask: Uint8Array, i: number, x: number, y: number, width: number, height: number): boolean {
  return (
    x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width]
  );
}

/** Clears `rgba` (width x height x 4) and paints the layers in order; returns the pixels painted. */
export function paintMasks(rgba: Uint8ClampedArray, width: number, height: number, layers: PaintLayer[]): number {
  rgba.fill(0);
  let painted = 0;
  for (const { mask, color, selected } of layers) {
    const fill = selected ? SELECTED_FILL_ALPHA : FILL_ALPHA;
    for (let y = 0, i = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1, i += 1) {
        if (!mask[i]) continue;
        const o = i * 4;
        if (rgba[o + 3] === 0) painted += 1;
        rgba[o] = color[0];
        rgba[o + 1] = color[1];
        rgba[o + 2] = color[2];
        rgba[o + 3] = onEdge(mask, i, x, y, width, height) ? 255 : fill;
      }
    }
  }
  return painted;
}

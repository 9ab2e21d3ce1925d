// The masks of the frame shown, painted on a canvas over the picture at the session's working
// resolution (the masks' own), each object in its colour.
import { useEffect, useRef } from "react";
import type { Box } from "../lib/geometry";
import type { MaskCache } from "../lib/mask-cache";
import { hexToRgb, paintMasks, type PaintLayer } from "../lib/mask-paint";

interface Props {
  masks: MaskCache;
  /** Bumped by the cache on every change: a new version repaints. */
  version: number;
  frameIdx: number;
  /** The working resolution the masks have. */
  width: number;
  height: number;
  /** Where the picture is on the stage. */
  box: Box;
  objects: { id: number; color: string }[];
  selectedId: number | null;
}

export function MaskOverlay({ masks, version, frameIdx, width, height, box, objects, selectedId }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !width || !height) return;
    const known = masks.frame(frameIdx);
    const layers: PaintLayer[] = [];
    const shown: number[] = [];
    for (const obj of objects) {
      const entry = known?.get(obj.id);
      if (!entry || entry.rle.size[0] !== height || entry.rle.size[1] !== width) continue;
      shown.push(obj.id);
      if (entry.area > 0) layers.push({ mask: masks.pixels(entry), color: hexToRgb(obj.color), selected: obj.id === selectedId });
    }
    const image = ctx.createImageData(width, height);
    const painted = paintMasks(image.data, width, height, layers);
    ctx.putImageData(image, 0, 0);
    // What is on screen, for tests and tools: which frame, which objects, how many pixels, when.
    canvas.dataset.frame = String(frameIdx);
    canvas.dataset.objects = shown.join(",");
    canvas.dataset.pixels = String(painted);
    canvas.dataset.paintedAt = String(performance.now());
  }, [masks, version, frameIdx, width, height, objects, selectedId]);

  return (
    <canvas
      ref={canvasRef}
      width={width || 1}
      height={height || 1}
      data-testid="mask-overlay"
      aria-hidden="true"
      className="pointer-events-none absolute"
      style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
    />
  );
}

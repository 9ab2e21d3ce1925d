// The timeline under the player: a row per object, each frame filled in the object's colour where
// its mask is known and visible (a propagation fills it as frames arrive), ticks on prompted frames,
// the current frame marked. A click seeks; the scrubber above is the keyboard's way.
import { useEffect, useRef, type MouseEvent } from "react";
import type { MaskCache } from "../lib/mask-cache";
import type { StudioObject } from "../lib/objects";

interface Props {
  masks: MaskCache;
  version: number;
  frameCount: number;
  frameIdx: number;
  objects: StudioObject[];
  selectedId: number | null;
  onSeek: (frameIdx: number) => void;
}

const ROW = 10;
const GAP = 3;

/** One row: runs of visible frames in the colour, known-empty frames dark, unknown ones left blank. */
function drawRow(ctx: CanvasRenderingContext2D, coverage: Int8Array, y: number, cell: number, color: string) {
  for (let f = 0; f < coverage.length; f += 1) {
    if (coverage[f] < 0) continue;
    ctx.fillStyle = coverage[f] > 0 ? color : "rgba(148,163,184,0.25)";
    ctx.fillRect(Math.floor(f * cell), y, Math.max(1, Math.ceil(cell)), ROW);
  }
}

export function Timeline({ masks, version, frameCount, frameIdx, objects, selectedId, onSeek }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rows = Math.max(1, objects.length);
  const height = rows * (ROW + GAP) + GAP;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !frameCount) return;
    const scale = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 300;
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cell = width / frameCount;
    objects.forEach((obj, row) => {
      const y = GAP + row * (ROW + GAP);
      ctx.fillStyle = obj.id === selectedId ? "rgba(99,102,241,0.25)" : "rgba(30,41,59,0.8)";
      ctx.fillRect(0, y - 1, width, ROW + 2);
      drawRow(ctx, masks.coverage(obj.id, frameCount), y, cell, obj.color);
      ctx.fillStyle = "#fff";
      for (const f of obj.promptFrames) ctx.fillRect(Math.floor((f + 0.5) * cell) - 1, y - 1, 2, ROW + 2);
    });
    ctx.fillStyle = "#e0e7ff";
    ctx.fillRect(Math.floor((frameIdx + 0.5) * cell) - 1, 0, 2, height);
  }, [masks, version, frameCount, frameIdx, objects, selectedId, height]);

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    if (!rect.width || !frameCount) return;
    onSeek(Math.min(frameCount - 1, Math.max(0, Math.floor(((event.clientX - rect.left) / rect.width) * frameCount))));
  };

  const summary = objects.map((obj) => {
    const coverage = masks.coverage(obj.id, frameCount);
    const known = coverage.filter((c) => c >= 0).length;
    const visible = coverage.filter((c) => c > 0).length;
    return { obj, known, visible };
  });

  return (
    <div className="flex flex-col gap-1" data-testid="timeline">
      <canvas ref={canvasRef} className="w-full cursor-pointer rounded" style={{ height }} aria-hidden="true" onClick={onClick} />
      <ul className="sr-only" aria-label="Masks over time">
        {summary.map(({ obj, known, visible }) => (
          <li key={obj.id} data-testid="timeline-row" data-object={obj.id} data-known={known} data-visible={visible}>
            {obj.name}: mask known on {known} of {frameCount} frames, visible on {visible}.
          </li>
        ))}
      </ul>
    </div>
  );
}

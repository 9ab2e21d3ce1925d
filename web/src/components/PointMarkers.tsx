// The points placed on the frame shown (the selected object's bright, the others' faint) and the
// keyboard crosshair, drawn over the picture.
import type { PromptPoint } from "../lib/api";
import type { Box } from "../lib/geometry";

export interface Marker extends PromptPoint {
  /** Another object's point: drawn faint. */
  faint?: boolean;
}

interface Props {
  width: number;
  height: number;
  frame: Box;
  markers: Marker[];
  crosshair: { x: number; y: number } | null;
}

const POSITIVE = "#34d399";
const NEGATIVE = "#f87171";

export function PointMarkers({ width, height, frame, markers, crosshair }: Props) {
  const at = (p: { x: number; y: number }) => ({ cx: frame.left + (p.x / 100) * frame.width, cy: frame.top + (p.y / 100) * frame.height });
  return (
    <svg className="pointer-events-none absolute inset-0 h-full w-full" width={width} height={height} aria-hidden="true">
      {markers.map((p, i) => {
        const { cx, cy } = at(p);
        const color = p.positive ? POSITIVE : NEGATIVE;
        return (
          <g key={i} opacity={p.faint ? 0.4 : 1} data-testid="point-marker">
            <circle cx={cx} cy={cy} r={9} fill="rgba(0,0,0,0.45)" stroke={color} strokeWidth={2.5} />
            <path
              d={p.positive ? `M${cx - 4} ${cy}h8M${cx} ${cy - 4}v8` : `M${cx - 4} ${cy}h8`}
              stroke={color}
              strokeWidth={2.5}
              strokeLinecap="round"
            />
          </g>
        );
      })}
      {crosshair && (
        <g data-testid="crosshair">
          <line x1={at(crosshair).cx} x2={at(crosshair).cx} y1={frame.top} y2={frame.top + frame.height} stroke="rgba(129,140,248,0.8)" strokeDasharray="4 4" />
          <line y1={at(crosshair).cy} y2={at(crosshair).cy} x1={frame.left} x2={frame.left + frame.width} stroke="rgba(129,140,248,0.8)" strokeDasharray="4 4" />
          <circle cx={at(crosshair).cx} cy={at(crosshair).cy} r={12} fill="none" stroke="#818cf8" strokeWidth={2} />
        </g>
      )}
    </svg>
  );
}

// The selected object's points on the frame shown: what is placed, whether the next click marks the
// object or not, undo/clear.
import type { PromptPoint } from "../lib/api";
import { Button } from "./ui/button";
import { ToggleGroup, ToggleGroupItem } from "./ui/toggle-group";

export interface PointControlsProps {
  /** The selected object's points on the frame shown. */
  points: PromptPoint[];
  frameIdx: number;
  objectName: string | null;
  negativeMode: boolean;
  onNegativeMode: (on: boolean) => void;
  onClear: () => void;
  onUndo: () => void;
  /** A click's mask is on its way. */
  previewing?: boolean;
}

function summary(points: PromptPoint[], frame: number, name: string | null) {
  if (points.length === 0) {
    return name ? (
      <>
        No points of {name} on frame {frame}. Click it; shift-click marks what is <em>not</em> it.
      </>
    ) : (
      <>
        Pause on a frame where the object is visible and click it. Shift-click marks what is <em>not</em> the object.
      </>
    );
  }
  const positives = points.filter((p) => p.positive).length;
  const negatives = points.length - positives;
  return (
    <>
      {positives} object point{positives === 1 ? "" : "s"}
      {negatives > 0 && `, ${negatives} “not this” point${negatives === 1 ? "" : "s"}`} on frame {frame}
      {name && ` (${name})`}.
    </>
  );
}

export function PointControls({ points, frameIdx, objectName, negativeMode, onNegativeMode, onClear, onUndo, previewing }: PointControlsProps) {
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-slate-300" data-testid="points-summary" aria-live="polite">
        {summary(points, frameIdx, objectName)}
        {previewing && <span className="ml-1 text-muted-foreground">Updating the mask…</span>}
      </p>
      <div className="flex flex-wrap gap-2">
        <ToggleGroup
          type="single"
          aria-label="Next point marks"
          value={negativeMode ? "negative" : "positive"}
          // A single toggle group can be emptied by pressing the chosen item again; keep one chosen.
          onValueChange={(value) => value && onNegativeMode(value === "negative")}
        >
          <ToggleGroupItem value="positive" className="data-[state=on]:bg-emerald-800 data-[state=on]:text-emerald-50">
            + Object
          </ToggleGroupItem>
          <ToggleGroupItem value="negative" className="data-[state=on]:bg-red-900 data-[state=on]:text-red-50">
            − Not this
          </ToggleGroupItem>
        </ToggleGroup>
        <Button variant="outline" size="sm" onClick={onUndo} disabled={points.length === 0}>
          Undo point
        </Button>
        <Button variant="outline" size="sm" onClick={onClear} disabled={points.length === 0}>
          Clear points
        </Button>
      </div>
    </div>
  );
}

// Track: propagates the objects whose clicks changed (after a correction, from that frame only) and
// shows the run, which can be cancelled; its frames fill the timeline as they arrive.
import type { useTracking } from "../hooks/tracking";
import { ProcessingStatus } from "./ProcessingStatus";
import { Button } from "./ui/button";

interface Props {
  tracking: ReturnType<typeof useTracking>;
  frameCount: number;
}

function label(plan: ReturnType<typeof useTracking>["plan"], busy: boolean): string {
  if (busy) return "Tracking…";
  if (!plan) return "Track";
  return plan.start_frame_idx !== undefined ? `Track again from frame ${plan.start_frame_idx}` : "Track";
}

export function TrackControls({ tracking, frameCount }: Props) {
  const { track, plan, startTracking } = tracking;
  const task = track.task;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={startTracking} disabled={!plan || track.busy} data-testid="track-button">
          {label(plan, track.busy)}
        </Button>
        {!plan && !track.busy && frameCount > 0 && (
          <span className="text-xs text-muted-foreground">Every object is tracked; click to correct, then track again.</span>
        )}
      </div>
      {task && <ProcessingStatus task={task} onCancel={track.cancel} cancelling={track.cancelling} label="Tracking" />}
    </div>
  );
}
